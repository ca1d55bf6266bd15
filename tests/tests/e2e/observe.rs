//! What dynamap shows of its work: a span per request with its fields (captured by a
//! test subscriber), capacity figures that add up, and rate limits that hold.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use dynamap::observe::CapacityMeter;
use dynamap::prelude::*;
use futures::TryStreamExt;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::Subscriber;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use dynamap_tests::{client, unique_table_name};

type Fields = BTreeMap<String, String>;

/// Keeps every `dynamodb` span's fields, in the order the spans closed.
#[derive(Clone, Default)]
struct Capture {
    closed: Arc<Mutex<Vec<Fields>>>,
}

thread_local! {
    /// The capture of the test running on this thread, if it captures.
    static ACTIVE: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

/// The process-wide layer: a span goes to the capture active on the thread that opens
/// it. One global subscriber, filtered per span (not a subscriber per thread): tracing
/// caches each call site's interest across threads, and scoped subscribers coming and
/// going on parallel test threads can leave a call site cached as uninteresting.
struct Router;

struct Open {
    capture: Capture,
    fields: Fields,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Router {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(capture) = ACTIVE.with(|a| a.borrow().clone()) else {
            return;
        };
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Open { capture, fields });
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(open) = span.extensions_mut().get_mut::<Open>() {
                values.record(&mut Visitor(&mut open.fields));
            }
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            if let Some(open) = span.extensions_mut().remove::<Open>() {
                open.capture.closed.lock().unwrap().push(open.fields);
            }
        }
    }
}

/// Stops capturing on this thread when dropped.
struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.borrow_mut().take());
    }
}

impl Capture {
    /// Records dynamap's spans opened on this thread until the guard drops.
    fn install(&self) -> Capturing {
        static GLOBAL: Once = Once::new();
        GLOBAL.call_once(|| {
            // Dynamic: asked at each span (a plain `filter_fn` is asked once per call
            // site, on whichever thread gets there first, and its answer kept).
            let only_capturing_threads = dynamic_filter_fn(|meta, _| {
                meta.target() == "dynamap"
                    && meta.name() == "dynamodb"
                    && ACTIVE.with(|a| a.borrow().is_some())
            });
            let subscriber =
                tracing_subscriber::registry().with(Router.with_filter(only_capturing_threads));
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other test sets a global subscriber");
        });
        // A call site another test thread was registering while the subscriber was
        // set may have cached "never" from the list of subscribers it read before:
        // tracing's registration races with setting one. Ask every call site again.
        tracing::callsite::rebuild_interest_cache();
        ACTIVE.with(|a| *a.borrow_mut() = Some(self.clone()));
        Capturing
    }

    fn take(&self) -> Vec<Fields> {
        std::mem::take(&mut *self.closed.lock().unwrap())
    }
}

fn of<'a>(spans: &'a [Fields], operation: &str) -> Vec<&'a Fields> {
    spans
        .iter()
        .filter(|s| s.get("db.operation.name").map(String::as_str) == Some(operation))
        .collect()
}

