//! Times stored with a chosen number of fraction digits (`Millis`, `Micros`, `Nanos`):
//! in key templates, key fields, `created_at`/`updated_at`, `ttl` and conditions, and
//! items written in JavaScript's `toISOString()` form by another client, found by key,
//! changed in place and read in ranges exact at their bounds.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::value::{Micros, Millis, Nanos};
use dynamap::{DynamoTable, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, new_mapping, stored, unique_table_name};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk", entity_attribute = "_et")]
struct Shop;

/// dynamodb-toolbox's names for the timestamps (`_ct`, `_md`) and the entity (`_et`).
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "Order",
    pk = "USER#{user}",
    sk = "ORDER#{placed_at}#{id}"
)]
struct Order {
    user: String,
    placed_at: Millis<DateTime<Utc>>,
    id: String,
    status: String,
    #[dynamo(created_at, rename = "_ct")]
    created: Option<Millis<DateTime<Utc>>>,
    #[dynamo(updated_at, rename = "_md")]
    modified: Option<Millis<DateTime<Utc>>>,
}

fn ms(millis: i64) -> Millis<DateTime<Utc>> {
    Millis::new(Utc.timestamp_millis_opt(millis).unwrap())
}

fn order(user: &str, placed: i64, id: &str) -> Order {
    Order {
        user: user.into(),
        placed_at: ms(placed),
        id: id.into(),
        status: "open".into(),
        created: None,
        modified: None,
    }
}

const MAY_FIRST: i64 = 1_714_555_800_123; // 2024-05-01T09:30:00.123Z
const YEAR_2100: i64 = 4_102_444_800_123; // 2100-01-01T00:00:00.123Z

#[tokio::test]
async fn a_millis_key_segment_and_write_times_are_stored_as_to_iso_string_writes_them() {
    let shop = Table::<Shop>::new(client().await, unique_table_name("millis-keys"));
    shop.create_table().await.unwrap();
    let orders = shop.entity::<Order>();
    // A time with nanoseconds is cut to its milliseconds when it is made.
    let placed = Millis::new(Utc.timestamp_nanos(MAY_FIRST * 1_000_000 + 456_789));
    let mut o = order("ada", MAY_FIRST, "o1");
    o.placed_at = placed;
    orders.insert(&o).await.unwrap();

    let raw = shop
        .client()
        .get_item()
        .table_name(shop.table_name())
        .key("pk", AttributeValue::S("USER#ada".into()))
        .key(
            "sk",
            AttributeValue::S("ORDER#2024-05-01T09:30:00.123Z#o1".into()),
        )
        .send()
        .await
        .unwrap()
        .item
        .expect("the key toISOString() renders");
    assert_eq!(raw["placed_at"].as_s().unwrap(), "2024-05-01T09:30:00.123Z");
    for stamp in ["_ct", "_md"] {
        let text = raw[stamp].as_s().unwrap();
        assert_eq!(text.len(), "2024-05-01T09:30:00.123Z".len(), "{text}");
        assert!(text.ends_with('Z'), "{text}");
    }
    let read = orders.get(&o.key()).await.unwrap().unwrap();
    assert_eq!(read.placed_at, ms(MAY_FIRST));
    assert!(read.created.is_some() && read.modified.is_some());
}

/// An order put by another client in JavaScript's form (as dynamodb-toolbox and ElectroDB
/// write it): its key is the one dynamap renders.
async fn put_as_javascript_does(shop: &Table<Shop>, user: &str, placed: i64, id: &str) {
    let iso = ms(placed).to_attribute_value().unwrap().unwrap();
    let iso = iso.as_s().unwrap();
    let item: HashMap<String, AttributeValue> = [
        ("pk", format!("USER#{user}")),
        ("sk", format!("ORDER#{iso}#{id}")),
        ("_et", "Order".into()),
        ("user", user.into()),
        ("placed_at", iso.clone()),
        ("id", id.into()),
        ("status", "open".into()),
        ("_ct", "2024-01-01T00:00:00.000Z".into()),
        ("_md", "2024-01-01T00:00:00.001Z".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), AttributeValue::S(v)))
    .collect();
    shop.client()
        .put_item()
        .table_name(shop.table_name())
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn another_writers_millisecond_items_are_found_changed_in_place_and_never_copied() {
    let shop = Table::<Shop>::new(client().await, unique_table_name("millis-shared"));
    shop.create_table().await.unwrap();
    let orders = shop.entity::<Order>();
    put_as_javascript_does(&shop, "bo", MAY_FIRST, "o1").await;
    let key = ("bo".to_string(), ms(MAY_FIRST), "o1".to_string());

    let theirs = orders.get(&key).await.unwrap().expect("found by its key");
    assert_eq!(theirs.modified, Some(ms(1_704_067_200_001)));
    // A condition on their `_md` compares one form with one form.
    let f = Order::fields();
    orders
        .modify(&key)
        .set(f.status, "paid".to_string())
        .when(f.modified.eq(ms(1_704_067_200_001)))
        .await
        .unwrap();
    let stale = orders
        .modify(&key)
        .set(f.status, "lost".to_string())
        .when(f.modified.eq(ms(1_704_067_200_001)))
        .await;
    assert!(
        matches!(stale, Err(dynamap::Error::ConditionFailed { .. })),
        "{stale:?}"
    );
    // Read, change, write back: the same item, not a second copy.
    let mut read = orders.get(&key).await.unwrap().unwrap();
    assert_eq!(read.status, "paid");
    read.status = "shipped".into();
    orders.insert(&read).await.unwrap();
    let all: Vec<Order> = orders.query("bo").stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].status, "shipped");
    assert_eq!(
        all[0].created,
        Some(ms(1_704_067_200_000)),
        "created_at kept"
    );
}

