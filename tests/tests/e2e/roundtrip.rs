//! Every supported field type through the real server and back, with edge values.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::{DynamoItem, DynamoValue, Error};
use dynamap_tests::new_mapping;
use serde::{Deserialize, Serialize};

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Address {
    street: String,
    city: String,
    zip: Option<String>,
}

#[derive(DynamoValue, Debug, Clone, PartialEq, Eq, Hash)]
#[dynamo(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    Pending,
    InTransit,
    #[dynamo(rename = "done")]
    Delivered,
}

/// A DynamoItem nested inside another item is stored as a map.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Child {
    #[dynamo(partition_key)]
    id: u32,
    label: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Shape {
    Circle { radius: f64 },
    Square(u32),
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "camelCase")]
struct Everything {
    #[dynamo(partition_key)]
    item_id: String,
    text: String,
    empty_text: String,
    #[dynamo(rename = "名前")]
    unicode_name: String,
    flag: bool,
    tiny: i8,
    small: i16,
    medium: i32,
    large: i64,
    huge: i128,
    utiny: u8,
    usmall: u16,
    umedium: u32,
    ularge: u64,
    uhuge: u128,
    size: usize,
    offset: isize,
    ratio: f32,
    precise: f64,
    blob: Vec<u8>,
    empty_blob: Vec<u8>,
    shared: bytes::Bytes,
    maybe_text: Option<String>,
    maybe_number: Option<u32>,
    words: Vec<String>,
    empty_words: Vec<String>,
    grid: Vec<Vec<i32>>,
    holes: Vec<Option<i32>>,
    counts: HashMap<String, i64>,
    groups: BTreeMap<String, Vec<String>>,
    deep: BTreeMap<String, BTreeMap<String, BTreeMap<String, u8>>>,
    tags: HashSet<String>,
    no_tags: HashSet<String>,
    scores: BTreeSet<i64>,
    blobs: HashSet<Vec<u8>>,
    statuses: HashSet<Status>,
    address: Address,
    addresses: Vec<Address>,
    child: Child,
    status: Status,
    maybe_status: Option<Status>,
    #[dynamo(serde)]
    shape: Shape,
    #[dynamo(serde)]
    maybe_shape: Option<Shape>,
    #[dynamo(skip)]
    cache: Vec<u64>,
    #[dynamo(default)]
    added_later: u32,
}

const MAX_38_DIGITS: u128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

fn sample(id: &str) -> Everything {
    Everything {
        item_id: id.to_owned(),
        text: "hello".into(),
        empty_text: String::new(),
        unicode_name: "Zoë 🦀 ключ".into(),
        flag: true,
        tiny: i8::MIN,
        small: i16::MAX,
        medium: i32::MIN,
        large: i64::MIN,
        huge: -(MAX_38_DIGITS as i128),
        utiny: u8::MAX,
        usmall: u16::MAX,
        umedium: u32::MAX,
        ularge: u64::MAX,
        uhuge: MAX_38_DIGITS,
        size: usize::MAX,
        offset: isize::MIN,
        ratio: 0.1,
        precise: -1.234_567_890_123_456_7e-100,
        blob: vec![0, 1, 2, 255],
        empty_blob: Vec::new(),
        shared: bytes::Bytes::from_static(b"\x00shared"),
        maybe_text: None,
        maybe_number: Some(0),
        words: vec!["a".into(), String::new(), "ü".into()],
        empty_words: Vec::new(),
        grid: vec![vec![1, 2], vec![], vec![-3]],
        holes: vec![Some(1), None, Some(3)],
        counts: HashMap::from([("x".into(), -1), ("ключ".into(), 2)]),
        groups: BTreeMap::from([("g".into(), vec!["m".into()]), ("empty".into(), vec![])]),
        deep: BTreeMap::from([(
            "one".into(),
            BTreeMap::from([("two".into(), BTreeMap::from([("three".into(), 3)]))]),
        )]),
        tags: HashSet::from(["red".into(), "green".into(), String::new()]),
        no_tags: HashSet::new(),
        scores: BTreeSet::from([-5, 0, 5, i64::MAX]),
        blobs: HashSet::from([vec![1], vec![2, 2]]),
        statuses: HashSet::from([Status::Pending, Status::Delivered]),
        address: Address {
            street: "1 Main St".into(),
            city: "Springfield".into(),
            zip: None,
        },
        addresses: vec![Address {
            street: "2 Side St".into(),
            city: "Shelbyville".into(),
            zip: Some("12345".into()),
        }],
        child: Child {
            id: 9,
            label: "nested item".into(),
        },
        status: Status::InTransit,
        maybe_status: Some(Status::Delivered),
        shape: Shape::Circle { radius: 2.5 },
        maybe_shape: None,
        cache: Vec::new(),
        added_later: 0,
    }
}

