//! Property tests, many cases per run: arbitrary attribute values never make decoding
//! panic (they decode or give a typed error), and arbitrary values round-trip exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::{document::Document, value::Item, DynamoItem, DynamoValue, Error};
use proptest::prelude::*;

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Inner {
    label: String,
    weight: Option<i32>,
}

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq)]
enum Kind {
    Small,
    Large,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Rich {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(sort_key)]
    seq: u64,
    count: i64,
    big: i128,
    ratio: f64,
    flag: bool,
    bytes: Vec<u8>,
    note: Option<String>,
    tags: BTreeSet<String>,
    numbers: BTreeSet<i32>,
    list: Vec<Inner>,
    map: BTreeMap<String, u16>,
    kind: Kind,
    nested: Inner,
}

const NAMES: &[&str] = &[
    "id", "seq", "count", "big", "ratio", "flag", "bytes", "note", "tags", "numbers", "list",
    "map", "kind", "nested", "label", "weight", "other",
];

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u128>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "-?[0-9]{1,45}(\\.[0-9]{0,12})?([eE][-+]?[0-9]{1,4})?",
        ".{0,12}",
    ]
}

fn attribute_value() -> impl Strategy<Value = AttributeValue> {
    let leaf = prop_oneof![
        ".{0,16}".prop_map(AttributeValue::S),
        prop_oneof!["Small", "Large", "small"].prop_map(|s| AttributeValue::S(s.to_owned())),
        number_text().prop_map(AttributeValue::N),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(|b| AttributeValue::B(Blob::new(b))),
        any::<bool>().prop_map(AttributeValue::Bool),
        Just(AttributeValue::Null(true)),
        proptest::collection::vec(".{0,6}", 0..4).prop_map(AttributeValue::Ss),
        proptest::collection::vec(number_text(), 0..4).prop_map(AttributeValue::Ns),
        proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..4).prop_map(Blob::new),
            0..3
        )
        .prop_map(AttributeValue::Bs),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(AttributeValue::L),
            proptest::collection::hash_map(
                proptest::sample::select(NAMES).prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(AttributeValue::M),
        ]
    })
}

fn item() -> impl Strategy<Value = Item> {
    proptest::collection::hash_map(
        proptest::sample::select(NAMES).prop_map(str::to_owned),
        attribute_value(),
        0..16,
    )
}

fn inner() -> impl Strategy<Value = Inner> {
    (".{0,10}", proptest::option::of(any::<i32>()))
        .prop_map(|(label, weight)| Inner { label, weight })
}

fn rich() -> impl Strategy<Value = Rich> {
    let limit = 10i128.pow(38) - 1;
    (
        (".{1,20}", any::<u64>(), any::<i64>(), -limit..=limit),
        (
            prop_oneof![-1e120f64..1e120f64, Just(0.0), Just(-0.5), Just(1e-120)],
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 0..16),
            proptest::option::of(".{0,10}"),
        ),
        (
            proptest::collection::btree_set(".{0,8}", 0..4),
            proptest::collection::btree_set(any::<i32>(), 0..4),
            proptest::collection::vec(inner(), 0..4),
            proptest::collection::btree_map(".{0,8}", any::<u16>(), 0..4),
        ),
        (prop_oneof![Just(Kind::Small), Just(Kind::Large)], inner()),
    )
        .prop_map(
            |(
                (id, seq, count, big),
                (ratio, flag, bytes, note),
                (tags, numbers, list, map),
                (kind, nested),
            )| Rich {
                id,
                seq,
                count,
                big,
                ratio,
                flag,
                bytes,
                note,
                tags,
                numbers,
                list,
                map,
                kind,
                nested,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_items_decode_or_fail_with_a_typed_error(item in item()) {
        match Rich::from_item(item.clone()) {
            Ok(_) => {}
            Err(Error::Conversion(e)) => prop_assert!(!e.to_string().is_empty()),
            Err(other) => prop_assert!(false, "not a conversion error: {other:?}"),
        }
        let _ = Rich::key_from_item(&item);
        // The untyped document takes everything the SDK can represent.
        let doc = Document::from_item(item.clone());
        prop_assert!(doc.is_ok());
        if let Ok(doc) = doc {
            prop_assert_eq!(doc.to_item(), item);
            let _ = doc.to_json();
        }
    }

    #[test]
    fn arbitrary_values_round_trip_exactly(value in rich()) {
        let item = value.to_item().expect("every generated value is storable");
        prop_assert_eq!(Rich::from_item(item).expect("decodes"), value.clone());
        let attribute = value.to_attribute_value().expect("encodes").expect("a map");
        prop_assert_eq!(Rich::from_attribute_value(attribute).expect("decodes"), value);
    }

    #[test]
    fn any_map_of_strings_round_trips(map in proptest::collection::hash_map(".{0,8}", ".{0,8}", 0..8)) {
        let encoded = map.to_attribute_value().expect("encodes").expect("a map");
        prop_assert_eq!(HashMap::<String, String>::from_attribute_value(encoded).expect("decodes"), map);
    }
}