#[tokio::test]
async fn ranges_on_a_millis_segment_are_exact_at_their_bounds_for_either_writer() {
    let shop = Table::<Shop>::new(client().await, unique_table_name("millis-ranges"));
    shop.create_table().await.unwrap();
    let orders = shop.entity::<Order>();
    let (low, high) = (MAY_FIRST, MAY_FIRST + 86_400_000);
    let times = [low - 1, low, low + 1, high - 1, high, high + 1];
    for (n, &t) in times.iter().enumerate() {
        orders
            .insert(&order("dm", t, &format!("o{n}")))
            .await
            .unwrap();
        put_as_javascript_does(&shop, "js", t, &format!("o{n}")).await;
    }
    let f = Order::fields();
    let orders = &orders;
    for user in ["dm", "js"] {
        let placed = |condition| async move {
            let got: Vec<Order> = orders
                .query(user)
                .sort_key(condition)
                .stream()
                .try_collect()
                .await
                .unwrap();
            got.into_iter()
                .map(|o| o.placed_at.timestamp_millis())
                .collect::<Vec<i64>>()
        };
        assert_eq!(
            placed(f.placed_at.between(ms(low), ms(high))).await,
            vec![low, low + 1, high - 1, high],
            "{user}"
        );
        assert_eq!(
            placed(f.placed_at.lt(ms(low))).await,
            vec![low - 1],
            "{user}"
        );
        assert_eq!(
            placed(f.placed_at.gt(ms(high))).await,
            vec![high + 1],
            "{user}"
        );
        assert_eq!(placed(f.placed_at.ge(ms(high))).await, vec![high, high + 1]);
        assert_eq!(placed(f.placed_at.le(ms(low))).await, vec![low - 1, low]);
    }
}

/// Each form as a plain item's sort key and as its time to live.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Reading {
    #[dynamo(partition_key)]
    sensor: String,
    #[dynamo(sort_key)]
    at: Micros<time::OffsetDateTime>,
    logged: Nanos<std::time::SystemTime>,
    #[dynamo(ttl)]
    expires: Option<Millis<DateTime<Utc>>>,
}

#[tokio::test]
async fn micros_and_nanos_are_keys_and_millis_a_time_to_live() {
    let readings = new_mapping::<Reading>("time-forms").await;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(1_714_555_800_123_456_789).unwrap();
    let r = Reading {
        sensor: "s1".into(),
        at: Micros::new(at),
        logged: Nanos::new(std::time::UNIX_EPOCH + std::time::Duration::new(1, 5)),
        // In the future: an expired item may be swept (every second on the embedded
        // server) between the write and the reads below.
        expires: Some(ms(YEAR_2100 + 500)),
    };
    readings.insert(&r).await.unwrap();
    let key = ("s1".to_string(), r.at);
    let raw = stored(&readings, &key).await;
    assert_eq!(raw["at"].as_s().unwrap(), "2024-05-01T09:30:00.123456Z");
    assert_eq!(
        raw["logged"].as_s().unwrap(),
        "1970-01-01T00:00:01.000000005Z"
    );
    // Whole epoch seconds, rounded up: DynamoDB's time to live reads only numbers.
    assert_eq!(raw["expires"].as_n().unwrap(), "4102444801");
    let read = readings.get(&key).await.unwrap().unwrap();
    assert_eq!(read.at, r.at);
    assert_eq!(read.logged, r.logged);
    // The time to live reads back at its whole second: what the table holds.
    assert_eq!(read.expires, Some(ms(4_102_444_801_000)));
    let later = Micros::new(at + time::Duration::microseconds(1));
    let f = Reading::fields();
    let none: Vec<Reading> = readings
        .query("s1")
        .sort_key(f.at.ge(later))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}
