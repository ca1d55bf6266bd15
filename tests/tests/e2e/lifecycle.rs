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
    assert!(by_id.ensure_table().await.unwrap(), "created");
    assert!(
        !by_id.ensure_table().await.unwrap(),
        "already there, and matching"
    );
    // Fewer indexes than the table has is fine.
    assert!(!TypedMapping::<NoIndex>::new(client.clone(), table.clone())
        .ensure_table()
        .await
        .unwrap());

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
