//! A table's life (#32 item 1): `ensure_table().add_missing(true)` adds to a live
//! table what a newer release of its type declares (a global index filled with the
//! items already there, time to live, a stream), and refuses, before changing anything,
//! what it could only add by changing or deleting what exists.

use std::time::{Duration, SystemTime};

use aws_sdk_dynamodb::types::TimeToLiveStatus;
use dynamap::prelude::*;
use dynamap::schema::StreamView;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, unique_table_name};

/// The first release: no index, no time to live.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "camelCase")]
struct OrderV1 {
    #[dynamo(partition_key)]
    id: u32,
    status: String,
    placed_at: u64,
    expires_at: SystemTime,
}

/// The next release of the same item: an index by status, and time to live.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "camelCase")]
struct OrderV2 {
    #[dynamo(partition_key)]
    id: u32,
    #[dynamo(gsi_partition_key(ByStatus))]
    status: String,
    #[dynamo(gsi_sort_key(ByStatus))]
    placed_at: u64,
    #[dynamo(ttl)]
    expires_at: SystemTime,
}

/// A release that changes the index's keys: not something `add_missing` does.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "camelCase")]
struct OrderV3 {
    #[dynamo(partition_key)]
    id: u32,
    #[dynamo(gsi_partition_key(ByStatusAgain, name = "by_status"))]
    status: String,
    #[dynamo(gsi_sort_key(ByStatusAgain, name = "by_status"))]
    id_text: String,
    placed_at: u64,
    expires_at: SystemTime,
}

/// A release whose time to live is another attribute: never switched over.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct OrderV4 {
    #[dynamo(partition_key)]
    id: u32,
    #[dynamo(ttl, rename = "purgeAt")]
    purge_at: SystemTime,
}

fn order(id: u32) -> OrderV1 {
    OrderV1 {
        id,
        status: ["open", "paid", "shipped"][id as usize % 3].to_owned(),
        placed_at: u64::from(1_000 + id),
        expires_at: SystemTime::now() + Duration::from_secs(86_400),
    }
}

async fn ttl_of(client: &aws_sdk_dynamodb::Client, table: &str) -> (bool, Option<String>) {
    let found = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await
        .unwrap()
        .time_to_live_description;
    let on = found.as_ref().and_then(|t| t.time_to_live_status.clone())
        == Some(TimeToLiveStatus::Enabled);
    (on, found.and_then(|t| t.attribute_name))
}

/// The ids of the paid orders, read through the index `add_missing` added.
async fn paid_ids(orders: &TypedMapping<OrderV2>) -> Vec<u32> {
    let query = orders.query_index::<ByStatus>("paid");
    query.stream().map_ok(|o| o.id).try_collect().await.unwrap()
}

