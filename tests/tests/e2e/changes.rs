//! Typed change feeds against the server's DynamoDB Streams: changes in order per key,
//! a consumer resumed from its cursor, entities and collections, bad images, and a
//! recorded Lambda event in AWS's documented format decoded exactly.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::prelude::*;
use dynamap::{
    changes::Change, changes::ChangeCursor, changes::ChangeKind, changes::Changed,
    changes::RawChange, changes::StartAt, schema::StreamView, Error,
};
use futures::stream::BoxStream;
use futures::StreamExt;

use dynamap_tests::{client, counting_client, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Visit {
    #[dynamo(partition_key)]
    user: String,
    count: u32,
    note: Option<String>,
}

async fn visits() -> TypedMapping<Visit> {
    let visits = TypedMapping::new(client().await, unique_table_name("changes"));
    visits
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .await
        .unwrap();
    visits
}

/// The next `n` items of a feed, or fewer if none comes for five seconds.
async fn take<T>(
    feed: &mut BoxStream<'static, dynamap::Result<T>>,
    n: usize,
) -> Vec<dynamap::Result<T>> {
    let mut out = Vec::new();
    while out.len() < n {
        match tokio::time::timeout(Duration::from_secs(5), feed.next()).await {
            Ok(Some(item)) => out.push(item),
            _ => break,
        }
    }
    out
}

fn visit(user: &str, count: u32) -> Visit {
    Visit {
        user: user.into(),
        count,
        note: None,
    }
}

#[tokio::test]
async fn inserts_modifies_and_removes_come_back_typed_in_order_per_key() {
    let visits = visits().await;
    let f = Visit::fields();
    visits.insert(&visit("ada", 1)).await.unwrap();
    visits.modify("ada").add(f.count, 1).await.unwrap();
    visits.insert(&visit("bob", 1)).await.unwrap();
    visits.remove("ada").await.unwrap();

    let mut feed = visits
        .changes()
        .poll_interval(Duration::from_millis(100))
        .stream();
    let changes: Vec<Change<Visit>> = take(&mut feed, 4)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(changes.len(), 4);
    let ada: Vec<&Change<Visit>> = changes.iter().filter(|c| c.key == "ada").collect();
    assert_eq!(
        ada.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [ChangeKind::Insert, ChangeKind::Modify, ChangeKind::Remove]
    );
    assert_eq!(ada[0].old, None);
    assert_eq!(ada[0].new, Some(visit("ada", 1)));
    assert_eq!(ada[1].old, Some(visit("ada", 1)));
    assert_eq!(ada[1].new, Some(visit("ada", 2)));
    assert_eq!(ada[2].old, Some(visit("ada", 2)));
    assert_eq!(ada[2].new, None);
    assert!(!ada[2].expired, "a caller's remove is not an expiry");
    assert!(ada.iter().all(|c| c.approximate_time.is_some()));
    // Sequence numbers grow within a shard.
    let numbers: Vec<u128> = changes
        .iter()
        .map(|c| c.position.sequence_number.parse().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
}

#[tokio::test]
async fn a_consumer_resumed_from_its_cursor_misses_nothing() {
    let visits = visits().await;
    for i in 0..12 {
        visits.insert(&visit(&format!("u{i}"), i)).await.unwrap();
    }
    let mut cursor = ChangeCursor::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    {
        let mut feed = visits
            .changes()
            .poll_interval(Duration::from_millis(100))
            .stream();
        for change in take(&mut feed, 5).await {
            let change = change.unwrap();
            seen.insert(change.key.clone());
            cursor.advance(&change.position);
        }
        // Dropped mid-way: the rest is unread.
    }
    assert_eq!(seen.len(), 5);
    // The cursor survives a restart as text.
    let saved = serde_json::to_string(&cursor).unwrap();
    for i in 12..16 {
        visits.insert(&visit(&format!("u{i}"), i)).await.unwrap();
    }
    let restored: ChangeCursor = serde_json::from_str(&saved).unwrap();
    let mut feed = visits
        .changes()
        .start_at(StartAt::After(restored))
        .poll_interval(Duration::from_millis(100))
        .stream();
    let rest: Vec<Change<Visit>> = take(&mut feed, 11)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let again: BTreeSet<String> = rest.iter().map(|c| c.key.clone()).collect();
    assert!(
        seen.is_disjoint(&again),
        "a change handled before the cursor came again"
    );
    seen.extend(again);
    let all: BTreeSet<String> = (0..16).map(|i| format!("u{i}")).collect();
    assert_eq!(seen, all, "every change arrives");
}

#[tokio::test]
async fn a_feed_started_at_latest_sees_only_later_changes_and_sends_nothing_before_polled() {
    let table = unique_table_name("changes-latest");
    let (counting, log) = counting_client(&client().await);
    let visits: TypedMapping<Visit> = TypedMapping::new(counting, table);
    visits
        .create_table()
        .stream(StreamView::NewImage)
        .await
        .unwrap();
    visits.insert(&visit("before", 1)).await.unwrap();
    let sent = log.count();
    let mut feed = visits
        .changes()
        .start_at(StartAt::Latest)
        .poll_interval(Duration::from_millis(50))
        .stream();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(log.count(), sent, "nothing is sent before the first poll");
    // The first poll opens the feed at the latest position; then a change comes.
    let first = tokio::time::timeout(Duration::from_millis(600), feed.next()).await;
    assert!(first.is_err(), "no change yet: {first:?}");
    visits.insert(&visit("after", 1)).await.unwrap();
    let changes = take(&mut feed, 1).await;
    let change = changes.into_iter().next().unwrap().unwrap();
    assert_eq!(change.key, "after");
    assert_eq!(change.old, None, "a NEW_IMAGE stream has no old image");
    assert_eq!(change.new, Some(visit("after", 1)));
    drop(feed);

    // ensure_table notices a stream that records another view.
    let err = visits
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .ensure()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::SchemaMismatch { .. }), "{err:?}");
    assert!(
        !visits
            .create_table()
            .stream(StreamView::NewImage)
            .ensure()
            .await
            .unwrap()
            .created
    );
}

