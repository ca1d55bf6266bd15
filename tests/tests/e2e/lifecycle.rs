//! Table lifecycle extras: time to live, ensure_table, billing modes.

use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::types::TimeToLiveStatus;
use dynamap::prelude::*;
use dynamap::Error;
use dynamap_tests::{client, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Session {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(ttl, rename = "expiresAt")]
    expires_at: SystemTime,
}

#[tokio::test]
async fn create_table_turns_on_ttl_and_expired_items_go() {
    let sessions = TypedMapping::<Session>::new(client().await, unique_table_name("ttl"));
    sessions.create_table().await.unwrap();
    let ttl = sessions
        .client()
        .describe_time_to_live()
        .table_name(sessions.table_name())
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(ttl.time_to_live_status, Some(TimeToLiveStatus::Enabled));
    assert_eq!(ttl.attribute_name.as_deref(), Some("expiresAt"));

    let now = SystemTime::now();
    let expired = Session {
        id: "old".into(),
        expires_at: now - Duration::from_secs(3600),
    };
    let live = Session {
        id: "new".into(),
        expires_at: now + Duration::from_secs(3600),
    };
    sessions.insert(&expired).await.unwrap();
    sessions.insert(&live).await.unwrap();
    // Stored as whole epoch seconds, rounded up: never expires early.
    let stored = sessions.get(&"new".to_string()).await.unwrap().unwrap();
    let since = |t: SystemTime| t.duration_since(std::time::UNIX_EPOCH).unwrap();
    assert_eq!(since(stored.expires_at).subsec_nanos(), 0);
    let rounded_by = stored.expires_at.duration_since(live.expires_at).unwrap();
    assert!(rounded_by < Duration::from_secs(1), "{rounded_by:?}");
    assert_eq!(
        since(stored.expires_at).as_secs(),
        since(live.expires_at).as_secs() + u64::from(since(live.expires_at).subsec_nanos() > 0)
    );
    // modify stores the same form.
    let f = Session::fields();
    let later = live.expires_at + Duration::from_millis(1500);
    sessions
        .modify(&"new".to_string())
        .set(f.expires_at, later)
        .await
        .unwrap();
    let raw = sessions
        .client()
        .get_item()
        .table_name(sessions.table_name())
        .key(
            "id",
            aws_sdk_dynamodb::types::AttributeValue::S("new".into()),
        )
        .send()
        .await
        .unwrap();
    let stored_n = raw.item().unwrap()["expiresAt"].as_n().unwrap().clone();
    assert!(!stored_n.contains('.'), "{stored_n}");
    assert_eq!(
        stored_n.parse::<u64>().unwrap(),
        since(later).as_secs() + u64::from(since(later).subsec_nanos() > 0)
    );

    // DynamoDB Local sweeps expired items about every ten seconds, the embedded server
    // every second (the service: within days).
    if dynamap_tests::server_has(
        dynamap_tests::Needs::PromptTtlExpiry,
        "create_table_turns_on_ttl_and_expired_items_go",
    ) {
        let started = std::time::Instant::now();
        while sessions.contains_key(&"old".to_string()).await.unwrap() {
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "the expired item is still there"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        assert!(sessions.contains_key(&"new".to_string()).await.unwrap());
    }
}

/// A known difference between the servers, and why dynamap stores whole seconds: a TTL
/// number with a fraction, written by another client, expires on DynamoDB Local (and
/// DynamoDB) but never on the embedded emulator.
#[tokio::test]
async fn a_fractional_ttl_written_by_another_client_expires() {
    let expires = dynamap_tests::server_has(
        dynamap_tests::Needs::FractionalTtlExpiry,
        "a_fractional_ttl_written_by_another_client_expires",
    );
    let embedded = dynamap_tests::server_kind() == dynamap::local::ServerKind::Embedded;
    if !expires && !embedded {
        return;
    }
    let sessions = TypedMapping::<Session>::new(client().await, unique_table_name("ttl-frac"));
    sessions.create_table().await.unwrap();
    let past = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600;
    sessions
        .client()
        .put_item()
        .table_name(sessions.table_name())
        .item(
            "id",
            aws_sdk_dynamodb::types::AttributeValue::S("frac".into()),
        )
        .item(
            "expiresAt",
            aws_sdk_dynamodb::types::AttributeValue::N(format!("{past}.5")),
        )
        .send()
        .await
        .unwrap();
    if embedded {
        // Pins the difference the README lists: three sweeps later it is still there.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(sessions.contains_key(&"frac".to_string()).await.unwrap());
        return;
    }
    let started = std::time::Instant::now();
    while sessions.contains_key(&"frac".to_string()).await.unwrap() {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the expired item is still there"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[derive(DynamoItem)]
struct ById {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key = "by_email")]
    email: String,
}

#[derive(DynamoItem)]
#[dynamo(rename_all = "camelCase")]
struct ByNumber {
    #[dynamo(partition_key, rename = "id")]
    number: u64,
}

#[derive(DynamoItem)]
struct WithSort {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(sort_key)]
    at: u64,
}

