//! The types real services use, against the server: newtypes, uuid, chrono and time,
//! Decimal, JSON. Each stored form is read back exactly, keys and sets work, and range
//! conditions on time sort keys return exactly the items in the range.

use std::collections::{BTreeSet, HashSet};
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use dynamap::prelude::*;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use dynamap_tests::{new_mapping, stored};

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct OrderId(Uuid);

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq)]
struct Cents(i64);

#[derive(DynamoValue, Debug, Clone, PartialEq)]
#[dynamo(transparent)]
struct Email {
    address: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    id: OrderId,
    #[dynamo(sort_key)]
    placed_at: DateTime<Utc>,
    total: Cents,
    price: Decimal,
    buyer: Email,
    related: HashSet<OrderId>,
    due: NaiveDate,
    shipped_at: Option<DateTime<FixedOffset>>,
    audit: time::OffsetDateTime,
    local: time::PrimitiveDateTime,
    day: time::Date,
    extra: serde_json::Value,
    days: BTreeSet<NaiveDate>,
}

fn order_id(n: u128) -> OrderId {
    OrderId(Uuid::from_u128(
        0x67e5_5044_10b1_426f_9247_bb68_0000_0000 + n,
    ))
}

fn order(id: OrderId, placed_at: DateTime<Utc>) -> Order {
    Order {
        id,
        placed_at,
        total: Cents(1250),
        price: Decimal::from_str("19.99").unwrap(),
        buyer: Email {
            address: "ada@example.com".into(),
        },
        related: [order_id(900), order_id(901)].into(),
        due: NaiveDate::from_ymd_opt(1969, 7, 20).unwrap(),
        shipped_at: Some(
            Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0)
                .unwrap()
                .with_timezone(&FixedOffset::east_opt(3600).unwrap()),
        ),
        audit: time::macros::datetime!(2024-05-01 09:30:00.123456789 UTC),
        local: time::macros::datetime!(1955-11-05 06:15:00),
        day: time::macros::date!(2000 - 02 - 29),
        extra: json!({"color": "red", "sizes": [1, 2.5, null], "n": 12345678901234567890123456789012345678u128}),
        days: [NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()].into(),
    }
}

#[tokio::test]
async fn every_type_round_trips_exactly_and_is_stored_as_documented() {
    let orders = new_mapping::<Order>("types-roundtrip").await;
    let placed = Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap() + Duration::nanoseconds(7);
    let o = order(order_id(1), placed);
    orders.insert(&o).await.unwrap();
    let back = orders.get(&(o.id, o.placed_at)).await.unwrap().unwrap();
    assert_eq!(back.id, o.id);
    assert_eq!(back.placed_at, o.placed_at);
    assert_eq!(back.total, o.total);
    assert_eq!(back.price, o.price);
    assert_eq!(back.buyer, o.buyer);
    assert_eq!(back.related, o.related);
    assert_eq!(back.due, o.due);
    assert_eq!(back.shipped_at, o.shipped_at, "the same instant");
    assert_eq!(back.audit, o.audit);
    assert_eq!(back.local, o.local);
    assert_eq!(back.day, o.day);
    assert_eq!(back.extra, o.extra);
    assert_eq!(back.days, o.days);

    // The stored forms, as another client sees them.
    let raw = stored(&orders, &o.key()).await;
    let s = |name: &str| raw[name].as_s().unwrap().clone();
    assert_eq!(s("id"), "67e55044-10b1-426f-9247-bb6800000001");
    assert_eq!(s("placed_at"), "2024-05-01T09:30:00.000000007Z");
    assert_eq!(s("buyer"), "ada@example.com");
    assert_eq!(s("due"), "1969-07-20");
    assert_eq!(s("shipped_at"), "2024-05-01T09:30:00.000000000Z");
    assert_eq!(s("audit"), "2024-05-01T09:30:00.123456789Z");
    assert_eq!(s("local"), "1955-11-05T06:15:00.000000000");
    assert_eq!(s("day"), "2000-02-29");
    assert_eq!(raw["total"], AttributeValue::N("1250".into()));
    assert_eq!(raw["price"], AttributeValue::N("19.99".into()));
    assert!(matches!(&raw["related"], AttributeValue::Ss(set) if set.len() == 2));
    assert!(matches!(&raw["extra"], AttributeValue::M(m)
        if m["n"] == AttributeValue::N("12345678901234567890123456789012345678".into())
            && matches!(&m["sizes"], AttributeValue::L(l) if l[2] == AttributeValue::Null(true))));
}

