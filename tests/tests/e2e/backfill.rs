//! Backfills (#32 item 2): every stored item brought to the form its type stores today
//! (index keys of a new template, an alias moved to its new name, a default filled)
//! while other writers insert, modify and remove the same items; exact reports;
//! resumed from a cursor after a crash; dry runs; paced to a write budget.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::backfill::BackfillCursor;
use dynamap::observe::CapacityMeter;
use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::wire::wire_client;
use dynamap_tests::{client, new_mapping, unique_table_name};

/// The first release: the name under `fullname`, no visit count.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "camelCase")]
struct ProfileV1 {
    #[dynamo(partition_key)]
    id: String,
    fullname: String,
}

/// Today's: the name under `name` (read from `fullname` too), a visit count that
/// defaults to 0.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "camelCase")]
struct Profile {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(alias = "fullname")]
    name: String,
    #[dynamo(default)]
    visits: u64,
}

fn v1(i: usize) -> ProfileV1 {
    ProfileV1 {
        id: format!("p{i:05}"),
        fullname: format!("Person {i}"),
    }
}

/// Every stored item, raw.
async fn raw_items(table: &str) -> Vec<BTreeMap<String, AttributeValue>> {
    let client = client().await;
    let pages: Vec<_> = client
        .scan()
        .table_name(table)
        .consistent_read(true)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    pages.into_iter().map(|i| i.into_iter().collect()).collect()
}

/// A budget of `units` per second that makes work which took `unpaced` last at least
/// three times as long (and 2 s), so that a paced run's time is the budget's, not the
/// server's.
fn rate_for(units: f64, unpaced: Duration) -> f64 {
    units
        / unpaced
            .mul_f64(3.0)
            .max(Duration::from_secs(2))
            .as_secs_f64()
}

fn in_todays_form(item: &BTreeMap<String, AttributeValue>) -> bool {
    item.contains_key("name") && !item.contains_key("fullname") && item.contains_key("visits")
}