#[derive(DynamoItem)]
struct NoIndex {
    #[dynamo(partition_key)]
    id: String,
}

#[tokio::test]
async fn ensure_table_creates_once_and_names_every_mismatch() {
    let client = client().await;
    let table = unique_table_name("ensure");
    let by_id = TypedMapping::<ById>::new(client.clone(), table.clone());
    assert!(by_id.ensure_table().await.unwrap().created, "created");
    assert!(
        !by_id.ensure_table().await.unwrap().created,
        "already there, and matching"
    );
    // Fewer indexes than the table has is fine.
    assert!(
        !TypedMapping::<NoIndex>::new(client.clone(), table.clone())
            .ensure_table()
            .await
            .unwrap()
            .created
    );

    let by_number = TypedMapping::<ByNumber>::new(client.clone(), table.clone());
    match by_number.ensure_table().await.unwrap_err() {
        Error::SchemaMismatch { details, .. } => {
            assert!(
                details.contains("partition key: the table has id (S)"),
                "{details}"
            );
            assert!(details.contains("declares id (N)"), "{details}");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    let with_sort = TypedMapping::<WithSort>::new(client.clone(), table.clone());
    let message = with_sort.ensure_table().await.unwrap_err().to_string();
    assert!(
        message.contains("sort key: the table has none"),
        "{message}"
    );

    let other_table = unique_table_name("ensure-index");
    TypedMapping::<NoIndex>::new(client.clone(), other_table.clone())
        .create_table()
        .await
        .unwrap();
    let message = TypedMapping::<ById>::new(client, other_table)
        .ensure_table()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("index `by_email`: missing from the table"),
        "{message}"
    );
}

#[tokio::test]
async fn provisioned_billing_sets_capacity() {
    let mapping = TypedMapping::<ById>::new(client().await, unique_table_name("provisioned"));
    mapping.create_table().provisioned(7, 3).await.unwrap();
    let description = mapping.describe_table().await.unwrap();
    let throughput = description.provisioned_throughput.clone().unwrap();
    assert_eq!(
        (
            throughput.read_capacity_units,
            throughput.write_capacity_units
        ),
        (Some(7), Some(3))
    );
    let index = &description.global_secondary_indexes()[0];
    assert_eq!(
        index
            .provisioned_throughput
            .as_ref()
            .and_then(|t| t.read_capacity_units),
        Some(7)
    );
}

/// The same table as `Session`, read with expired items hidden unless asked otherwise.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(hide_expired)]
struct LiveSession {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(ttl, rename = "expiresAt")]
    expires_at: SystemTime,
}

#[derive(DynamoValue, Debug)]
struct SessionId {
    id: String,
}

