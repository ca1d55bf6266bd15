//! Removing a partition (#32 item 5): `query(..).remove()`, `remove_partition` on a
//! mapping, an entity and a collection delete exactly what the query matches, with
//! `remove_many`'s account, and nothing of another entity; unprocessed writes and a
//! read that fails half-way leave an exact account that a second call finishes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};

use dynamap_tests::proxy::{self, through, FaultPlan, FaultProxy};
use dynamap_tests::{client, new_mapping, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Reading {
    #[dynamo(partition_key)]
    sensor: String,
    #[dynamo(sort_key)]
    seq: u32,
    value: f64,
}

fn readings(sensor: &str, n: u32) -> Vec<Reading> {
    (0..n)
        .map(|seq| Reading {
            sensor: sensor.to_owned(),
            seq,
            value: f64::from(seq),
        })
        .collect()
}

async fn count(readings: &TypedMapping<Reading>, sensor: &str) -> u64 {
    readings
        .query(sensor)
        .consistent_read(true)
        .count()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_partition_goes_exactly_and_its_neighbours_stay() {
    let table = new_mapping::<Reading>("remove-partition").await;
    table.insert_many(readings("s1", 260)).await.unwrap();
    table.insert_many(readings("s2", 40)).await.unwrap();

    // A range of the partition: exactly the items below 100.
    let f = Reading::fields();
    let old = table
        .query("s1")
        .sort_key(f.seq.lt(100))
        .page_size(30)
        .remove()
        .await
        .unwrap();
    assert_eq!(old.written, 100);
    assert!(old.batches >= 4, "{old:?}");
    assert_eq!(count(&table, "s1").await, 160);
    assert_eq!(
        table.query("s1").first().await.unwrap().map(|r| r.seq),
        Some(100)
    );

    // A limit and a filter hold as for reading.
    let five = table.query("s2").limit(5).remove().await.unwrap();
    assert_eq!(five.written, 5);
    let odd = table
        .query("s2")
        .filter(f.value.ge(30.0))
        .remove()
        .await
        .unwrap();
    assert_eq!(odd.written, 10);
    assert_eq!(count(&table, "s2").await, 25);

    // The rest of the partition, with a budget and progress.
    let progress = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = progress.clone();
    let rest = table
        .remove_partition("s1")
        .concurrency(2)
        .on_progress(move |p| seen.lock().unwrap().push(p.done))
        .await
        .unwrap();
    assert_eq!(rest.written, 160);
    assert_eq!(count(&table, "s1").await, 0);
    assert_eq!(count(&table, "s2").await, 25, "the neighbour is untouched");
    let done = progress.lock().unwrap().clone();
    assert_eq!(done.last(), Some(&160));
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "{done:?}");

    // An empty partition: nothing to do.
    assert_eq!(table.remove_partition("s1").await.unwrap().written, 0);
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
struct User {
    id: String,
    name: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "USER#{user}", sk = "ORDER#{id}")]
struct Order {
    user: String,
    id: u32,
    total: u64,
}

/// In the users' partitions, and in no collection below.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Note", pk = "USER#{user}", sk = "NOTE#{id}")]
struct Note {
    user: String,
    id: u32,
}

/// Keeps a unique value: its writes cannot go in a batch.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Handle", pk = "USER#{user}", sk = "HANDLE")]
struct Handle {
    user: String,
    #[dynamo(unique)]
    handle: String,
}

// Declared to be removed, never read here.
#[allow(dead_code)]
#[derive(dynamap::DynamoCollection)]
enum Account {
    User(User),
    Order(Order),
}

#[allow(dead_code)]
#[derive(dynamap::DynamoCollection)]
enum Named {
    User(User),
    Handle(Handle),
}

async fn shop() -> Table<Shop> {
    let shop = Table::<Shop>::new(client().await, unique_table_name("shop-remove"));
    shop.create_table().await.unwrap();
    for user in ["u1", "u2"] {
        shop.entity::<User>()
            .insert(&User {
                id: user.into(),
                name: user.to_uppercase(),
            })
            .await
            .unwrap();
        let orders = (0..60).map(|id| Order {
            user: user.into(),
            id,
            total: u64::from(id) * 10,
        });
        shop.entity::<Order>().insert_many(orders).await.unwrap();
        let notes = (0..7).map(|id| Note {
            user: user.into(),
            id,
        });
        shop.entity::<Note>().insert_many(notes).await.unwrap();
    }
    shop
}

/// Every item of `user`'s partition, as (entity, sort key).
async fn partition(shop: &Table<Shop>, user: &str) -> Vec<(String, String)> {
    let answer = shop
        .client()
        .query()
        .table_name(shop.table_name())
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("USER#{user}")),
        )
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    answer
        .items()
        .iter()
        .map(|item| {
            let text = |name: &str| item[name].as_s().unwrap().clone();
            (text("_et"), text("sk"))
        })
        .collect()
}

fn entities(items: &[(String, String)]) -> Vec<&str> {
    let mut names: Vec<&str> = items.iter().map(|(e, _)| e.as_str()).collect();
    names.dedup();
    names
}