#[tokio::test]
async fn an_undecodable_image_is_a_typed_error_and_the_feed_goes_on() {
    let visits = visits().await;
    // Another writer stores `count` as a string.
    visits
        .client()
        .put_item()
        .table_name(visits.table_name())
        .item("user", AttributeValue::S("odd".into()))
        .item("count", AttributeValue::S("many".into()))
        .send()
        .await
        .unwrap();
    visits.insert(&visit("fine", 1)).await.unwrap();
    let mut feed = visits
        .changes()
        .poll_interval(Duration::from_millis(100))
        .stream();
    let got = take(&mut feed, 2).await;
    match &got[0] {
        Err(Error::UndecodableChange { position, source }) => {
            assert!(!position.sequence_number.is_empty());
            assert!(source.to_string().contains("count"), "{source}");
        }
        other => panic!("expected UndecodableChange, got {other:?}"),
    }
    assert_eq!(got[1].as_ref().unwrap().key, "fine");
}

mod single_table {
    use super::*;
    use dynamap::{DynamoCollection, DynamoTable, Table};

    #[derive(DynamoTable)]
    #[dynamo(partition_key = "pk", sort_key = "sk")]
    pub struct Shop;

    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    #[dynamo(table = Shop, entity = "Customer", pk = "C#{id}", sk = "PROFILE")]
    pub struct Customer {
        id: String,
        name: String,
    }

    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    #[dynamo(table = Shop, entity = "Cart", pk = "C#{customer}", sk = "CART#{n}")]
    pub struct Cart {
        customer: String,
        n: u32,
    }

    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    #[dynamo(table = Shop, entity = "Coupon", pk = "COUPON#{code}", sk = "INFO")]
    pub struct Coupon {
        code: String,
    }

    #[derive(DynamoCollection, Debug, PartialEq)]
    enum CustomerView {
        Customer(Customer),
        Cart(Cart),
    }

    #[tokio::test]
    async fn entities_and_collections_get_their_own_changes() {
        let shop = Table::<Shop>::new(client().await, unique_table_name("changes-shop"));
        shop.create_table()
            .stream(StreamView::NewAndOldImages)
            .await
            .unwrap();
        let ada = Customer {
            id: "ada".into(),
            name: "Ada".into(),
        };
        shop.entity::<Customer>().insert(&ada).await.unwrap();
        shop.entity::<Cart>()
            .insert(&Cart {
                customer: "ada".into(),
                n: 1,
            })
            .await
            .unwrap();
        shop.entity::<Coupon>()
            .insert(&Coupon {
                code: "WELCOME".into(),
            })
            .await
            .unwrap();

        let mut carts = shop
            .entity::<Cart>()
            .changes()
            .poll_interval(Duration::from_millis(100))
            .stream();
        let got = take(&mut carts, 2).await;
        assert_eq!(got.len(), 1, "only the cart's change: {got:?}");
        let cart = got.into_iter().next().unwrap().unwrap();
        assert_eq!(cart.key, ("ada".to_string(), 1));

        let mut view = shop
            .collection::<CustomerView>()
            .changes()
            .poll_interval(Duration::from_millis(100))
            .stream();
        let got: Vec<Change<CustomerView>> = take(&mut view, 3)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got.len(), 2, "the coupon is not a member");
        assert_eq!(got[0].new, Some(CustomerView::Customer(ada)));
        assert!(matches!(got[1].new, Some(CustomerView::Cart(_))));
        assert_eq!(
            got[0].key.get("pk"),
            Some(&AttributeValue::S("C#ada".into()))
        );
    }
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Address {
    city: String,
    zip: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Member {
    #[dynamo(partition_key)]
    id: String,
    visits: u32,
    tags: BTreeSet<String>,
    scores: BTreeSet<rust_decimal::Decimal>,
    avatar: Vec<u8>,
    address: Address,
    history: Vec<u32>,
    active: bool,
    nickname: Option<String>,
}

fn member(
    visits: u32,
    tags: &[&str],
    scores: &[&str],
    city: &str,
    zip: &str,
    history: &[u32],
) -> Member {
    Member {
        id: "u1".into(),
        visits,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        scores: scores
            .iter()
            .map(|s| rust_decimal::Decimal::from_str(s).unwrap())
            .collect(),
        avatar: b"hello".to_vec(),
        address: Address {
            city: city.into(),
            zip: zip.into(),
        },
        history: history.to_vec(),
        active: true,
        nickname: None,
    }
}

fn fixture() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/dynamodb_event.json"
    ))
    .unwrap()
}