#[tokio::test]
async fn a_time_sort_key_range_returns_exactly_the_items_in_it() {
    let orders = new_mapping::<Order>("types-range").await;
    let id = order_id(2);
    let base = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap();
    // Across a second boundary, sub-second apart, and across 1970 and far years.
    let times: Vec<DateTime<Utc>> = vec![
        Utc.with_ymd_and_hms(1901, 1, 1, 0, 0, 0).unwrap(),
        base,
        base + Duration::milliseconds(999),
        base + Duration::nanoseconds(999_999_999),
        base + Duration::seconds(1),
        base + Duration::seconds(1) + Duration::nanoseconds(1),
        base + Duration::seconds(2),
        Utc.with_ymd_and_hms(2024, 2, 29, 12, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
    ];
    for t in &times {
        orders.insert(&order(id, *t)).await.unwrap();
    }
    let f = Order::fields();
    let between = |low: DateTime<Utc>, high: DateTime<Utc>| {
        orders
            .query(&id)
            .sort_key(f.placed_at.between(low, high))
            .stream()
            .map_ok(|o| o.placed_at)
            .try_collect::<Vec<_>>()
    };
    let low = base + Duration::milliseconds(999);
    let high = base + Duration::seconds(1);
    assert_eq!(between(low, high).await.unwrap(), times[2..=4].to_vec());
    let all = between(times[0], times[8]).await.unwrap();
    assert_eq!(all, times, "in time order, every one");
    let before_1970: Vec<_> = orders
        .query(&id)
        .sort_key(
            f.placed_at
                .lt(Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap()),
        )
        .stream()
        .map_ok(|o| o.placed_at)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(before_1970, times[..=3].to_vec());
    // A newtype key, given as the newtype.
    assert!(orders.contains_key(&(id, times[7])).await.unwrap());
    assert!(!orders.contains_key(&(order_id(3), times[7])).await.unwrap());
}

#[tokio::test]
async fn a_decimal_counter_survives_concurrent_adds_exactly() {
    #[derive(DynamoItem, Debug, Clone)]
    struct Account {
        #[dynamo(partition_key)]
        id: Uuid,
        balance: Decimal,
        cents: Cents,
    }
    let accounts = new_mapping::<Account>("types-decimal").await;
    let id = Uuid::from_u128(42);
    let f = Account::fields();
    let adds = (0..16).map(|i| {
        let accounts = accounts.clone();
        async move {
            let amount = Decimal::from_str("0.01").unwrap() * Decimal::from(i + 1);
            accounts
                .modify(&id)
                .add(f.balance, amount)
                .add(f.cents, Cents(i + 1))
                .upsert(true)
                .await
        }
    });
    futures::future::try_join_all(adds).await.unwrap();
    let account = accounts.get(&id).await.unwrap().unwrap();
    // 0.01 × (1 + 2 + … + 16) = 1.36, exactly: no float on the way.
    assert_eq!(account.balance, Decimal::from_str("1.36").unwrap());
    assert_eq!(account.cents, Cents(136));
    accounts
        .modify(&id)
        .subtract(f.balance, Decimal::from_str("0.36").unwrap())
        .await
        .unwrap();
    let f_balance = accounts.get(&id).await.unwrap().unwrap().balance;
    assert_eq!(f_balance, Decimal::ONE);
    // Typed conditions on Decimal and on a numeric newtype.
    let refused = accounts
        .modify(&id)
        .set(f.balance, Decimal::ZERO)
        .when(f.balance.gt(Decimal::from(5)) | f.cents.lt(Cents(0)))
        .await;
    assert!(
        matches!(refused, Err(dynamap::Error::ConditionFailed { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn ttl_accepts_chrono_and_time_values() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Session {
        #[dynamo(partition_key)]
        id: OrderId,
        #[dynamo(ttl)]
        expires: DateTime<Utc>,
    }
    let sessions = new_mapping::<Session>("types-ttl").await;
    let at = Utc.timestamp_opt(4_102_444_800, 250_000_000).unwrap();
    let session = Session {
        id: order_id(7),
        expires: at,
    };
    sessions.insert(&session).await.unwrap();
    let raw = stored(&sessions, &session.id).await;
    // Whole epoch seconds, rounded up: the number DynamoDB's TTL reads.
    assert_eq!(raw["expires"], AttributeValue::N("4102444801".into()));
    let back = sessions.get(&session.id).await.unwrap().unwrap();
    assert_eq!(back.expires, Utc.timestamp_opt(4_102_444_801, 0).unwrap());
}

#[tokio::test]
async fn a_set_another_writer_stored_as_a_list_reads_back() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Tagged {
        #[dynamo(partition_key)]
        id: String,
        tags: HashSet<String>,
        ids: BTreeSet<OrderId>,
        scores: BTreeSet<u32>,
    }
    let table = new_mapping::<Tagged>("types-set-from-list").await;
    let list = |items: Vec<AttributeValue>| AttributeValue::L(items);
    let s = |v: &str| AttributeValue::S(v.to_owned());
    // As serde_dynamo writes a HashSet<String>: a list.
    table
        .client()
        .put_item()
        .table_name(table.table_name())
        .item("id", s("t"))
        .item("tags", list(vec![s("a"), s("b"), s("a")]))
        .item("ids", list(vec![s("67e55044-10b1-426f-9247-bb6800000001")]))
        .item("scores", list(vec![AttributeValue::N("3".into())]))
        .send()
        .await
        .unwrap();
    let read = table.get("t").await.unwrap().unwrap();
    assert_eq!(read.tags, HashSet::from(["a".to_owned(), "b".to_owned()]));
    assert_eq!(read.ids, BTreeSet::from([order_id(1)]));
    assert_eq!(read.scores, BTreeSet::from([3]));
    // Written back, it is a set again.
    table.insert(&read).await.unwrap();
    let raw = stored(&table, &"t".to_string()).await;
    assert!(matches!(&raw["tags"], AttributeValue::Ss(v) if v.len() == 2));
    // A list element that is not one of the set's is an error naming it.
    table
        .client()
        .put_item()
        .table_name(table.table_name())
        .item("id", s("bad"))
        .item("tags", list(vec![s("a"), AttributeValue::N("1".into())]))
        .send()
        .await
        .unwrap();
    let err = table.get("bad").await.unwrap_err();
    assert!(
        matches!(&err, dynamap::Error::Conversion(e) if e.attribute() == "tags[1]"),
        "{err}"
    );
}

/// A type dynamap does not know, stored through a module: `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb(u8, u8, u8);

mod hex_color {
    use dynamap::error::ConversionError;

    pub fn to_stored(color: &super::Rgb) -> Result<String, ConversionError> {
        Ok(format!("#{:02x}{:02x}{:02x}", color.0, color.1, color.2))
    }

    pub fn from_stored(text: String) -> Result<super::Rgb, ConversionError> {
        let bad = || ConversionError::new("a color as #rrggbb", format!("{text:?}"));
        let hex = text
            .strip_prefix('#')
            .filter(|h| h.len() == 6)
            .ok_or_else(bad)?;
        let byte =
            |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or(""), 16).map_err(|_| bad());
        Ok(super::Rgb(byte(0)?, byte(2)?, byte(4)?))
    }
}

#[tokio::test]
async fn a_with_module_stores_reads_sets_and_compares() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Car {
        #[dynamo(partition_key)]
        id: String,
        #[dynamo(with = "hex_color")]
        paint: Rgb,
    }
    let cars = new_mapping::<Car>("types-with").await;
    let car = Car {
        id: "c".into(),
        paint: Rgb(255, 128, 0),
    };
    cars.insert(&car).await.unwrap();
    assert_eq!(cars.get("c").await.unwrap(), Some(car.clone()));
    let raw = stored(&cars, &"c".to_string()).await;
    assert_eq!(raw["paint"], AttributeValue::S("#ff8000".into()));
    // Typed paths go through the module too.
    let f = Car::fields();
    let repainted: Car = cars
        .modify("c")
        .set(f.paint, Rgb(0, 0, 255))
        .when(f.paint.eq(Rgb(255, 128, 0)))
        .return_new()
        .await
        .unwrap();
    assert_eq!(repainted.paint, Rgb(0, 0, 255));
    let stale = cars
        .modify("c")
        .set(f.paint, Rgb(1, 1, 1))
        .when(f.paint.eq(Rgb(255, 128, 0)))
        .await;
    assert!(matches!(stale, Err(dynamap::Error::ConditionFailed { .. })));
    // What the module refuses is an error naming the attribute.
    cars.client()
        .put_item()
        .table_name(cars.table_name())
        .item("id", AttributeValue::S("bad".into()))
        .item("paint", AttributeValue::S("red".into()))
        .send()
        .await
        .unwrap();
    let err = cars.get("bad").await.unwrap_err();
    assert!(
        matches!(&err, dynamap::Error::Conversion(e) if e.attribute() == "paint" && e.expected() == "a color as #rrggbb"),
        "{err}"
    );
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
#[dynamo(tag = "kind", rename_all = "snake_case")]
enum Payment {
    Card {
        last4: String,
        expires: NaiveDate,
    },
    Cash,
    BankTransfer {
        iban: String,
        #[dynamo(rename = "ref")]
        reference: Option<String>,
    },
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
#[dynamo(tag = "t", content = "c")]
enum Event {
    Created(OrderId),
    Moved {
        from: String,
        to: String,
    },
    #[dynamo(rename = "gone")]
    Closed,
    Priced(Decimal),
}

#[tokio::test]
async fn tagged_enums_read_back_every_variant_and_name_an_unknown_tag() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Checkout {
        #[dynamo(partition_key)]
        id: String,
        payment: Payment,
        history: Vec<Event>,
    }
    let table = new_mapping::<Checkout>("types-tagged").await;
    let payments = [
        Payment::Card {
            last4: "4242".into(),
            expires: NaiveDate::from_ymd_opt(2030, 1, 31).unwrap(),
        },
        Payment::Cash,
        Payment::BankTransfer {
            iban: "DE89".into(),
            reference: None,
        },
        Payment::BankTransfer {
            iban: "FR76".into(),
            reference: Some("inv-7".into()),
        },
    ];
    let history = vec![
        Event::Created(order_id(5)),
        Event::Moved {
            from: "a".into(),
            to: "b".into(),
        },
        Event::Closed,
        Event::Priced(Decimal::from_str("9.95").unwrap()),
    ];
    for (i, payment) in payments.iter().enumerate() {
        let checkout = Checkout {
            id: format!("c{i}"),
            payment: payment.clone(),
            history: history.clone(),
        };
        table.insert(&checkout).await.unwrap();
        assert_eq!(table.get(&checkout.id).await.unwrap(), Some(checkout));
    }
    // The stored shapes: the tag beside the fields, or the data under `content`.
    let raw = stored(&table, &"c3".to_string()).await;
    let AttributeValue::M(payment) = &raw["payment"] else {
        panic!("{raw:?}")
    };
    assert_eq!(payment["kind"], AttributeValue::S("bank_transfer".into()));
    assert_eq!(payment["ref"], AttributeValue::S("inv-7".into()));
    let AttributeValue::L(events) = &raw["history"] else {
        panic!("{raw:?}")
    };
    let AttributeValue::M(moved) = &events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(moved["t"], AttributeValue::S("Moved".into()));
    assert!(
        matches!(&moved["c"], AttributeValue::M(m) if m["to"] == AttributeValue::S("b".into()))
    );
    let AttributeValue::M(closed) = &events[2] else {
        panic!("{events:?}")
    };
    assert_eq!(closed.len(), 1, "a unit variant is its tag alone");
    assert_eq!(closed["t"], AttributeValue::S("gone".into()));

    // A tag another writer used that this enum does not know: a typed error naming it.
    table
        .client()
        .put_item()
        .table_name(table.table_name())
        .item("id", AttributeValue::S("odd".into()))
        .item(
            "payment",
            AttributeValue::M([("kind".to_owned(), AttributeValue::S("cheque".into()))].into()),
        )
        .item("history", AttributeValue::L(vec![]))
        .send()
        .await
        .unwrap();
    let err = table.get("odd").await.unwrap_err();
    let dynamap::Error::Conversion(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.attribute(), "payment.kind");
    assert!(e.found().contains("cheque"), "{err}");
    assert!(e.expected().contains("\"bank_transfer\""), "{err}");
}

fn default_plan() -> String {
    "free".to_owned()
}

#[tokio::test]
async fn an_alias_reads_an_old_name_and_a_default_function_fills_a_missing_one() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Member {
        #[dynamo(partition_key)]
        id: String,
        #[dynamo(alias = "fullName", alias = "name")]
        display_name: String,
        #[dynamo(default = "default_plan")]
        plan: String,
    }
    let members = new_mapping::<Member>("types-alias").await;
    let s = |v: &str| AttributeValue::S(v.to_owned());
    // Written before the rename, by an older version of the service.
    for (id, attributes) in [
        ("old", vec![("fullName", "Ada")]),
        ("older", vec![("name", "Grace")]),
        ("both", vec![("name", "stale"), ("display_name", "current")]),
    ] {
        let mut request = members
            .client()
            .put_item()
            .table_name(members.table_name())
            .item("id", s(id));
        for (name, value) in attributes {
            request = request.item(name, s(value));
        }
        request.send().await.unwrap();
    }
    let read = |id: &'static str| {
        let members = members.clone();
        async move { members.get(id).await.unwrap().unwrap() }
    };
    assert_eq!(read("old").await.display_name, "Ada");
    assert_eq!(read("older").await.display_name, "Grace");
    assert_eq!(
        read("both").await.display_name,
        "current",
        "the current name wins"
    );
    assert_eq!(read("old").await.plan, "free", "from the default function");
    // Written again, it is stored under the current name only.
    let member = read("old").await;
    members.insert(&member).await.unwrap();
    let raw = stored(&members, &"old".to_string()).await;
    assert_eq!(raw.get("display_name"), Some(&s("Ada")));
    assert_eq!(raw.get("fullName"), None);
    assert_eq!(raw.get("plan"), Some(&s("free")));
    // A projection asks for the old names too, so it reads old items.
    #[derive(DynamoValue, Debug)]
    struct NameOnly {
        #[dynamo(alias = "name")]
        display_name: String,
    }
    let mut names: Vec<String> = members
        .scan()
        .project::<NameOnly>()
        .stream()
        .map_ok(|n| n.display_name)
        .try_collect()
        .await
        .unwrap();
    names.sort();
    assert_eq!(names, ["Ada", "Grace", "current"]);
}

#[tokio::test]
async fn epoch_fields_are_numbers_that_sort_and_compare_as_times() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Reading {
        #[dynamo(partition_key)]
        sensor: String,
        #[dynamo(sort_key)]
        seq: u32,
        #[dynamo(epoch_millis)]
        taken_at: DateTime<Utc>,
        #[dynamo(epoch_seconds)]
        sent_at: Option<time::OffsetDateTime>,
        #[dynamo(epoch_seconds)]
        logged_at: std::time::SystemTime,
    }
    let readings = new_mapping::<Reading>("types-epoch").await;
    let at = |ms: i64| Utc.timestamp_millis_opt(ms).unwrap() + Duration::nanoseconds(250);
    let logged = std::time::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 5);
    for (seq, ms) in [(1, -1_000), (2, 1_732_473_600_123), (3, 1_732_473_600_124)] {
        readings
            .insert(&Reading {
                sensor: "s".into(),
                seq,
                taken_at: at(ms),
                sent_at: (seq == 2).then_some(time::macros::datetime!(2024-11-24 18:40:00.5 UTC)),
                logged_at: logged,
            })
            .await
            .unwrap();
    }
    let raw = stored(&readings, &("s".to_string(), 2)).await;
    assert_eq!(
        raw["taken_at"],
        AttributeValue::N("1732473600123.00025".into())
    );
    assert_eq!(raw["sent_at"], AttributeValue::N("1732473600.5".into()));
    assert_eq!(
        raw["logged_at"],
        AttributeValue::N("1700000000.000000005".into())
    );
    let back = readings.get(&("s".to_string(), 2)).await.unwrap().unwrap();
    assert_eq!(back.taken_at, at(1_732_473_600_123));
    assert_eq!(back.logged_at, logged);
    let first = readings.get(&("s".to_string(), 1)).await.unwrap().unwrap();
    assert_eq!(first.taken_at, at(-1_000), "before 1970");
    assert_eq!(first.sent_at, None, "absent");
    // Conditions encode through the field's unit.
    let f = Reading::fields();
    let late: Vec<u32> = readings
        .query("s")
        .filter(f.taken_at.gt(at(1_732_473_600_123)))
        .stream()
        .map_ok(|r| r.seq)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(late, [3]);
    readings
        .modify(&("s".to_string(), 1))
        .set(f.taken_at, at(5))
        .remove(f.sent_at)
        .await
        .unwrap();
    let moved = readings.get(&("s".to_string(), 1)).await.unwrap().unwrap();
    assert_eq!(moved.taken_at, at(5));
}