fn number(span: &Fields, field: &str) -> f64 {
    span.get(field)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no number `{field}` in {span:?}"))
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Entry {
    #[dynamo(partition_key)]
    list: String,
    #[dynamo(sort_key)]
    n: u32,
    secret: String,
}

fn entry(n: u32) -> Entry {
    Entry {
        list: "l".into(),
        n,
        secret: format!("hunter{n}"),
    }
}

async fn new_table() -> TypedMapping<Entry> {
    let mapping = TypedMapping::new(client().await, unique_table_name("observe"));
    mapping.create_table().await.unwrap();
    mapping
}

/// A data request that went well: one attempt, no throttle, capacity reported (an
/// empty last page may cost nothing), a request id, and nothing of the item in it.
fn assert_clean(span: &Fields) {
    assert_eq!(span["otel.status_code"], "OK", "{span:?}");
    assert_eq!(number(span, "dynamap.attempts"), 1.0, "{span:?}");
    assert_eq!(number(span, "dynamap.throttles"), 0.0, "{span:?}");
    assert!(number(span, "dynamap.capacity_units") >= 0.0, "{span:?}");
    assert!(
        !span.get("aws.request_id").is_none_or(String::is_empty),
        "{span:?}"
    );
    assert!(
        !span.contains_key("dynamap.key"),
        "keys only when asked: {span:?}"
    );
    assert!(
        span.values().all(|v| !v.contains("hunter")),
        "no item data: {span:?}"
    );
}

#[tokio::test]
async fn every_operation_opens_a_span_with_its_outcome_and_costs() {
    let capture = Capture::default();
    let _guard = capture.install();
    let entries = new_table().await;
    let table = entries.table_name().to_owned();
    let lifecycle = capture.take();
    assert_eq!(of(&lifecycle, "CreateTable").len(), 1, "{lifecycle:?}");
    assert_eq!(
        of(&lifecycle, "CreateTable")[0]["db.collection.name"],
        table
    );

    entries.insert(&entry(1)).await.unwrap();
    assert_eq!(entries.get(&("l", 1)).await.unwrap(), Some(entry(1)));
    assert!(entries.contains_key(&("l", 1)).await.unwrap());
    entries
        .modify(&("l", 1))
        .set(Entry::fields().secret, "hunter2".to_owned())
        .await
        .unwrap();
    let refused = entries.insert(&entry(1)).if_absent(true).await;
    assert!(matches!(
        refused,
        Err(dynamap::Error::ConditionFailed { .. })
    ));
    entries.remove(&("l", 1)).await.unwrap();
    let spans = capture.take();
    let puts = of(&spans, "PutItem");
    assert_eq!(puts.len(), 2, "{spans:?}");
    assert_clean(puts[0]);
    assert_eq!(puts[1]["otel.status_code"], "ERROR");
    assert_eq!(puts[1]["error.type"], "ConditionalCheckFailedException");
    let gets = of(&spans, "GetItem");
    assert_eq!(gets.len(), 2);
    for span in gets
        .iter()
        .chain(&of(&spans, "UpdateItem"))
        .chain(&of(&spans, "DeleteItem"))
    {
        assert_clean(span);
        assert!(number(span, "dynamap.capacity_units") > 0.0, "{span:?}");
        assert_eq!(span["db.collection.name"], table);
    }
    assert_eq!(gets[0]["dynamap.items"], "1");

    entries.insert_many((0..30).map(entry)).await.unwrap();
    let batches = capture.take();
    let writes = of(&batches, "BatchWriteItem");
    let mut sizes: Vec<f64> = writes.iter().map(|s| number(s, "dynamap.items")).collect();
    sizes.sort_by(f64::total_cmp);
    assert_eq!(sizes, [5.0, 25.0], "a span per request: {batches:?}");
    for span in &writes {
        assert_clean(span);
        // Items under 1 KB cost one write unit each.
        assert_eq!(
            number(span, "dynamap.capacity_units"),
            number(span, "dynamap.items"),
            "{span:?}"
        );
    }

    let found = entries
        .get_many((0..30).map(|n| ("l".to_owned(), n)))
        .await
        .unwrap();
    assert_eq!(found.len(), 30);
    let listed: Vec<Entry> = entries
        .query("l")
        .page_size(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 30);
    let scanned: Vec<Entry> = entries
        .scan()
        .page_size(12)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(scanned.len(), 30);
    assert_eq!(entries.count().await.unwrap(), 30);
    let reads = capture.take();
    let batch_gets = of(&reads, "BatchGetItem");
    assert_eq!(
        batch_gets
            .iter()
            .map(|s| number(s, "dynamap.items"))
            .sum::<f64>(),
        30.0
    );
    let queries = of(&reads, "Query");
    assert_eq!(
        queries.len(),
        4,
        "a span per page (the last one empty): {reads:?}"
    );
    assert_eq!(
        queries
            .iter()
            .map(|s| number(s, "dynamap.items"))
            .sum::<f64>(),
        30.0
    );
    for span in batch_gets.iter().chain(&queries) {
        assert_clean(span);
    }
    assert!(
        queries
            .iter()
            .map(|s| number(s, "dynamap.capacity_units"))
            .sum::<f64>()
            > 0.0
    );
    let scans = of(&reads, "Scan");
    assert_eq!(
        scans
            .iter()
            .map(|s| number(s, "dynamap.items"))
            .sum::<f64>(),
        60.0,
        "{scans:?}"
    );

    let mut read = dynamap::read_transaction(entries.client());
    let first = read.get(&entries, &("l", 0));
    assert_eq!(read.await.unwrap().take(first).unwrap(), Some(entry(0)));
    dynamap::transaction(entries.client())
        .remove(&entries, &("l", 0))
        .put(&entries, &entry(99))
        .await
        .unwrap();
    let transactions = capture.take();
    let read_span = of(&transactions, "TransactGetItems");
    let write_span = of(&transactions, "TransactWriteItems");
    assert_clean(read_span[0]);
    assert_eq!(read_span[0]["dynamap.items"], "1");
    assert_clean(write_span[0]);
    assert_eq!(write_span[0]["dynamap.items"], "2");
    assert_eq!(write_span[0]["db.collection.name"], table);

    entries.delete_table().await.unwrap();
    assert_eq!(of(&capture.take(), "DeleteTable").len(), 1);
}

/// A type whose writes are transactions with guard items of their own.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Handle {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    name: String,
}