fn expected_fixture_changes() -> Vec<(ChangeKind, Option<Member>, Option<Member>, bool)> {
    let first = member(
        3,
        &["admin", "beta"],
        &["1", "2.5"],
        "Paris",
        "75001",
        &[1, 2],
    );
    let second = member(4, &["admin"], &["1"], "Lyon", "69001", &[1, 2, 3]);
    vec![
        (ChangeKind::Insert, None, Some(first.clone()), false),
        (ChangeKind::Modify, Some(first), Some(second.clone()), false),
        (ChangeKind::Remove, Some(second), None, true),
    ]
}

fn summary<T: Changed + Clone>(change: &Change<T>) -> (ChangeKind, Option<T>, Option<T>, bool) {
    (
        change.kind,
        change.old.clone(),
        change.new.clone(),
        change.expired,
    )
}

#[test]
fn a_recorded_lambda_event_decodes_exactly() {
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_str(&fixture()).unwrap();
    let changes: Vec<Change<Member>> = event
        .records
        .iter()
        .map(|r| {
            dynamap::changes::from_lambda_record::<Member>(r)
                .unwrap()
                .unwrap()
        })
        .collect();
    assert_eq!(
        changes.iter().map(summary).collect::<Vec<_>>(),
        expected_fixture_changes()
    );
    assert!(changes.iter().all(|c| c.key == "u1"));
    assert_eq!(changes[0].position.sequence_number, "111");
    assert_eq!(
        changes[2].approximate_time,
        Some(std::time::UNIX_EPOCH + Duration::from_secs(1_732_603_600))
    );

    // The same records as raw JSON, without aws_lambda_events.
    let json: serde_json::Value = serde_json::from_str(&fixture()).unwrap();
    let raw: Vec<Change<Member>> = json["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            RawChange::from_json(&r.to_string())
                .unwrap()
                .decode::<Member>()
                .unwrap()
                .unwrap()
        })
        .collect();
    assert_eq!(
        raw.iter().map(summary).collect::<Vec<_>>(),
        expected_fixture_changes()
    );

    // Each record in the neutral form is the same from either reader: keys, both images
    // (absent where the record has none), position, time.
    for (record, json) in event
        .records
        .iter()
        .zip(json["Records"].as_array().unwrap())
    {
        let from_lambda = RawChange::try_from(record).unwrap();
        let from_json = RawChange::from_json(&json.to_string()).unwrap();
        assert_eq!(from_lambda, from_json);
        assert!(!from_lambda.keys.is_empty());
        assert_eq!(
            from_lambda.new_image.is_some(),
            from_lambda.kind != ChangeKind::Remove
        );
    }
}

#[test]
fn a_bad_image_in_a_lambda_record_is_a_typed_error_naming_the_attribute() {
    let text = fixture().replacen(
        r#""visits": { "N": "3" }"#,
        r#""visits": { "S": "three" }"#,
        1,
    );
    let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&text).unwrap();
    let results: Vec<_> = event
        .records
        .iter()
        .map(dynamap::changes::from_lambda_record::<Member>)
        .collect();
    match &results[0] {
        Err(Error::UndecodableChange { source, position }) => {
            assert!(source.to_string().contains("visits"), "{source}");
            assert_eq!(position.sequence_number, "111");
        }
        other => panic!("expected UndecodableChange, got {other:?}"),
    }
    assert!(results[1].is_ok(), "the next record still decodes");
}