#[tokio::test]
async fn created_at_is_set_once_and_updated_at_by_every_write_path() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Doc {
        #[dynamo(partition_key)]
        id: String,
        body: String,
        #[dynamo(created_at)]
        created: Option<DateTime<Utc>>,
        #[dynamo(updated_at, epoch_millis)]
        updated: time::OffsetDateTime,
    }
    let t = |s: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + s);
    let utc = |s: u64| DateTime::<Utc>::from(t(s));
    let offset = |s: u64| time::OffsetDateTime::from(t(s));
    let clock = dynamap::config::ManualClock::new(t(0));
    let docs = new_mapping::<Doc>("types-stamps")
        .await
        .with_clock(clock.clone());
    let read = |id: &'static str| {
        let docs = docs.clone();
        async move { docs.get(id).await.unwrap().unwrap() }
    };
    let doc = Doc {
        id: "d".into(),
        body: "v1".into(),
        created: None,
        updated: time::OffsetDateTime::UNIX_EPOCH,
    };
    // insert: created when absent, updated now.
    docs.insert(&doc).await.unwrap();
    let stored = read("d").await;
    assert_eq!((stored.created, stored.updated), (Some(utc(0)), offset(0)));

    // insert only if absent creates the item: created now whatever the struct says,
    // from the same clock read as updated (one write, one time).
    clock.set(t(5));
    let created = Doc {
        id: "c".into(),
        created: Some(utc(1)),
        ..doc.clone()
    };
    docs.insert_if_absent(&created).await.unwrap();
    let stored = read("c").await;
    assert_eq!((stored.created, stored.updated), (Some(utc(5)), offset(5)));

    // modify: updated now, created kept (if_not_exists).
    clock.set(t(10));
    docs.modify("d")
        .set(Doc::fields().body, "v2".to_string())
        .await
        .unwrap();
    let stored = read("d").await;
    assert_eq!((stored.created, stored.updated), (Some(utc(0)), offset(10)));

    // update_with: stamps what it writes, returns it; a closure that changes nothing
    // writes nothing.
    clock.set(t(20));
    let written = docs.update_with("d", |d| d.body.push('!')).await.unwrap();
    assert_eq!(
        (written.created, written.updated),
        (Some(utc(0)), offset(20))
    );
    assert_eq!(read("d").await, written);
    clock.set(t(25));
    docs.update_with("d", |_| {}).await.unwrap();
    assert_eq!(read("d").await.updated, offset(20));

    // insert of the item as read: created kept, updated now.
    clock.set(t(30));
    docs.insert(&read("d").await).await.unwrap();
    let stored = read("d").await;
    assert_eq!((stored.created, stored.updated), (Some(utc(0)), offset(30)));

    // insert_many and transactions stamp too.
    clock.set(t(40));
    let fresh = Doc {
        id: "m".into(),
        ..doc.clone()
    };
    docs.insert_many(vec![fresh]).await.unwrap();
    let stored = read("m").await;
    assert_eq!(
        (stored.created, stored.updated),
        (Some(utc(40)), offset(40))
    );
    clock.set(t(50));
    let other = Doc {
        id: "t".into(),
        ..doc.clone()
    };
    dynamap::transaction(docs.client())
        .put(&docs, &other)
        .modify(&docs, "m", |m| m.set(Doc::fields().body, "tx".to_string()))
        .await
        .unwrap();
    let (t_doc, m_doc) = (read("t").await, read("m").await);
    assert_eq!((t_doc.created, t_doc.updated), (Some(utc(50)), offset(50)));
    assert_eq!((m_doc.created, m_doc.updated), (Some(utc(40)), offset(50)));

    // An upsert that creates the item sets created_at.
    clock.set(t(60));
    docs.modify("u")
        .set(Doc::fields().body, "new".to_string())
        .upsert(true)
        .await
        .unwrap();
    let stored = read("u").await;
    assert_eq!(
        (stored.created, stored.updated),
        (Some(utc(60)), offset(60))
    );
}