/// A guarded write's transaction (the item and its guards, or a caller's actions on
/// two tables) names each table it writes once in its span.
#[tokio::test]
async fn a_guarded_transaction_names_each_table_once() {
    let capture = Capture::default();
    let _capturing = capture.install();
    let handles = TypedMapping::<Handle>::new(client().await, unique_table_name("observe-guarded"));
    handles.create_table().await.unwrap();
    let entries = new_table().await;
    capture.take();
    let handle = |id: &str| Handle {
        id: id.into(),
        name: format!("name of {id}"),
    };
    handles.insert(&handle("h1")).await.unwrap();
    let spans = capture.take();
    let written = of(&spans, "TransactWriteItems");
    assert_eq!(written.len(), 1, "{spans:?}");
    assert_eq!(written[0]["db.collection.name"], handles.table_name());
    assert_eq!(written[0]["dynamap.items"], "2", "the item and its guard");
    dynamap::transaction(handles.client())
        .put(&entries, &entry(1))
        .put(&handles, &handle("h2"))
        .await
        .unwrap();
    let spans = capture.take();
    let written = of(&spans, "TransactWriteItems");
    assert_eq!(
        written[0]["db.collection.name"],
        format!("{}, {}", entries.table_name(), handles.table_name())
    );
}

#[tokio::test]
async fn keys_are_in_spans_only_when_asked_for() {
    let capture = Capture::default();
    let _guard = capture.install();
    let entries = new_table().await.with_key_tracing(true);
    entries.insert(&entry(7)).await.unwrap();
    entries.get(&("l", 7)).await.unwrap();
    entries.remove(&("l", 7)).await.unwrap();
    let spans = capture.take();
    for operation in ["PutItem", "GetItem", "DeleteItem"] {
        let span = of(&spans, operation)[0];
        assert_eq!(span["dynamap.key"], r#"list="l", n=7"#, "{span:?}");
        assert!(span.values().all(|v| !v.contains("hunter")), "{span:?}");
    }
    entries.delete_table().await.unwrap();
}

#[tokio::test]
async fn capacity_adds_up_across_pages_batches_and_mappings() {
    let capture = Capture::default();
    let _guard = capture.install();
    let meter = CapacityMeter::new();
    let entries = new_table().await.with_capacity_meter(&meter);
    entries.insert_many((0..60).map(entry)).await.unwrap();
    let written = meter.take();
    assert_eq!(
        written.units.write, 60.0,
        "one unit per small item: {written:?}"
    );
    assert_eq!(written.units.read, 0.0);
    assert_eq!(written.requests, 3);
    assert_eq!(written.tables[entries.table_name()].write, 60.0);
    capture.take();

    let all: Vec<Entry> = entries
        .scan()
        .page_size(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 60);
    let read = meter.take();
    let pages = of(&capture.take(), "Scan")
        .into_iter()
        .map(|s| number(s, "dynamap.capacity_units"))
        .collect::<Vec<_>>();
    assert_eq!(read.requests, pages.len() as u64);
    assert!(read.units.read > 0.0);
    assert!((read.units.read - pages.iter().sum::<f64>()).abs() < 1e-9);
    assert_eq!(read.units.write, 0.0);

    // One meter for two mappings, and a transaction that involves one of them.
    let others = new_table().await;
    let both = others.with_capacity_meter(&meter);
    both.insert(&entry(1)).await.unwrap();
    entries.get(&("l", 1)).consistent_read(true).await.unwrap();
    dynamap::transaction(entries.client())
        .put(&others, &entry(2))
        .put(&entries, &entry(2))
        .await
        .unwrap();
    let mixed = meter.take();
    assert_eq!(mixed.requests, 3, "{mixed:?}");
    assert_eq!(
        mixed.units.read, 1.0,
        "a strongly consistent read of a small item"
    );
    // A transactional write costs two units per item.
    assert_eq!(mixed.units.write, 1.0 + 4.0, "{mixed:?}");
    assert_eq!(mixed.tables.len(), 2);
    entries.delete_table().await.unwrap();
    others.delete_table().await.unwrap();
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Member {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key = "by_team")]
    team: String,
}