#[test]
fn dynamodb_json_items_and_export_lines_decode() {
    let item = r#"{"id": {"S": "u1"}, "visits": {"N": "3"}, "tags": {"SS": ["a", "b"]},
        "scores": {"NS": ["1.5", "20"]}, "avatar": {"B": "aGVsbG8="},
        "address": {"M": {"city": {"S": "Oslo"}, "zip": {"S": "0150"}}},
        "history": {"L": [{"N": "7"}, {"N": "8"}]}, "active": {"BOOL": true},
        "nickname": {"S": "Bo"}}"#;
    let m: Member = dynamap::changes::from_dynamodb_json(item).unwrap();
    // Every field, each from its DynamoDB JSON type.
    assert_eq!(
        m,
        Member {
            id: "u1".into(),
            visits: 3,
            tags: ["a".to_string(), "b".to_string()].into(),
            scores: ["1.5".parse().unwrap(), "20".parse().unwrap()].into(),
            avatar: b"hello".to_vec(),
            address: Address {
                city: "Oslo".into(),
                zip: "0150".into(),
            },
            history: vec![7, 8],
            active: true,
            nickname: Some("Bo".into()),
        }
    );
    let line = format!(r#"{{"Item": {item}}}"#);
    assert_eq!(
        dynamap::changes::from_dynamodb_json::<Member>(&line).unwrap(),
        m
    );
    let err = dynamap::changes::from_dynamodb_json::<Member>(r#"{"id": {"S": "u1"}}"#).unwrap_err();
    assert!(err.to_string().contains("visits"), "{err}");
}

mod faults {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use dynamap_tests::proxy::{self, FaultPlan, FaultProxy};

    /// A proxy in front of `upstream` that answers one GetRecords with
    /// `ExpiredIteratorException`, once armed.
    async fn expiring_once(upstream: &str) -> (FaultProxy, Arc<AtomicBool>) {
        let armed = Arc::new(AtomicBool::new(false));
        let faulty = FaultProxy::start(
            upstream,
            FaultPlan {
                answer_error: (1.0, "ExpiredIteratorException"),
                max_faults: 1,
                only: &["GetRecords"],
                armed: Some(armed.clone()),
                ..FaultPlan::default()
            },
        )
        .await;
        (faulty, armed)
    }

    /// A feed of a table with five inserts, read a record per request through a proxy
    /// answering up to `faults` GetRecords with `error`, each with probability `p`.
    async fn through_faults(
        error: &'static str,
        p: f64,
        faults: u64,
    ) -> Option<(Vec<dynamap::Result<Change<Visit>>>, u64)> {
        if !proxy::possible("change feed faults") {
            return None;
        }
        let visits = visits().await;
        for i in 0..5 {
            visits.insert(&visit(&format!("u{i}"), i)).await.unwrap();
        }
        let faulty = FaultProxy::start(
            &dynamap_tests::endpoint(),
            FaultPlan {
                answer_error: (p, error),
                max_faults: faults,
                only: &["GetRecords"],
                ..FaultPlan::default()
            },
        )
        .await;
        let through = proxy::through(&faulty, &visits).await;
        let mut feed = through
            .changes()
            .records_per_request(1)
            .poll_interval(Duration::from_millis(50))
            .stream();
        let got = take(&mut feed, 5 + usize::from(error.starts_with("Trimmed"))).await;
        Some((got, faulty.stats.answered_errors.load(Ordering::Relaxed)))
    }

    fn sequence_numbers(changes: &[dynamap::Result<Change<Visit>>]) -> BTreeSet<String> {
        changes
            .iter()
            .filter_map(|c| c.as_ref().ok())
            .map(|c| c.position.sequence_number.clone())
            .collect()
    }

    #[tokio::test]
    async fn an_expired_iterator_is_replaced_and_nothing_comes_twice() {
        // Faults fall between records: a reader that lost its place and started over
        // would deliver the first records twice.
        let Some((got, injected)) = through_faults("ExpiredIteratorException", 0.5, 3).await else {
            return;
        };
        assert!(injected >= 1, "no iterator expired: the test saw nothing");
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got.iter().all(Result::is_ok), "{got:?}");
        assert_eq!(sequence_numbers(&got).len(), 5, "each change once");
    }

    #[tokio::test]
    async fn trimmed_records_are_reported_once_and_the_feed_goes_on() {
        let Some((got, injected)) = through_faults("TrimmedDataAccessException", 1.0, 1).await
        else {
            return;
        };
        assert_eq!(injected, 1);
        assert!(
            matches!(got.first(), Some(Err(Error::ChangesTrimmed { .. }))),
            "{got:?}"
        );
        assert_eq!(got.len(), 6, "{got:?}");
        assert_eq!(sequence_numbers(&got).len(), 5);
    }

    /// A `Latest` feed whose iterator expires before the shard delivered anything: the
    /// replacement may not be another `Latest` iterator, which would skip the changes
    /// made in between. (It reads the shard from its oldest record, keeping records
    /// created from a minute before the feed's start: older ones are not delivered.)
    #[tokio::test]
    async fn a_latest_feed_whose_iterator_expires_skips_nothing_after_its_start() {
        if !proxy::possible("a_latest_feed_whose_iterator_expires_skips_nothing_after_its_start") {
            return;
        }
        let visits = visits().await;
        visits.insert(&visit("before", 1)).await.unwrap();
        let (faulty, armed) = expiring_once(&dynamap_tests::endpoint()).await;
        let through = proxy::through(&faulty, &visits).await;
        let mut feed = through
            .changes()
            .start_at(StartAt::Latest)
            .poll_interval(Duration::from_millis(50))
            .stream();
        // The first polls open the shard at its latest position: nothing yet.
        let first = tokio::time::timeout(Duration::from_millis(400), feed.next()).await;
        assert!(first.is_err(), "no change yet: {first:?}");
        // A GetRecords the feed sent before the timeout may still be on its way: let it
        // be answered (empty) before the change, so that the change can only come
        // through the read that finds its iterator expired.
        tokio::time::sleep(Duration::from_millis(300)).await;
        armed.store(true, Ordering::Relaxed);
        visits.insert(&visit("during", 1)).await.unwrap();
        let mut keys = Vec::new();
        while !keys.contains(&"during".to_owned()) {
            match tokio::time::timeout(Duration::from_secs(5), feed.next()).await {
                Ok(Some(change)) => keys.push(change.unwrap().key),
                _ => panic!("`during` was skipped; got {keys:?}"),
            }
        }
        assert_eq!(faulty.stats.answered_errors.load(Ordering::Relaxed), 1);
        // "before" came a moment before the start: within the margin, so it may come
        // again, in its order; nothing else does.
        assert!(
            keys == ["during"] || keys == ["before", "during"],
            "{keys:?}"
        );
        visits.insert(&visit("after", 1)).await.unwrap();
        let got = take(&mut feed, 1).await;
        assert_eq!(got.into_iter().next().unwrap().unwrap().key, "after");
    }

    /// A `Latest` feed whose iterator expires before the shard delivered anything reads
    /// the shard again from its oldest record, and leaves out the records created
    /// before its start (less a margin): a shard of the tests' Streams server holds
    /// two records created an hour ago, a proxy expires the iterator once.
    #[tokio::test]
    async fn a_latest_feed_read_again_after_an_expiry_leaves_out_older_records() {
        use dynamap_tests::shard_tree::{ShardTree, TreeShard};
        if !proxy::possible("latest feed, older records") {
            return;
        }
        let visits = visits().await;
        let tree = ShardTree::start(vec![
            TreeShard::new("open", None, false, &["old1", "old2"]).created_ago(3_600.0)
        ])
        .await;
        let (faulty, armed) = expiring_once(&tree.url).await;
        let streams = aws_sdk_dynamodbstreams::Client::from_conf(
            tree.client()
                .config()
                .to_builder()
                .endpoint_url(&faulty.url)
                .build(),
        );
        let mut feed = visits
            .changes()
            .streams_client(streams)
            .start_at(StartAt::Latest)
            .poll_interval(Duration::from_millis(20))
            .stream();
        let first = tokio::time::timeout(Duration::from_millis(300), feed.next()).await;
        assert!(first.is_err(), "nothing after the start yet: {first:?}");
        armed.store(true, Ordering::Relaxed);
        tree.change(|t| t.shards[0].users.push("new1".into()));
        let got = keys_of(&mut feed, 1).await;
        assert_eq!(faulty.stats.answered_errors.load(Ordering::Relaxed), 1);
        assert_eq!(got, ["new1"], "the hour-old records stay out");
        let more = tokio::time::timeout(Duration::from_millis(300), feed.next()).await;
        assert!(more.is_err(), "{more:?}");
    }

    /// Pinned: the servers round a record's creation time differently. AWS documents
    /// "rounded down to the closest second"; the embedded server does that, DynamoDB
    /// Local rounds down to the minute (the feed's `Latest` margin covers both).
    #[tokio::test]
    async fn creation_times_are_rounded_down_as_each_server_does() {
        let visits = visits().await;
        let before = std::time::SystemTime::now();
        visits.insert(&visit("x", 1)).await.unwrap();
        let after = std::time::SystemTime::now();
        let mut feed = visits
            .changes()
            .poll_interval(Duration::from_millis(50))
            .stream();
        let change = take(&mut feed, 1)
            .await
            .into_iter()
            .next()
            .unwrap()
            .unwrap();
        let at = change.approximate_time.expect("a creation time");
        let seconds =
            |t: std::time::SystemTime| t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let granularity = match dynamap_tests::server_kind() {
            dynamap::local::ServerKind::DynamoDbLocal => 60,
            _ => 1,
        };
        assert_eq!(seconds(at) % granularity, 0, "{at:?}");
        assert!(seconds(at) <= seconds(after), "{at:?}");
        assert!(
            seconds(at) + granularity > seconds(before),
            "{at:?} vs {before:?}"
        );
    }

    /// A consumer that logs an error and polls again is paused, not looped: a feed whose
    /// table is gone sends a handful of requests a second, not hundreds.
    #[tokio::test]
    async fn errors_are_returned_after_a_growing_pause() {
        let (counting, log) = counting_client(&client().await);
        let gone: TypedMapping<Visit> =
            TypedMapping::new(counting, unique_table_name("changes-gone"));
        let mut feed = gone.changes().stream();
        let started = std::time::Instant::now();
        let mut errors = 0;
        while started.elapsed() < Duration::from_millis(1_000) {
            match feed.next().await {
                Some(Err(_)) => errors += 1,
                other => panic!("expected an error, got {other:?}"),
            }
        }
        // Pauses of 100, 200, 400, 800 ms: at most five requests in a second (the
        // first error comes at once).
        assert!((1..=5).contains(&errors), "{errors} errors in a second");
        assert!(log.count() <= 5, "{} requests in a second", log.count());
    }
}