#[tokio::test]
async fn an_alias_moves_and_a_default_is_filled_and_a_second_run_finds_all_current() {
    let old = new_mapping::<ProfileV1>("backfill-form").await;
    old.insert_many((0..250).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    // An item that cannot be read as today's type is refused, and the rest go on.
    old.client()
        .put_item()
        .table_name(old.table_name())
        .item("id", AttributeValue::S("broken".into()))
        .item("fullname", AttributeValue::N("7".into()))
        .send()
        .await
        .unwrap();

    let report = profiles.backfill().page_size(40).await.unwrap();
    assert_eq!(report.scanned, 251);
    assert_eq!(report.rewritten, 250);
    assert_eq!(report.current, 0);
    assert_eq!(report.conflicts, 0);
    assert!(report.finished);
    assert!(report.cursor.as_ref().is_some_and(BackfillCursor::is_done));
    assert_eq!(report.refused.len(), 1);
    assert_eq!(
        report.refused[0].key["id"],
        AttributeValue::S("broken".into())
    );
    assert!(matches!(report.refused[0].error, Error::Conversion(_)));

    let stored = raw_items(old.table_name()).await;
    let good: Vec<_> = stored
        .iter()
        .filter(|i| i["id"].as_s().unwrap() != "broken")
        .collect();
    assert_eq!(good.len(), 250);
    assert!(
        good.iter().all(|item| in_todays_form(item)),
        "{:?}",
        good[0]
    );
    assert_eq!(
        profiles.get("p00007").await.unwrap(),
        Some(Profile {
            id: "p00007".into(),
            name: "Person 7".into(),
            visits: 0
        })
    );

    // Nothing left to do: every item current, nothing written.
    let (client, wire) = wire_client(old.client());
    let again = TypedMapping::<Profile>::new(client, old.table_name());
    let report = again.backfill().await.unwrap();
    assert_eq!(
        (report.scanned, report.current, report.rewritten),
        (251, 250, 0)
    );
    assert!(wire.bodies("UpdateItem").is_empty());
}

#[tokio::test]
async fn a_dry_run_counts_and_samples_and_writes_nothing() {
    let old = new_mapping::<ProfileV1>("backfill-dry").await;
    old.insert_many((0..30).map(v1)).await.unwrap();
    let (client, wire) = wire_client(old.client());
    let profiles = TypedMapping::<Profile>::new(client, old.table_name());
    let report = profiles.backfill().dry_run(true).samples(3).await.unwrap();
    assert_eq!((report.scanned, report.rewritten), (30, 30));
    assert_eq!(report.samples.len(), 3);
    let sample = &report.samples[0];
    assert!(sample.stored.contains_key("fullname"));
    assert_eq!(sample.rewritten["name"], sample.stored["fullname"]);
    assert!(!sample.rewritten.contains_key("fullname"));
    assert_eq!(sample.rewritten["visits"], AttributeValue::N("0".into()));
    assert!(
        wire.bodies("UpdateItem").is_empty(),
        "a dry run writes nothing"
    );
    assert!(raw_items(old.table_name())
        .await
        .iter()
        .all(|i| i.contains_key("fullname")));
}

#[tokio::test]
async fn ten_thousand_items_come_to_todays_form_while_writers_change_them_and_none_of_their_writes_is_lost(
) {
    const ITEMS: usize = 10_000;
    let old = new_mapping::<ProfileV1>("backfill-busy").await;
    old.insert_many((0..ITEMS).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    let f = Profile::fields();

    // The writers' acknowledged writes: visits added per key, keys removed, keys new.
    let added: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let removed: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let created: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4_u64 {
        let (profiles, added, removed, created, done) = (
            profiles.clone(),
            added.clone(),
            removed.clone(),
            created.clone(),
            done.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(writer);
            let mut writes = 0;
            while !done.load(Ordering::SeqCst) || writes < 200 {
                // Each writer keeps to its own keys, so its log is in its writes' order.
                let id = format!("p{:05}", rng.usize(0..ITEMS / 4) * 4 + writer as usize);
                match rng.u8(0..10) {
                    // A visit to a profile that may or may not be there any more.
                    0..=6 => match profiles.modify(&id).add(f.visits, 1).await {
                        Ok(()) => *added.lock().unwrap().entry(id).or_default() += 1,
                        Err(Error::NotFound { .. }) => {}
                        Err(e) => panic!("modify: {e}"),
                    },
                    7 => {
                        profiles.remove(&id).await.unwrap();
                        removed.lock().unwrap().insert(id.clone());
                        added.lock().unwrap().remove(&id);
                    }
                    _ => {
                        let id = format!("new-{writer}-{writes}");
                        let new = Profile {
                            id: id.clone(),
                            name: "New".into(),
                            visits: 0,
                        };
                        profiles.insert(&new).await.unwrap();
                        created.lock().unwrap().insert(id);
                    }
                }
                writes += 1;
            }
            writes
        }));
    }
    let report = profiles
        .backfill()
        .segments(4)
        .page_size(250)
        .await
        .unwrap();
    done.store(true, Ordering::SeqCst);
    let mut writes = 0;
    for writer in writers {
        writes += writer.await.unwrap();
    }
    eprintln!("backfill: {report:?} beside {writes} writes");

    // Every item is in today's form, and holds exactly what the writers were told.
    let removed = removed.lock().unwrap().clone();
    let added = added.lock().unwrap().clone();
    let created = created.lock().unwrap().clone();
    let stored = raw_items(old.table_name()).await;
    assert!(stored.iter().all(in_todays_form), "an item in the old form");
    let by_id: BTreeMap<String, &BTreeMap<String, AttributeValue>> = stored
        .iter()
        .map(|i| (i["id"].as_s().unwrap().clone(), i))
        .collect();
    for id in &removed {
        // A removal acknowledged before the last visits... or a visit came after it:
        // either way, no item the backfill brought back from the dead.
        if let Some(item) = by_id.get(id) {
            panic!("{id} was removed and is back: {item:?}");
        }
    }
    for (id, visits) in &added {
        let item = by_id
            .get(id)
            .unwrap_or_else(|| panic!("{id} was visited and is gone"));
        assert_eq!(
            item["visits"],
            AttributeValue::N(visits.to_string()),
            "{id}: a visit lost or counted twice"
        );
    }
    for id in &created {
        assert!(by_id.contains_key(id), "{id} was created and is gone");
    }
    let original_left = (0..ITEMS)
        .filter(|i| !removed.contains(&format!("p{i:05}")))
        .count();
    assert_eq!(stored.len(), original_left + created.len());
    // The account is exact: each item scanned is counted once.
    assert_eq!(
        report.scanned,
        report.rewritten + report.current + report.vanished + report.refused.len() as u64
    );
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert!(report.rewritten + report.vanished >= (ITEMS - removed.len()) as u64 / 2);
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct App;

/// The first release of the entity: no index.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Order", pk = "USER#{user}", sk = "ORDER#{id}")]
struct OrderV1 {
    user: String,
    id: u32,
    status: String,
}

/// Today's: in `Gsi1` by status.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Order", pk = "USER#{user}", sk = "ORDER#{id}",
         index(Gsi1, pk = "STATUS#{status}", sk = "ORDER#{id}"))]