#[tokio::test]
async fn every_field_type_round_trips_through_the_server() {
    let table = new_mapping::<Everything>("roundtrip").await;
    let item = sample("all");
    table.insert(&item).await.unwrap();
    let back = table
        .get(&"all".to_string())
        .consistent_read(true)
        .await
        .unwrap();
    assert_eq!(back, Some(item));
}

#[tokio::test]
async fn stored_shape_is_what_the_attributes_promise() {
    let table = new_mapping::<Everything>("shape").await;
    let mut item = sample("shape");
    item.cache = vec![1, 2, 3]; // skipped: never stored, read back as Default
    table.insert(&item).await.unwrap();

    let raw = table
        .client()
        .get_item()
        .table_name(table.table_name())
        .key("itemId", AttributeValue::S("shape".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    // rename_all and rename decide the stored names.
    assert!(
        raw.contains_key("itemId") && raw.contains_key("名前") && raw.contains_key("emptyText")
    );
    // None and empty sets leave no attribute; skip stores nothing.
    for absent in ["maybeText", "noTags", "cache", "maybeShape"] {
        assert!(!raw.contains_key(absent), "{absent} should not be stored");
    }
    assert_eq!(raw["uhuge"], AttributeValue::N(MAX_38_DIGITS.to_string()));
    assert_eq!(raw["ularge"], AttributeValue::N(u64::MAX.to_string()));
    assert!(matches!(raw["blob"], AttributeValue::B(_)));
    assert!(matches!(raw["tags"], AttributeValue::Ss(_)));
    assert!(matches!(raw["scores"], AttributeValue::Ns(_)));
    assert!(matches!(raw["blobs"], AttributeValue::Bs(_)));
    assert!(matches!(raw["statuses"], AttributeValue::Ss(_)));
    assert_eq!(raw["status"], AttributeValue::S("IN_TRANSIT".into()));
    assert_eq!(raw["maybeStatus"], AttributeValue::S("done".into()));
    assert!(matches!(raw["address"], AttributeValue::M(_)));
    assert!(matches!(raw["child"], AttributeValue::M(_)));
    assert_eq!(
        raw["holes"],
        AttributeValue::L(vec![
            AttributeValue::N("1".into()),
            AttributeValue::Null(true),
            AttributeValue::N("3".into()),
        ])
    );

    let back = table.get(&"shape".to_string()).await.unwrap().unwrap();
    assert_eq!(back.cache, Vec::<u64>::new());
    assert_eq!(back.no_tags, HashSet::new());
}

#[tokio::test]
async fn default_fields_read_missing_attributes_as_default() {
    let table = new_mapping::<Everything>("default").await;
    let mut item = sample("old");
    item.added_later = 7; // not the default: a 0 read back can only be the default
    let mut raw = item.to_item().unwrap();
    assert!(raw.remove("addedLater").is_some());
    table
        .client()
        .put_item()
        .table_name(table.table_name())
        .set_item(Some(raw))
        .send()
        .await
        .unwrap();
    let back = table.get(&"old".to_string()).await.unwrap().unwrap();
    assert_eq!(back.added_later, 0);
}

#[tokio::test]
async fn numbers_beyond_38_digits_are_refused_before_sending() {
    let table = new_mapping::<Everything>("digits").await;
    let mut item = sample("big");
    item.uhuge = MAX_38_DIGITS + 1;
    let err = table.insert(&item).await.unwrap_err();
    match err {
        Error::Conversion(e) => {
            assert_eq!(e.attribute(), "uhuge");
            assert!(e.expected().contains("38 digits"), "{e}");
        }
        other => panic!("expected a conversion error, got {other:?}"),
    }
    for huge in [i128::MIN, i128::MAX, -(MAX_38_DIGITS as i128) - 1] {
        let mut item = sample("big");
        item.huge = huge;
        let message = table.insert(&item).await.unwrap_err().to_string();
        assert!(
            message.contains("`huge`") && message.contains(&huge.to_string()),
            "{message}"
        );
    }
    assert_eq!(table.count().await.unwrap(), 0);
}

#[tokio::test]
async fn nan_and_infinity_are_refused_with_the_attribute_named() {
    let table = new_mapping::<Everything>("nan").await;
    let mut item = sample("nan");
    item.precise = f64::NAN;
    let message = table.insert(&item).await.unwrap_err().to_string();
    assert!(
        message.contains("`precise`") && message.contains("NaN"),
        "{message}"
    );
    item.precise = 1.0;
    item.ratio = f32::INFINITY;
    let message = table.insert(&item).await.unwrap_err().to_string();
    assert!(
        message.contains("`ratio`") && message.contains("finite"),
        "{message}"
    );
}