/// A clock that counts how often it is read.
#[derive(Debug, Default)]
struct CountingClock(std::sync::atomic::AtomicU64);

impl dynamap::config::Clock for CountingClock {
    fn now(&self) -> std::time::SystemTime {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        std::time::SystemTime::now()
    }
}

/// Writes of a type without `created_at`/`updated_at` never read the clock (one read
/// less per item in a bulk load); a stamped type's writes read it once each.
#[tokio::test]
async fn only_stamped_types_read_the_clock() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Plain {
        #[dynamo(partition_key)]
        id: String,
        n: u64,
    }
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Stamped {
        #[dynamo(partition_key)]
        id: String,
        n: u64,
        #[dynamo(updated_at)]
        at: Option<DateTime<Utc>>,
    }
    let clock = std::sync::Arc::new(CountingClock::default());
    let reads = || clock.0.load(std::sync::atomic::Ordering::Relaxed);
    let shared = SharedClock(clock.clone());
    let plain = new_mapping::<Plain>("clock-plain")
        .await
        .with_clock(shared.clone());
    let stamped = new_mapping::<Stamped>("clock-stamped")
        .await
        .with_clock(shared);

    plain
        .insert(&Plain {
            id: "a".into(),
            n: 1,
        })
        .await
        .unwrap();
    plain.modify("a").add(Plain::fields().n, 1).await.unwrap();
    let many: Vec<Plain> = (0..30)
        .map(|i| Plain {
            id: format!("p{i}"),
            n: i,
        })
        .collect();
    plain.insert_many(&many).await.unwrap();
    assert_eq!(reads(), 0, "a type without stamps never reads the clock");

    stamped
        .insert(&Stamped {
            id: "a".into(),
            n: 1,
            at: None,
        })
        .await
        .unwrap();
    stamped
        .modify("a")
        .add(Stamped::fields().n, 1)
        .await
        .unwrap();
    assert_eq!(reads(), 2, "one read per write of a stamped type");
    let stored = stamped.get("a").await.unwrap().unwrap();
    assert_eq!(stored.n, 2);
    assert!(stored.at.is_some());
}