struct Order {
    user: String,
    id: u32,
    status: String,
}

/// Another entity of the table: the backfill of orders leaves it alone.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Note", pk = "USER#{user}", sk = "NOTE")]
struct Note {
    user: String,
    text: String,
}

#[tokio::test]
async fn a_new_index_template_is_filled_and_a_crashed_backfill_resumes_without_rewriting_twice() {
    let app = Table::<App>::new(client().await, unique_table_name("backfill-index"));
    app.create_table().await.unwrap();
    let orders = (0..600).map(|i| OrderV1 {
        user: format!("u{}", i % 30),
        id: i,
        status: if i % 3 == 0 { "open" } else { "shipped" }.into(),
    });
    app.entity::<OrderV1>().insert_many(orders).await.unwrap();
    app.entity::<Note>()
        .insert(&Note {
            user: "u1".into(),
            text: "hello".into(),
        })
        .await
        .unwrap();
    let (client, wire) = wire_client(app.client());
    let app = Table::<App>::new(client, app.table_name().to_owned());
    let orders = app.entity::<Order>();
    assert_eq!(orders.query_index::<Gsi1>("open").count().await.unwrap(), 0);

    // The first run dies after its third page: dropped where it stands.
    let saved: Arc<Mutex<Option<String>>> = Arc::default();
    let pages = Arc::new(AtomicUsize::new(0));
    let crash = Arc::new(tokio::sync::Notify::new());
    let (save, count, signal) = (saved.clone(), pages.clone(), crash.clone());
    let first = orders
        .backfill()
        .segments(2)
        .page_size(50)
        .on_progress(move |p| {
            *save.lock().unwrap() = p.cursor.as_ref().map(ToString::to_string);
            if count.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                signal.notify_one();
            }
        });
    tokio::select! {
        outcome = first.send() => panic!("the backfill ended before its crash: {outcome:?}"),
        () = crash.notified() => {}
    }
    let cursor: BackfillCursor = saved.lock().unwrap().clone().unwrap().parse().unwrap();
    assert!(!cursor.is_done());
    // What the crashed run's requests in flight did has landed (or not) by now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let already = raw_items(app.table_name())
        .await
        .iter()
        .filter(|item| item.contains_key("gsi1pk"))
        .count();
    assert!((150..600).contains(&already), "{already}");
    let sent_before = wire.bodies("UpdateItem").len();

    let report = orders.backfill().resume_from(cursor).await.unwrap();
    assert!(report.finished);
    assert_eq!(report.refused.len(), 0);
    // Nothing rewritten twice: the resumed run rewrites exactly the orders not yet in
    // today's form, and finds the rest of what it reads again current.
    assert_eq!(report.rewritten as usize, 600 - already);
    let updates = wire.bodies("UpdateItem");
    let mut keys: Vec<String> = updates[sent_before..]
        .iter()
        .map(|body| format!("{}{}", body["Key"]["pk"]["S"], body["Key"]["sk"]["S"]))
        .collect();
    keys.sort();
    let sent = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), sent, "an order rewritten twice");
    assert_eq!(sent, 600 - already);

    // The index holds every order, and the note was not touched.
    assert_eq!(
        orders.query_index::<Gsi1>("open").count().await.unwrap(),
        200
    );
    assert_eq!(
        orders.query_index::<Gsi1>("shipped").count().await.unwrap(),
        400
    );
    let shipped: Vec<Order> = orders
        .query_index::<Gsi1>("shipped")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(shipped.iter().all(|o| o.status == "shipped"));
    assert!(updates.iter().all(|body| body["Key"]["sk"]["S"]
        .as_str()
        .unwrap()
        .starts_with("ORDER#")));
}