/// A time-to-live removal read from a live stream. AWS marks it with the service
/// principal (`Type` "Service", `PrincipalId` "dynamodb.amazonaws.com"), which dynamap
/// reads as `expired` (the recorded events above show it). Neither local server gives
/// that mark in GetRecords, pinned here: the embedded server writes the REMOVE with its
/// identity under lowercase keys (`type`, `principalId`, the Lambda event's spelling),
/// which the Streams API and its SDK do not read, and DynamoDB Local writes no record
/// for a time-to-live removal at all.
#[tokio::test]
async fn a_time_to_live_removal_on_a_live_feed_as_each_server_gives_it() {
    if !dynamap_tests::server_has(
        dynamap_tests::Needs::PromptTtlExpiry,
        "a_time_to_live_removal_on_a_live_feed_as_each_server_gives_it",
    ) {
        return;
    }
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Session {
        #[dynamo(partition_key)]
        id: String,
        #[dynamo(ttl)]
        expires: std::time::SystemTime,
    }
    let sessions: TypedMapping<Session> =
        TypedMapping::new(client().await, unique_table_name("changes-ttl"));
    sessions
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .await
        .unwrap();
    let past = std::time::SystemTime::now() - Duration::from_secs(60);
    sessions
        .insert(&Session {
            id: "old".into(),
            expires: past,
        })
        .await
        .unwrap();
    // Wait until the server's sweep has taken it.
    let started = std::time::Instant::now();
    loop {
        let raw = sessions
            .client()
            .get_item()
            .table_name(sessions.table_name())
            .key("id", AttributeValue::S("old".into()))
            .send()
            .await
            .unwrap();
        if raw.item().is_none() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never swept");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut feed = sessions
        .changes()
        .poll_interval(Duration::from_millis(100))
        .stream();
    let mut kinds = Vec::new();
    while let Ok(Some(change)) = tokio::time::timeout(Duration::from_secs(3), feed.next()).await {
        let change = change.unwrap();
        kinds.push((change.kind, change.expired));
    }
    let expected = match dynamap_tests::server_kind() {
        dynamap::local::ServerKind::Embedded => {
            vec![(ChangeKind::Insert, false), (ChangeKind::Remove, false)]
        }
        _ => vec![(ChangeKind::Insert, false)],
    };
    assert_eq!(kinds, expected);
}

/// A stream of several shards, as DynamoDB makes them (it splits and rolls shards over):
/// a parent's records come before its children's, a child's before its own children's,
/// a shard whose parent aged out is read at once, and every record comes once.
#[tokio::test]
async fn a_tree_of_shards_is_read_parents_before_children() {
    use dynamap_tests::shard_tree::{ShardTree, TreeShard};
    let tree = ShardTree::start(vec![
        TreeShard::new("root", None, true, &["r1", "r2", "r3"]),
        TreeShard::new("left", Some("root"), true, &["l1", "l2"]),
        TreeShard::new("right", Some("root"), false, &["q1"]),
        TreeShard::new("leftleft", Some("left"), false, &["ll1", "ll2", "ll3"]),
        TreeShard::new("orphan", Some("gone-1"), false, &["o1"]),
    ])
    .await;
    let streams = tree.client();
    let visits = visits().await;
    let mut feed = visits
        .changes()
        .streams_client(streams)
        .poll_interval(Duration::from_millis(20))
        .stream();
    let got: Vec<String> = take(&mut feed, 10)
        .await
        .into_iter()
        .map(|c| c.unwrap().key)
        .collect();
    let at = |key: &str| {
        got.iter()
            .position(|k| k == key)
            .unwrap_or_else(|| panic!("{key} missing: {got:?}"))
    };
    assert_eq!(got.len(), 10, "{got:?}");
    assert_eq!(
        got.iter().collect::<BTreeSet<_>>().len(),
        10,
        "each once: {got:?}"
    );
    for (parent, child) in [("r3", "l1"), ("r3", "q1"), ("l2", "ll1")] {
        assert!(at(parent) < at(child), "{parent} before {child}: {got:?}");
    }
    for (a, b) in [("r1", "r2"), ("r2", "r3"), ("ll1", "ll2"), ("ll2", "ll3")] {
        assert!(at(a) < at(b), "{a} before {b} within a shard: {got:?}");
    }
    // Nothing more: a second poll finds the open shards idle.
    let more = tokio::time::timeout(Duration::from_millis(300), feed.next()).await;
    assert!(more.is_err(), "{more:?}");
    let reads = tree.reads.lock().unwrap().clone();
    assert!(reads.iter().position(|s| s == "root") < reads.iter().position(|s| s == "left"));
}

/// The keys of a feed's next `n` changes (fewer if none comes for five seconds).
async fn keys_of(
    feed: &mut BoxStream<'static, dynamap::Result<Change<Visit>>>,
    n: usize,
) -> Vec<String> {
    take(feed, n)
        .await
        .into_iter()
        .map(|c| c.unwrap().key)
        .collect()
}

/// A feed of `visits` reading `tree`'s shards.
fn tree_feed(
    visits: &TypedMapping<Visit>,
    tree: &dynamap_tests::shard_tree::ShardTree,
    changes: impl FnOnce(dynamap::changes::Changes<Visit>) -> dynamap::changes::Changes<Visit>,
) -> BoxStream<'static, dynamap::Result<Change<Visit>>> {
    changes(visits.changes().streams_client(tree.client())).stream()
}