#[tokio::test]
async fn a_per_index_meter_splits_writes_and_queries_by_index() {
    let meter = CapacityMeter::per_index();
    let members = TypedMapping::<Member>::new(client().await, unique_table_name("observe-gsi"));
    members.create_table().await.unwrap();
    let members = members.with_capacity_meter(&meter);
    let table = members.table_name().to_owned();
    for i in 0..4 {
        let member = Member {
            id: format!("m{i}"),
            team: "blue".into(),
        };
        members.insert(&member).await.unwrap();
    }
    let written = meter.take();
    // Each small write costs a unit on the table and a unit on the index it feeds.
    assert_eq!(written.tables[&table].write, 8.0, "{written:?}");
    assert_eq!(
        written.indexes[&format!("{table}/by_team")].write,
        4.0,
        "{written:?}"
    );
    let blue: Vec<Member> = members
        .query_index_named::<String>("by_team", "blue")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(blue.len(), 4);
    let read = meter.take();
    assert!(
        read.indexes[&format!("{table}/by_team")].read > 0.0,
        "{read:?}"
    );
    assert_eq!(read.units.write, 0.0);
    members.delete_table().await.unwrap();
}

/// How long `run` takes, and the capacity it consumed by `meter`.
async fn timed<F: std::future::Future<Output = ()>>(
    meter: &CapacityMeter,
    run: F,
) -> (Duration, f64) {
    meter.take();
    let started = Instant::now();
    run.await;
    (started.elapsed(), meter.take().units.total())
}

fn assert_paced(what: &str, elapsed: Duration, units: f64, rate: f64) {
    let budget = Duration::from_secs_f64(units / rate);
    eprintln!("{what}: {units} units at {rate}/s: {elapsed:?} for a budget of {budget:?}");
    assert!(
        elapsed >= budget,
        "{what}: {units} units at {rate}/s took {elapsed:?}, under the budget's {budget:?}"
    );
    assert!(
        elapsed <= budget.mul_f64(1.2),
        "{what}: {units} units at {rate}/s took {elapsed:?}, over 1.2x the budget's {budget:?}"
    );
}

#[tokio::test]
async fn rate_limits_hold_scans_counts_and_batch_writes_to_their_budget() {
    let meter = CapacityMeter::new();
    let entries = new_table().await.with_capacity_meter(&meter);
    // A few thousand items; the write itself paced to 1,000 units a second.
    let rate = 1000.0;
    let (elapsed, units) = timed(&meter, async {
        entries
            .insert_many((0..2000).map(entry))
            .write_units_per_second(rate)
            .await
            .unwrap();
    })
    .await;
    assert_eq!(units, 2000.0);
    assert_paced("insert_many", elapsed, units, rate);

    // What a full scan costs, unpaced, sets the budget: about two seconds of it.
    let (_, cost) = timed(&meter, async {
        entries
            .scan()
            .page_size(100)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
    })
    .await;
    assert!(cost > 0.0);
    let rate = cost / 2.0;
    for (what, segments) in [
        ("scan", 1),
        ("parallel scan (one budget for all segments)", 4),
    ] {
        let (elapsed, units) = timed(&meter, async {
            let all: Vec<Entry> = entries
                .scan()
                .segments(segments)
                .page_size(100)
                .read_units_per_second(rate)
                .stream()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(all.len(), 2000);
        })
        .await;
        assert_paced(what, elapsed, units, rate);
    }

    let (elapsed, units) = timed(&meter, async {
        assert_eq!(
            entries
                .count()
                .read_units_per_second(rate / 4.0)
                .await
                .unwrap(),
            2000
        );
    })
    .await;
    assert_paced("count", elapsed, units, rate / 4.0);
    entries.delete_table().await.unwrap();
}

mod faults {
    use super::*;
    use dynamap_tests::proxy::{self, FaultPlan, FaultProxy};

    #[tokio::test]
    async fn a_throttled_and_retried_batch_shows_its_attempts() {
        if !proxy::possible("throttled batch span") {
            return;
        }
        let entries = new_table().await;
        let faulty = FaultProxy::start(
            &dynamap_tests::endpoint(),
            FaultPlan {
                throttle: 1.0,
                max_faults: 1,
                only: &["BatchWriteItem"],
                ..FaultPlan::default()
            },
        )
        .await;
        let through = proxy::through(&faulty, &entries).await;
        let capture = Capture::default();
        let _guard = capture.install();
        through.insert_many((0..5).map(entry)).await.unwrap();
        let spans = capture.take();
        let writes = of(&spans, "BatchWriteItem");
        assert_eq!(writes.len(), 1, "{spans:?}");
        assert_eq!(number(writes[0], "dynamap.attempts"), 2.0, "{spans:?}");
        assert_eq!(number(writes[0], "dynamap.throttles"), 1.0, "{spans:?}");
        assert_eq!(writes[0]["otel.status_code"], "OK");
        assert_eq!(number(writes[0], "dynamap.capacity_units"), 5.0);
        drop(_guard);
        entries.delete_table().await.unwrap();
    }
}