#[tokio::test]
async fn a_backfill_paced_to_a_write_budget_takes_the_time_its_units_imply() {
    let meter = CapacityMeter::new();
    let mut runs = Vec::new();
    for name in ["backfill-unpaced", "backfill-paced"] {
        let old = new_mapping::<ProfileV1>(name).await;
        old.insert_many((0..600).map(v1)).await.unwrap();
        runs.push(
            TypedMapping::<Profile>::new(old.client().clone(), old.table_name())
                .with_capacity_meter(&meter),
        );
    }
    // What the backfill costs unpaced, on this server under this load, sets a budget
    // at least three times as long, so the pace is the budget's, not the server's.
    meter.take();
    let started = Instant::now();
    assert_eq!(runs[0].backfill().await.unwrap().rewritten, 600);
    let unpaced = started.elapsed();
    let units = meter.take().units.write;
    if units == 0.0 {
        eprintln!("this server reports no capacity: nothing to pace by");
        return;
    }
    let rate = rate_for(units, unpaced);
    let started = Instant::now();
    let report = runs[1]
        .backfill()
        .write_units_per_second(rate)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(report.rewritten, 600);
    let units = meter.take().units.write;
    let budget = Duration::from_secs_f64(units / rate);
    eprintln!(
        "backfill: {units} write units at {rate:.0}/s: {elapsed:?} for a budget of {budget:?} (unpaced {unpaced:?})"
    );
    assert!(
        elapsed >= budget,
        "{elapsed:?} under the budget's {budget:?}"
    );
    assert!(
        elapsed <= budget.mul_f64(1.2),
        "{elapsed:?} over 1.2x the budget's {budget:?}"
    );
}

/// Paced to a read budget, a backfill's scan takes at least the time its read units
/// imply (less the first page's, read before any wait); its scan is metered like any
/// read. A dry run, so only the scan is paced.
#[tokio::test]
async fn a_backfill_paced_to_a_read_budget_takes_the_time_its_units_imply() {
    let meter = CapacityMeter::new();
    let old = new_mapping::<ProfileV1>("backfill-read-paced").await;
    old.insert_many((0..600).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name())
        .with_capacity_meter(&meter);
    meter.take();
    profiles.get("p00000").await.unwrap();
    if meter.take().units.read == 0.0 {
        eprintln!("this server reports no capacity: nothing to pace by");
        return;
    }
    let started = Instant::now();
    let report = profiles
        .backfill()
        .dry_run(true)
        .page_size(25)
        .await
        .unwrap();
    let unpaced = started.elapsed();
    assert_eq!((report.rewritten, report.finished), (600, true));
    let units = meter.take().units.read;
    assert!(units > 0.0, "the backfill's scan is metered");
    let rate = rate_for(units, unpaced);
    let started = Instant::now();
    let report = profiles
        .backfill()
        .dry_run(true)
        .page_size(25)
        .read_units_per_second(rate)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(report.rewritten, 600);
    let budget = Duration::from_secs_f64(meter.take().units.read / rate);
    eprintln!("backfill scan: {elapsed:?} for a read budget of {budget:?} (unpaced {unpaced:?})");
    // 24 pages: the first is read before any wait.
    assert!(
        elapsed >= budget.mul_f64(0.9),
        "{elapsed:?} under the budget's {budget:?}"
    );
}