/// A disabled stream's feed ends once its shards are read to their end; an enabled
/// stream's feed waits for new shards even when every shard it knows has closed.
#[tokio::test]
async fn a_feed_ends_with_its_disabled_stream_and_waits_while_it_is_enabled() {
    use dynamap_tests::shard_tree::{ShardTree, TreeShard};
    let visits = visits().await;
    let tree = ShardTree::start(vec![
        TreeShard::new("root", None, true, &["r1", "r2", "r3"]),
        TreeShard::new("child", Some("root"), true, &["c1"]),
    ])
    .await;
    let mut feed = tree_feed(&visits, &tree, |c| {
        c.poll_interval(Duration::from_millis(20))
    });
    assert_eq!(keys_of(&mut feed, 4).await, ["r1", "r2", "r3", "c1"]);
    let waiting = tokio::time::timeout(Duration::from_millis(500), feed.next()).await;
    assert!(
        waiting.is_err(),
        "an enabled stream's feed waits: {waiting:?}"
    );

    tree.change(|t| t.disabled = true);
    let end = tokio::time::timeout(Duration::from_secs(5), feed.next()).await;
    assert!(matches!(end, Ok(None)), "the feed ends: {end:?}");

    // Disabled with records still unread: they come first, then the end.
    let tree = ShardTree::start(vec![TreeShard::new("last", None, true, &["z1", "z2"])]).await;
    tree.change(|t| t.disabled = true);
    let mut feed = tree_feed(&visits, &tree, |c| c);
    assert_eq!(keys_of(&mut feed, 2).await, ["z1", "z2"]);
    let end = tokio::time::timeout(Duration::from_secs(5), feed.next()).await;
    assert!(matches!(end, Ok(None)), "the feed ends: {end:?}");
    // Polled again after its end, it answers the end again.
    assert!(feed.next().await.is_none());
}