#[tokio::test]
async fn add_missing_adds_a_filled_index_and_time_to_live_to_a_live_table() {
    let client = client().await;
    let name = unique_table_name("life");
    let v1 = TypedMapping::<OrderV1>::new(client.clone(), name.clone());
    assert!(v1.ensure_table().await.unwrap().created);
    dynamap_tests::insert_all(&v1, (0..45).map(order).collect()).await;

    // Without the opt-in, the missing index is a mismatch, and nothing changes.
    let v2 = TypedMapping::<OrderV2>::new(client.clone(), name.clone());
    match v2.ensure_table().await.unwrap_err() {
        Error::SchemaMismatch { details, .. } => {
            assert!(details.contains("index `by_status`: missing"), "{details}");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    assert!(!ttl_of(&client, &name).await.0, "time to live stays off");

    let ensured = v2.ensure_table().add_missing(true).await.unwrap();
    assert!(!ensured.created);
    assert_eq!(
        ensured.added,
        ["index `by_status`", "time to live on `expiresAt`"]
    );
    assert_eq!(
        ttl_of(&client, &name).await,
        (true, Some("expiresAt".into()))
    );

    // The new index holds the items written before it existed, in its order.
    let paid = paid_ids(&v2).await;
    let want: Vec<u32> = (0..45).filter(|id| id % 3 == 1).collect();
    assert_eq!(paid, want);
    // And the items written since.
    v2.insert(&OrderV2 {
        id: 100,
        status: "paid".into(),
        placed_at: 5_000,
        expires_at: SystemTime::now() + Duration::from_secs(60),
    })
    .await
    .unwrap();
    let latest = v2
        .query_index::<ByStatus>("paid")
        .reverse(true)
        .first()
        .await
        .unwrap();
    assert_eq!(latest.map(|o| o.id), Some(100));

    // Once there, nothing more to add; the first release still matches (it declares less).
    assert_eq!(
        v2.ensure_table().add_missing(true).await.unwrap().added,
        Vec::<String>::new()
    );
    assert!(!v1.ensure_table().await.unwrap().created);

    // Another index under the same name is never replaced: refused, nothing changed.
    let v3 = TypedMapping::<OrderV3>::new(client.clone(), name.clone());
    match v3.ensure_table().add_missing(true).await.unwrap_err() {
        Error::SchemaMismatch { details, .. } => {
            assert!(
                details.contains("index `by_status`: the table's keys are"),
                "{details}"
            );
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    let v4 = TypedMapping::<OrderV4>::new(client.clone(), name.clone());
    match v4.ensure_table().add_missing(true).await.unwrap_err() {
        Error::SchemaMismatch { details, .. } => assert!(
            details
                .contains("time to live: the table has it on `expiresAt`, the type on `purgeAt`"),
            "{details}"
        ),
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    assert_eq!(
        ttl_of(&client, &name).await,
        (true, Some("expiresAt".into()))
    );
    assert_eq!(paid_ids(&v2).await.len(), want.len() + 1);
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct ShopV1;

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(NextGsi1, name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk"),
    index(ByDay, local, sort_key = "lsi1sk")
)]
struct ShopV2;

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct ShopV3;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = ShopV3, entity = "Customer", pk = "CUSTOMER#{id}", sk = "PROFILE",
         index(Gsi1, pk = "EMAIL#{email}", sk = "CUSTOMER"))]
struct Customer {
    id: u32,
    email: String,
}

#[tokio::test]
async fn a_single_table_design_gains_an_index_and_a_stream_but_never_a_local_index() {
    let client = client().await;
    let name = unique_table_name("life-table");
    Table::<ShopV1>::new(client.clone(), name.clone())
        .create_table()
        .await
        .unwrap();
    // Items written before the index existed, with the attributes it will key on.
    let raw = Table::<ShopV3>::new(client.clone(), name.clone());
    dynamap_tests::insert_all(
        &raw.entity::<Customer>(),
        (0..10)
            .map(|id| Customer {
                id,
                email: format!("c{id}@example.com"),
            })
            .collect(),
    )
    .await;

    // A local index can only be created with its table: refused, and nothing is added.
    let v2 = Table::<ShopV2>::new(client.clone(), name.clone());
    match v2.ensure_table().add_missing(true).await.unwrap_err() {
        Error::SchemaMismatch { details, .. } => {
            assert!(
                details.contains("index `by_day`: missing, and a local index"),
                "{details}"
            );
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    let v3 = Table::<ShopV3>::new(client.clone(), name.clone());
    assert!(
        v3.ensure_table().await.is_err(),
        "the global index was not added either"
    );

    let ensured = v3
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .ensure()
        .add_missing(true)
        .await
        .unwrap();
    assert_eq!(ensured.added, ["index `gsi1`", "stream NewAndOldImages"]);
    let found = v3
        .entity::<Customer>()
        .query_index::<Gsi1>("c7@example.com")
        .first()
        .await
        .unwrap();
    assert_eq!(found.map(|c| c.id), Some(7));
    // The stream asked for is there: ensure without the opt-in now matches.
    assert!(
        !v3.create_table()
            .stream(StreamView::NewAndOldImages)
            .ensure()
            .await
            .unwrap()
            .created
    );
}