/// One counting clock behind several mappings.
#[derive(Debug, Clone)]
struct SharedClock(std::sync::Arc<CountingClock>);

impl dynamap::config::Clock for SharedClock {
    fn now(&self) -> std::time::SystemTime {
        self.0.now()
    }
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct PostalAddress {
    street: String,
    city: String,
    #[dynamo(rename = "zip")]
    postcode: Option<String>,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Audit {
    #[dynamo(rename = "by")]
    changed_by: String,
}

#[tokio::test]
async fn a_flattened_struct_sits_at_the_top_level_and_its_paths_follow() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Customer {
        #[dynamo(partition_key)]
        id: String,
        name: String,
        #[dynamo(flatten)]
        address: PostalAddress,
        #[dynamo(flatten)]
        audit: Audit,
    }
    let customers = new_mapping::<Customer>("types-flatten").await;
    let ada = Customer {
        id: "c1".into(),
        name: "Ada".into(),
        address: PostalAddress {
            street: "1 Loop Rd".into(),
            city: "London".into(),
            postcode: None,
        },
        audit: Audit {
            changed_by: "admin".into(),
        },
    };
    customers.insert(&ada).await.unwrap();
    let raw = stored(&customers, &"c1".to_string()).await;
    let mut names: Vec<&str> = raw.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        ["by", "city", "id", "name", "street"],
        "all at the top level"
    );
    assert_eq!(customers.get("c1").await.unwrap(), Some(ada.clone()));