#[tokio::test]
async fn an_entity_removes_its_own_items_and_a_collection_its_members() {
    let shop = shop().await;
    let orders = shop.entity::<Order>();

    // The entity's partition: its 60 orders, not the profile or the notes beside them.
    let report = orders.remove_partition("u1").await.unwrap();
    assert_eq!(report.written, 60);
    let left = partition(&shop, "u1").await;
    assert_eq!(entities(&left), ["Note", "User"]);
    assert_eq!(left.len(), 8);
    assert_eq!(partition(&shop, "u2").await.len(), 68, "u2 is untouched");

    // The collection's partition: its members' items (the profile and the orders), not
    // the notes, whose entity it does not list.
    let report = shop
        .collection::<Account>()
        .remove_partition("u2")
        .await
        .unwrap();
    assert_eq!(report.written, 61);
    let left = partition(&shop, "u2").await;
    assert_eq!(entities(&left), ["Note"]);
    assert_eq!(left.len(), 7);

    // A range of a collection's query is not offered; a range of an entity's is exact.
    let notes = shop.entity::<Note>();
    let first_three = notes
        .query("u2")
        .sort_key(Note::fields().id.lt(3))
        .remove()
        .await
        .unwrap();
    assert_eq!(first_three.written, 3);
    assert_eq!(partition(&shop, "u2").await.len(), 4);
}

#[tokio::test]
async fn a_type_whose_writes_keep_invariants_is_refused_before_anything_goes() {
    let shop = shop().await;
    shop.entity::<Handle>()
        .insert(&Handle {
            user: "u1".into(),
            handle: "ada".into(),
        })
        .await
        .unwrap();
    let before = partition(&shop, "u1").await;
    for refused in [
        shop.entity::<Handle>().remove_partition("u1").await,
        shop.collection::<Named>().remove_partition("u1").await,
    ] {
        match refused {
            Err(Error::InvalidRequest { operation, problem }) => {
                assert_eq!(operation, "BatchWriteItem");
                assert!(problem.contains("Handle"), "{problem}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(partition(&shop, "u1").await, before, "nothing was deleted");
}

async fn proxy_for(plan: FaultPlan) -> Option<FaultProxy> {
    if !proxy::possible("remove_partition through the fault proxy") {
        return None;
    }
    Some(FaultProxy::start(&dynamap_tests::endpoint(), plan).await)
}

#[tokio::test]
async fn unprocessed_deletes_are_resent_and_each_counted_once() {
    let Some(proxy) = proxy_for(FaultPlan {
        unprocessed: 0.3,
        throttle: 0.05,
        only: &["BatchWriteItem"],
        ..FaultPlan::default()
    })
    .await
    else {
        return;
    };
    let table = new_mapping::<Reading>("remove-unprocessed").await;
    table.insert_many(readings("s1", 500)).await.unwrap();
    table.insert_many(readings("s2", 3)).await.unwrap();
    let faulty = through(&proxy, &table).await;
    let report = faulty
        .remove_partition("s1")
        .max_attempts(30)
        .await
        .unwrap();
    assert_eq!(report.written, 500);
    assert!(report.retries > 0, "{report:?}");
    assert!(proxy.stats.bounced.load(Ordering::Relaxed) > 50);
    assert_eq!(count(&table, "s1").await, 0);
    assert_eq!(count(&table, "s2").await, 3);
}

#[tokio::test]
async fn a_read_that_fails_half_way_leaves_an_exact_account_and_a_second_call_finishes() {
    let armed = Arc::new(AtomicBool::new(false));
    let Some(proxy) = proxy_for(FaultPlan {
        reject_credentials: 1.0,
        only: &["Query"],
        armed: Some(armed.clone()),
        ..FaultPlan::default()
    })
    .await
    else {
        return;
    };
    let table = new_mapping::<Reading>("remove-read-fails").await;
    table.insert_many(readings("s1", 1_000)).await.unwrap();
    let faulty = through(&proxy, &table).await;
    // One batch in flight at a time, a page a batch: the query's next page is asked
    // for after the first batch is deleted, and fails.
    let arm = armed.clone();
    let failed = faulty
        .query("s1")
        .page_size(25)
        .remove()
        .concurrency(1)
        .on_progress(move |_| arm.store(true, Ordering::SeqCst))
        .await
        .unwrap_err();
    let left = count(&table, "s1").await;
    match failed {
        Error::BatchIncomplete {
            completed,
            read,
            remaining,
            source,
            ..
        } => {
            assert!(
                matches!(
                    *source,
                    Error::Sdk {
                        operation: "Query",
                        ..
                    }
                ),
                "the read's failure is the source: {source:?}"
            );
            assert_eq!(completed, 1_000 - left, "the account is exact");
            assert!((25..1_000).contains(&completed), "{completed}");
            assert_eq!(read, completed + remaining.len() as u64);
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
    // Deleting is idempotent: a second call finishes the job.
    armed.store(false, Ordering::SeqCst);
    let rest = faulty.remove_partition("s1").await.unwrap();
    assert_eq!(rest.written, left);
    assert_eq!(count(&table, "s1").await, 0);
}