/// A backfill stops at its deadline with its cursor, and a run resumed from it with a
/// deadline it does not reach brings every item to today's form.
#[tokio::test]
async fn a_backfill_stops_at_its_deadline_and_a_resumed_run_finishes() {
    let old = new_mapping::<ProfileV1>("backfill-deadline").await;
    old.insert_many((0..60).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    let stopped = profiles
        .backfill()
        .page_size(10)
        .deadline(Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((stopped.scanned, stopped.finished), (0, false));
    let cursor = stopped
        .cursor
        .expect("a stopped backfill hands back its cursor");
    let finished = profiles
        .backfill()
        .page_size(10)
        .resume_from(cursor)
        .deadline(Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!((finished.rewritten, finished.finished), (60, true));
    let items = raw_items(old.table_name()).await;
    assert_eq!(items.len(), 60);
    assert!(items.iter().all(in_todays_form));
}

/// A rewrite whose first request is lost while another writer changes the item: the
/// retry fails its condition on the other writer's change, not on its own write, so
/// the item is read again and rewritten with the change kept, never counted as
/// rewritten while still in its old form.
#[tokio::test]
async fn a_lost_rewrite_of_an_item_another_writer_changed_is_read_again() {
    use dynamap_tests::proxy::{self, cut_first_request_then_hold, through};
    if !proxy::possible("a_lost_rewrite_of_an_item_another_writer_changed_is_read_again") {
        return;
    }
    let old = new_mapping::<ProfileV1>("backfill-lost-raced").await;
    old.insert(&v1(1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    let (proxy, hold) = cut_first_request_then_hold(&["UpdateItem"]).await;
    let faulty = through(&proxy, &profiles).await;
    let backfill = tokio::spawn(async move { faulty.backfill().await });
    for _ in 0..2_000 {
        if proxy.stats.dropped_before.load(Ordering::Relaxed) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(proxy.stats.dropped_before.load(Ordering::Relaxed), 1);
    profiles
        .modify(&"p00001".to_owned())
        .add(Profile::fields().visits, 1)
        .await
        .unwrap();
    hold.add_permits(1_000);
    let report = backfill.await.unwrap().unwrap();
    // One conflict: the retry's condition failed on the other writer's change.
    assert_eq!(
        (report.rewritten, report.current, report.conflicts),
        (1, 0, 1),
        "{report:?}"
    );
    let items = raw_items(old.table_name()).await;
    assert!(items.iter().all(in_todays_form), "{items:?}");
    assert_eq!(
        profiles.get(&"p00001".to_owned()).await.unwrap(),
        Some(Profile {
            id: "p00001".into(),
            name: "Person 1".into(),
            visits: 1,
        }),
        "the other writer's visit is kept"
    );
}

#[tokio::test]
async fn lost_answers_to_rewrites_are_counted_once_as_rewritten() {
    use dynamap_tests::proxy::{self, through, FaultPlan, FaultProxy};
    if !proxy::possible("lost_answers_to_rewrites_are_counted_once_as_rewritten") {
        return;
    }
    let old = new_mapping::<ProfileV1>("backfill-lost").await;
    old.insert_many((0..300).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    // A tenth of the rewrites land and lose their answer (rarely enough that no item
    // loses all five attempts'); the retry fails its condition on the backfill's own
    // write, which its token tells.
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            drop_after: 0.1,
            only: &["UpdateItem"],
            ..FaultPlan::default()
        },
    )
    .await;
    let faulty = through(&proxy, &profiles).await;
    let report = faulty.backfill().await.unwrap();
    let lost = proxy.stats.dropped_after.load(Ordering::Relaxed);
    assert!(lost > 10, "{lost} answers lost");
    assert_eq!(
        (report.rewritten, report.current, report.conflicts),
        (300, 0, 0),
        "each lost answer is the backfill's own write, counted once"
    );
    assert!(raw_items(old.table_name()).await.iter().all(in_todays_form));
}

/// A rewrite DynamoDB refuses as malformed (`ValidationException`: a condition larger
/// than it takes) refuses that item alone and the backfill goes on; any other refusal
/// of a rewrite stops the backfill, and a later run finishes.
#[tokio::test]
async fn a_rewrite_refused_as_malformed_refuses_its_item_and_another_refusal_stops() {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    use dynamap_tests::proxy::{self, through, FaultPlan, FaultProxy};
    if !proxy::possible("a_rewrite_refused_as_malformed_refuses_its_item_and_another_refusal_stops")
    {
        return;
    }
    let old = new_mapping::<ProfileV1>("backfill-refused").await;
    old.insert_many((0..5).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    let endpoint = dynamap_tests::endpoint();
    let refusing = |code: &'static str| {
        FaultProxy::start(
            &endpoint,
            FaultPlan {
                answer_error: (1.0, code),
                max_faults: 1,
                only: &["UpdateItem"],
                ..FaultPlan::default()
            },
        )
    };
    let proxy = refusing("ValidationException").await;
    let report = through(&proxy, &profiles).await.backfill().await.unwrap();
    assert_eq!(
        (report.rewritten, report.refused.len()),
        (4, 1),
        "{report:?}"
    );
    let refusal = &report.refused[0].error;
    assert_eq!(
        refusal.sdk_error().and_then(|e| e.code()),
        Some("ValidationException"),
        "{refusal:?}"
    );
    let old_form = |items: &[BTreeMap<String, AttributeValue>]| {
        items.iter().filter(|i| !in_todays_form(i)).count()
    };
    assert_eq!(old_form(&raw_items(old.table_name()).await), 1);

    let proxy = refusing("AccessDeniedException").await;
    let stopped = through(&proxy, &profiles).await.backfill().await;
    assert!(
        matches!(&stopped, Err(Error::BackfillStopped { source, .. })
            if source.sdk_error().and_then(|e| e.code()) == Some("AccessDeniedException")),
        "{stopped:?}"
    );
    assert_eq!(old_form(&raw_items(old.table_name()).await), 1);
    let report = profiles.backfill().await.unwrap();
    assert_eq!((report.rewritten, report.current), (1, 4));
    assert_eq!(old_form(&raw_items(old.table_name()).await), 0);
}

#[tokio::test]
async fn a_backfill_stopped_by_a_failed_read_hands_back_its_cursor_and_resumes() {
    use dynamap_tests::proxy::{self, through, FaultPlan, FaultProxy};
    if !proxy::possible("a_backfill_stopped_by_a_failed_read_hands_back_its_cursor_and_resumes") {
        return;
    }
    let old = new_mapping::<ProfileV1>("backfill-stopped").await;
    old.insert_many((0..400).map(v1)).await.unwrap();
    let profiles = TypedMapping::<Profile>::new(old.client().clone(), old.table_name());
    let armed = Arc::new(AtomicBool::new(false));
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            reject_credentials: 1.0,
            only: &["Scan"],
            armed: Some(armed.clone()),
            ..FaultPlan::default()
        },
    )
    .await;
    let faulty = through(&proxy, &profiles).await;
    let arm = armed.clone();
    let stopped = faulty
        .backfill()
        .segments(1)
        .page_size(50)
        .on_progress(move |_| arm.store(true, Ordering::SeqCst))
        .await
        .unwrap_err();
    let Error::BackfillStopped {
        scanned,
        rewritten,
        refused,
        cursor,
        source,
    } = stopped
    else {
        panic!("expected BackfillStopped, got {stopped:?}");
    };
    assert!(
        matches!(
            *source,
            Error::Sdk {
                operation: "Scan",
                ..
            }
        ),
        "{source:?}"
    );
    assert_eq!((scanned, rewritten), (50, 50), "one page done");
    assert!(refused.is_empty());
    let cursor: BackfillCursor = cursor.parse().unwrap();
    assert!(!cursor.is_done());

    armed.store(false, Ordering::SeqCst);
    let rest = faulty.backfill().resume_from(cursor).await.unwrap();
    assert!(rest.finished);
    assert_eq!((rest.scanned, rest.rewritten), (350, 350));
    assert!(raw_items(old.table_name()).await.iter().all(in_todays_form));
}