/// An idle feed polls its shard with a pause that grows to the poll interval, and reads
/// the shard list only at the refresh interval: it does not loop on the service.
#[tokio::test]
async fn an_idle_feed_pauses_between_polls_and_refreshes_at_its_interval() {
    use dynamap_tests::shard_tree::{ShardTree, TreeShard};
    let visits = visits().await;
    let tree = ShardTree::start(vec![TreeShard::new("open", None, false, &["a1"])]).await;
    let mut feed = tree_feed(&visits, &tree, |c| {
        c.poll_interval(Duration::from_millis(200))
            .shard_refresh_interval(Duration::from_millis(700))
    });
    assert_eq!(keys_of(&mut feed, 1).await, ["a1"]);
    let (reads, lists) = (tree.count("GetRecords"), tree.count("DescribeStream"));
    let idle = tokio::time::timeout(Duration::from_millis(2_000), feed.next()).await;
    assert!(idle.is_err(), "{idle:?}");
    let reads = tree.count("GetRecords") - reads;
    let lists = tree.count("DescribeStream") - lists;
    // Pauses of 50, 100, 200, 200, ... ms: about 11 polls in 2 s; a loop would make
    // hundreds, a pause that shrinks or stays short tens.
    assert!((6..=14).contains(&reads), "{reads} polls in 2 s");
    // A refresh every 700 ms: 2 or 3 in 2 s, not one a round.
    assert!((2..=4).contains(&lists), "{lists} shard listings in 2 s");
}

