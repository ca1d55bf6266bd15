//! A Lambda record's images are decoded from the values the record lends (numbers,
//! uuids and times parsed in place): every field kind must come out exactly as from the
//! owned item, and every bad value must give the owned path's error, word for word.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use aws_lambda_events::event::dynamodb::EventRecord;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::value::Item;

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq)]
struct AccountId(uuid::Uuid);

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq)]
enum Tier {
    Free,
    Pro,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
#[dynamo(tag = "kind")]
enum Payment {
    Card { last4: String },
    Cash,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Address {
    city: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: AccountId,
    owner: uuid::Uuid,
    opened: DateTime<Utc>,
    opened_local: DateTime<FixedOffset>,
    born: NaiveDate,
    seen: time::OffsetDateTime,
    balance: rust_decimal::Decimal,
    count: u64,
    delta: i32,
    ratio: f64,
    big: i128,
    tier: Tier,
    previous: Option<Tier>,
    payment: Payment,
    address: Address,
    nickname: Option<String>,
    #[dynamo(default)]
    retries: u16,
    #[dynamo(epoch_seconds)]
    expires: SystemTime,
    tags: BTreeSet<String>,
    history: Vec<i64>,
}

fn account() -> Account {
    let opened = Utc.timestamp_opt(1_732_473_600, 123_456_789).unwrap();
    Account {
        id: AccountId(uuid::Uuid::from_u128(
            0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8,
        )),
        owner: uuid::Uuid::from_u128(42),
        opened,
        opened_local: opened.fixed_offset(),
        born: NaiveDate::from_ymd_opt(1990, 2, 28).unwrap(),
        seen: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
        balance: "1234.5678".parse().unwrap(),
        count: u64::MAX,
        delta: -17,
        ratio: 0.25,
        big: -(10_i128.pow(37)),
        tier: Tier::Pro,
        previous: Some(Tier::Free),
        payment: Payment::Card {
            last4: "4242".into(),
        },
        address: Address {
            city: "Oslo".into(),
        },
        nickname: None,
        retries: 3,
        expires: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        tags: ["a".to_string(), "b".to_string()].into(),
        history: vec![1, -2, 3],
    }
}

fn record(image: Item) -> EventRecord {
    let mut record = EventRecord::default();
    record.event_name = "INSERT".into();
    record.change.new_image = image.into();
    record
}

/// What the borrowed path gives (the value, or the error's text) beside the owned one.
fn both(image: Item) -> (Result<Account, String>, Result<Account, String>) {
    let borrowed = match dynamap::changes::from_lambda_record::<Account>(&record(image.clone())) {
        Ok(change) => Ok(change.expect("an account").new.expect("a new image")),
        Err(dynamap::Error::UndecodableChange { source, .. }) => Err(source.to_string()),
        Err(other) => panic!("unexpected error {other:?}"),
    };
    let owned = Account::from_item(image).map_err(|e| e.to_string());
    (borrowed, owned)
}

#[test]
fn every_field_kind_decodes_from_a_borrowed_image_as_from_the_item() {
    let item = account().to_item().unwrap();
    let (borrowed, owned) = both(item);
    assert_eq!(borrowed, Ok(account()));
    assert_eq!(owned, Ok(account()));
}

#[test]
fn every_bad_value_gives_the_owned_paths_answer() {
    let item = account().to_item().unwrap();
    let wrong = [
        AttributeValue::S("x".into()),
        AttributeValue::S(String::new()),
        AttributeValue::S("Free".into()),
        AttributeValue::S("2024-11-24T18:40:00.000000000Z".into()),
        AttributeValue::N("1e400".into()),
        AttributeValue::N("-1".into()),
        AttributeValue::N("1.5".into()),
        AttributeValue::N("1E+2".into()),
        AttributeValue::N("99999999999999999999999999999999999999".into()),
        AttributeValue::Bool(true),
        AttributeValue::Null(true),
        AttributeValue::L(vec![]),
        AttributeValue::M(Default::default()),
    ];
    let mut checked = 0;
    for name in item.keys() {
        for value in &wrong {
            let mut bad = item.clone();
            bad.insert(name.clone(), value.clone());
            let (borrowed, owned) = both(bad);
            assert_eq!(borrowed, owned, "{name} = {value:?}");
            checked += 1;
        }
        let mut missing = item.clone();
        missing.remove(name);
        let (borrowed, owned) = both(missing);
        assert_eq!(borrowed, owned, "{name} absent");
    }
    assert_eq!(checked, item.len() * wrong.len());
}

#[derive(dynamap::DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Basket", pk = "BASKET#{id}", sk = "BASKET")]
struct Basket {
    id: String,
    items: u32,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Coupon", pk = "BASKET#{id}", sk = "COUPON")]
struct Coupon {
    id: String,
}

/// A record of one entity in the shape Lambda delivers: `new` for an insert, only the
/// old image for a remove.
fn entity_record(kind: &str, image: Item) -> EventRecord {
    let mut record = EventRecord::default();
    record.event_name = kind.into();
    record.change.keys = Item::from([
        ("pk".to_owned(), image["pk"].clone()),
        ("sk".to_owned(), image["sk"].clone()),
    ])
    .into();
    if kind == "REMOVE" {
        record.change.old_image = image.into();
    } else {
        record.change.new_image = image.into();
    }
    record
}

/// An entity's Lambda records are its own: another entity's records in the same table
/// are skipped, whether the image is new (an insert) or only old (a remove).
#[test]
fn a_lambda_record_of_another_entity_is_skipped_and_its_own_decoded() {
    use dynamap::changes::from_lambda_record;
    let basket = Basket {
        id: "b1".into(),
        items: 3,
    };
    let coupon = Coupon { id: "b1".into() };
    let mut basket_image = basket.to_item().unwrap();
    let mut coupon_image = coupon.to_item().unwrap();
    for (image, entity) in [(&mut basket_image, "Basket"), (&mut coupon_image, "Coupon")] {
        image.insert("_et".to_owned(), AttributeValue::S(entity.into()));
    }
    for kind in ["INSERT", "REMOVE"] {
        let own = from_lambda_record::<Basket>(&entity_record(kind, basket_image.clone()))
            .unwrap()
            .unwrap_or_else(|| panic!("a {kind} of a basket is the basket's"));
        let image = if kind == "REMOVE" { own.old } else { own.new };
        assert_eq!(image, Some(basket.clone()), "{kind}");
        assert!(
            from_lambda_record::<Basket>(&entity_record(kind, coupon_image.clone()))
                .unwrap()
                .is_none(),
            "a {kind} of a coupon is not a basket's"
        );
        let mut unmarked = basket_image.clone();
        unmarked.remove("_et");
        assert!(
            from_lambda_record::<Basket>(&entity_record(kind, unmarked))
                .unwrap()
                .is_none(),
            "an image without the entity attribute belongs to no entity"
        );
    }
}