    // Typed paths through the flattened struct name top-level attributes.
    let f = Customer::fields();
    assert_eq!(
        dynamap::path::TypedPath::attr_path(&f.address.city).to_string(),
        "city"
    );
    let moved: Customer = customers
        .modify("c1")
        .set(f.address.city, "Paris")
        .set(f.address.postcode, Some("75001".to_string()))
        .when(f.address.city.eq("London"))
        .return_new()
        .await
        .unwrap();
    assert_eq!(moved.address.city, "Paris");
    assert_eq!(moved.address.postcode.as_deref(), Some("75001"));
    // The whole flattened struct is no attribute: refused before sending.
    let whole = customers
        .modify("c1")
        .set(f.address, ada.address.clone())
        .await;
    assert!(
        matches!(whole, Err(dynamap::Error::InvalidRequest { .. })),
        "{whole:?}"
    );

    // A projection asks for the flattened attributes too; update_with keeps them.
    let cities: Vec<String> = customers
        .scan()
        .project::<Customer>()
        .stream()
        .map_ok(|c| c.address.city)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(cities, ["Paris"]);
    let renamed = customers
        .update_with("c1", |c| c.audit.changed_by = "ops".into())
        .await
        .unwrap();
    // The change itself is stored (not only what update_with returned), under the
    // flattened field's own attribute, and the rest is as it was.
    assert_eq!(renamed.audit.changed_by, "ops");
    assert_eq!(customers.get("c1").await.unwrap(), Some(renamed));
    let raw = dynamap_tests::stored(&customers, &"c1".to_owned()).await;
    assert_eq!(raw.get("by"), Some(&AttributeValue::S("ops".into())));
    assert_eq!(raw.get("city"), Some(&AttributeValue::S("Paris".into())));
}