/// A shard DynamoDB starts while another stays open is found at the next refresh and
/// read from its first record, even by a feed that started at the latest change; no
/// record comes twice.
#[tokio::test]
async fn a_new_shard_is_found_at_the_refresh_and_read_from_its_start() {
    use dynamap_tests::shard_tree::{ShardTree, TreeShard};
    let visits = visits().await;
    let tree = ShardTree::start(vec![TreeShard::new("open", None, false, &["old"])]).await;
    let mut feed = tree_feed(&visits, &tree, |c| {
        c.start_at(StartAt::Latest)
            .poll_interval(Duration::from_millis(20))
            .shard_refresh_interval(Duration::from_millis(300))
    });
    let nothing = tokio::time::timeout(Duration::from_millis(400), feed.next()).await;
    assert!(nothing.is_err(), "at the latest change: {nothing:?}");
    tree.change(|t| {
        t.shards[0].users.push("a2".into());
        t.shards
            .push(TreeShard::new("split", None, false, &["n1", "n2", "n3"]));
    });
    let got: BTreeSet<String> = keys_of(&mut feed, 4).await.into_iter().collect();
    let expected: BTreeSet<String> = ["a2", "n1", "n2", "n3"].map(String::from).into();
    assert_eq!(got, expected);
    let more = tokio::time::timeout(Duration::from_millis(700), feed.next()).await;
    assert!(more.is_err(), "nothing twice: {more:?}");

    // A closed shard's child, found when its parent ends, is read from its start too.
    tree.change(|t| {
        t.shards[0].closed = true;
        t.shards
            .push(TreeShard::new("child", Some("open"), false, &["k1", "k2"]));
    });
    assert_eq!(keys_of(&mut feed, 2).await, ["k1", "k2"]);
}

/// A shard that fills a round's buffer on its own does not starve the others: the next
/// round starts with the shards the last one did not reach.
#[tokio::test]
async fn a_busy_shard_does_not_starve_the_others() {
    use dynamap_tests::shard_tree::{ShardTree, TreeShard};
    let visits = visits().await;
    let busy: Vec<String> = (0..2_500).map(|i| format!("b{i}")).collect();
    let busy: Vec<&str> = busy.iter().map(String::as_str).collect();
    let tree = ShardTree::start(vec![
        TreeShard::new("busy", None, false, &busy),
        TreeShard::new("quiet", None, false, &["q1"]),
    ])
    .await;
    let mut feed = tree_feed(&visits, &tree, |c| {
        c.records_per_request(1_000)
            .poll_interval(Duration::from_millis(20))
    });
    let got = keys_of(&mut feed, 2_501).await;
    assert_eq!(got.len(), 2_501);
    let quiet = got.iter().position(|k| k == "q1").unwrap();
    assert!(quiet <= 1_000, "the quiet shard's record came {quiet}th");
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Kinds {
    #[dynamo(partition_key)]
    id: String,
    count: u32,
    data: Vec<u8>,
    flag: bool,
    nothing: Option<String>,
    tags: BTreeSet<String>,
    scores: BTreeSet<u32>,
    blobs: BTreeSet<Vec<u8>>,
    list: Vec<String>,
    map: std::collections::BTreeMap<String, u32>,
}

/// Every kind of attribute value comes through a live feed as it was written: binary,
/// boolean, null, the three sets, lists and maps, as the Streams API names them.
#[tokio::test]
async fn every_kind_of_attribute_comes_through_a_feed() {
    let client = client().await;
    let kinds = TypedMapping::<Kinds>::new(client.clone(), unique_table_name("changes-kinds"));
    kinds
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .await
        .unwrap();
    let mut feed = kinds
        .changes()
        .poll_interval(Duration::from_millis(20))
        .stream();
    let item = Kinds {
        id: "k1".into(),
        count: 7,
        data: vec![0, 1, 255],
        flag: true,
        nothing: None,
        tags: BTreeSet::from(["a".to_owned(), "b".to_owned()]),
        scores: BTreeSet::from([1, 20]),
        blobs: BTreeSet::from([vec![1], vec![2, 3]]),
        list: vec!["x".into(), "y".into()],
        map: [("one".to_owned(), 1)].into(),
    };
    kinds.insert(&item).await.unwrap();
    // Another writer's NULL where the type has an absent Option.
    let mut raw = Kinds::to_item(&Kinds {
        id: "k2".into(),
        ..item.clone()
    })
    .unwrap();
    raw.insert("nothing".to_owned(), AttributeValue::Null(true));
    client
        .put_item()
        .table_name(kinds.table_name())
        .set_item(Some(raw))
        .send()
        .await
        .unwrap();
    let got: Vec<Kinds> = take(&mut feed, 2)
        .await
        .into_iter()
        .map(|c| c.unwrap().new.expect("an image"))
        .collect();
    assert_eq!(
        got,
        [
            item.clone(),
            Kinds {
                id: "k2".into(),
                ..item
            }
        ]
    );
}