/// Reads hide items past their time to live when asked (or by the type's default),
/// by the mapping's clock: get, contains_key, scans, queries and their counts. The
/// items expire an hour and more from now by the clock, so no server deletes them
/// while the test runs.
#[tokio::test]
async fn reads_hide_expired_items_when_asked() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use futures::TryStreamExt;
    let start = SystemTime::now();
    let hour = Duration::from_secs(3600);
    let name = unique_table_name("ttl-hide");
    let plain = TypedMapping::<Session>::new(client().await, &name);
    plain.create_table().await.unwrap();
    for (id, hours) in [("s1", 1), ("s2", 2), ("s3", 3)] {
        let session = Session {
            id: id.into(),
            expires_at: start + hour * hours,
        };
        plain.insert(&session).await.unwrap();
    }
    // Another writer's items: a TTL that is no number, and none at all: never expire.
    for (id, ttl) in [("w1", Some(AttributeValue::S("soon".into()))), ("w2", None)] {
        let mut item =
            std::collections::HashMap::from([("id".to_owned(), AttributeValue::S(id.into()))]);
        if let Some(ttl) = ttl {
            item.insert("expiresAt".to_owned(), ttl);
        }
        plain
            .client()
            .put_item()
            .table_name(&name)
            .set_item(Some(item))
            .send()
            .await
            .unwrap();
    }
    // By this clock, s1 has expired (at its second: an item expiring exactly now has).
    // Its time to live is stored rounded up to a whole second: the clock is in that
    // second (not `start + hour + 999 ms`, which falls a second short when `start` is
    // in the first millisecond of a second).
    let expiry = (start + hour)
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let stored_second = expiry.as_secs() + u64::from(expiry.subsec_nanos() > 0);
    let clock = dynamap::config::ManualClock::new(
        std::time::UNIX_EPOCH + Duration::from_secs(stored_second) + Duration::from_millis(999),
    );
    let sessions = plain.with_clock(clock.clone());
    let s1 = "s1".to_string();

    assert!(
        sessions.get(&s1).await.unwrap().is_some(),
        "shown by default"
    );
    assert_eq!(sessions.get(&s1).hide_expired(true).await.unwrap(), None);
    assert!(sessions
        .get("s2")
        .hide_expired(true)
        .await
        .unwrap()
        .is_some());
    assert!(sessions.contains_key(&s1).await.unwrap());
    assert!(!sessions.contains_key(&s1).hide_expired(true).await.unwrap());
    assert!(sessions
        .contains_key("s2")
        .hide_expired(true)
        .await
        .unwrap());

    let ids = |read: futures::stream::BoxStream<'static, dynamap::Result<SessionId>>| async move {
        let mut ids: Vec<String> = read.map_ok(|s| s.id).try_collect().await.unwrap();
        ids.sort();
        ids
    };
    assert_eq!(
        ids(sessions
            .scan()
            .hide_expired(true)
            .project::<SessionId>()
            .stream())
        .await,
        ["s2", "s3", "w1", "w2"]
    );
    assert_eq!(
        ids(sessions.scan().project::<SessionId>().stream())
            .await
            .len(),
        5
    );
    assert_eq!(sessions.scan().hide_expired(true).count().await.unwrap(), 4);
    assert_eq!(
        sessions
            .query(&s1)
            .hide_expired(true)
            .count()
            .await
            .unwrap(),
        0
    );
    assert_eq!(sessions.query(&s1).count().await.unwrap(), 1);
    assert_eq!(
        sessions
            .query("s2")
            .hide_expired(true)
            .first()
            .await
            .unwrap()
            .map(|s| s.id),
        Some("s2".into())
    );

    // The type's default, and the clock moving on.
    let live = TypedMapping::<LiveSession>::new(client().await, &name).with_clock(clock.clone());
    assert_eq!(live.get(&s1).await.unwrap(), None);
    assert!(live.get(&s1).hide_expired(false).await.unwrap().is_some());
    clock.set(start + hour * 2 + Duration::from_secs(1));
    assert_eq!(
        ids(live.scan().project::<SessionId>().stream()).await,
        ["s3", "w1", "w2"]
    );
    assert_eq!(live.query("s2").first().await.unwrap(), None);
    plain.delete_table().await.unwrap();
}

/// A query of a table without a sort key reads one partition of one item: it ends
/// after its first page on each server. The embedded server answers a query resumed
/// after that item with the same resume key again, for ever (DynamoDB Local answers
/// none): dynamap reads one page only, and refuses an answer that resumes where it
/// started rather than asking for it again.
#[tokio::test]
async fn a_query_of_a_partition_without_a_sort_key_ends_on_each_server() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let sessions = TypedMapping::<Session>::new(client().await, unique_table_name("one-item"));
    sessions.create_table().await.unwrap();
    let session = Session {
        id: "s2".into(),
        expires_at: SystemTime::now() + Duration::from_secs(9_999),
    };
    sessions.insert(&session).await.unwrap();
    // What each server answers: Limit 1 and a filter that drops the one item.
    let mut start = None;
    let mut pages = 0;
    while pages < 3 {
        let page = sessions
            .client()
            .query()
            .table_name(sessions.table_name())
            .key_condition_expression("id = :id")
            .expression_attribute_values(":id", AttributeValue::S("s2".into()))
            .filter_expression("attribute_not_exists(expiresAt)")
            .limit(1)
            .set_exclusive_start_key(start.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        start = page.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }
    match dynamap_tests::server_kind() {
        dynamap::local::ServerKind::Embedded => {
            assert_eq!(
                pages, 3,
                "the embedded server resumes where it started, for ever"
            )
        }
        _ => assert_eq!(pages, 1, "{:?}", dynamap_tests::server_kind()),
    }
    // dynamap's query ends, on either server, with its filter and a limit of 1.
    let f = Session::fields();
    let found = tokio::time::timeout(
        Duration::from_secs(10),
        sessions
            .query("s2")
            .filter(f.expires_at.lt(SystemTime::now()))
            .first(),
    )
    .await
    .expect("the query ends");
    assert_eq!(found.unwrap(), None);
    let count = sessions.query("s2").page_size(1).count().await.unwrap();
    assert_eq!(count, 1);
    sessions.delete_table().await.unwrap();
}
