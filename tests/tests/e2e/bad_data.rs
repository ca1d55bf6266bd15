//! Items written by other clients with the wrong shape: each read is a typed error
//! naming the attribute, never a panic.

use std::collections::{BTreeMap, HashMap, HashSet};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::{value::Item, DynamoItem, DynamoValue, Error, TypedMapping};
use dynamap_tests::new_mapping;

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Address {
    city: String,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
enum Plan {
    Free,
    Pro,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    age: u8,
    balance: i64,
    ratio: f32,
    active: bool,
    tags: HashSet<String>,
    history: Vec<u16>,
    address: Address,
    limits: BTreeMap<String, u32>,
    plan: Plan,
    note: Option<String>,
    avatar: Vec<u8>,
}

fn n(s: &str) -> AttributeValue {
    AttributeValue::N(s.to_owned())
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn good_item(id: &str) -> Item {
    HashMap::from([
        ("id".to_owned(), s(id)),
        ("age".to_owned(), n("30")),
        ("balance".to_owned(), n("-5")),
        ("ratio".to_owned(), n("0.5")),
        ("active".to_owned(), AttributeValue::Bool(true)),
        ("tags".to_owned(), AttributeValue::Ss(vec!["a".into()])),
        (
            "history".to_owned(),
            AttributeValue::L(vec![n("1"), n("2"), n("3")]),
        ),
        (
            "address".to_owned(),
            AttributeValue::M(HashMap::from([("city".to_owned(), s("Oslo"))])),
        ),
        (
            "limits".to_owned(),
            AttributeValue::M(HashMap::from([("daily".to_owned(), n("10"))])),
        ),
        ("plan".to_owned(), s("Pro")),
        (
            "avatar".to_owned(),
            AttributeValue::B(Blob::new(vec![1, 2])),
        ),
    ])
}

async fn put_raw(table: &TypedMapping<Account>, item: Item) {
    table
        .client()
        .put_item()
        .table_name(table.table_name())
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
}

/// Writes `item` with another client and reads it back through dynamap.
async fn read_back(table: &TypedMapping<Account>, item: Item) -> dynamap::Result<Option<Account>> {
    let id = match &item["id"] {
        AttributeValue::S(id) => id.clone(),
        _ => unreachable!(),
    };
    put_raw(table, item).await;
    table.get(&id).await
}

fn conversion(result: dynamap::Result<Option<Account>>) -> dynamap::error::ConversionError {
    match result {
        Err(Error::Conversion(e)) => e,
        other => panic!("expected a conversion error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_good_item_reads() {
    let table = new_mapping::<Account>("bad-ok").await;
    let account = read_back(&table, good_item("ok")).await.unwrap().unwrap();
    assert_eq!(account.history, vec![1, 2, 3]);
    assert_eq!(account.note, None);
}

#[tokio::test]
async fn each_wrong_value_names_its_attribute() {
    let table = new_mapping::<Account>("bad").await;
    // (attribute to replace, value written, attribute path reported, expected text, found text)
    let cases: Vec<(&str, Option<AttributeValue>, &str, &str, &str)> = vec![
        ("age", Some(s("thirty")), "age", "u8", "string \"thirty\""),
        ("age", Some(n("300")), "age", "u8", "number 300"),
        ("age", Some(n("-1")), "age", "u8", "number -1"),
        ("age", Some(n("2.5")), "age", "u8", "number 2.5"),
        ("age", None, "age", "u8", "no attribute"),
        (
            "balance",
            Some(n("99999999999999999999999")),
            "balance",
            "i64",
            "number 99999999999999999999999",
        ),
        ("ratio", Some(n("1E+100")), "ratio", "f32", "number"),
        ("active", Some(n("1")), "active", "boolean", "number 1"),
        (
            "tags",
            Some(AttributeValue::Ns(vec!["1".into()])),
            "tags",
            "string set",
            "number set",
        ),
        (
            "history",
            Some(AttributeValue::L(vec![n("1"), s("x")])),
            "history[1]",
            "u16",
            "string \"x\"",
        ),
        (
            "history",
            Some(AttributeValue::L(vec![n("70000")])),
            "history[0]",
            "u16",
            "number 70000",
        ),
        ("history", Some(s("1,2,3")), "history", "list", "string"),
        (
            "address",
            Some(AttributeValue::M(HashMap::from([(
                "city".to_owned(),
                n("7"),
            )]))),
            "address.city",
            "string",
            "number 7",
        ),
        (
            "address",
            Some(AttributeValue::M(HashMap::new())),
            "address.city",
            "string",
            "no attribute",
        ),
        (
            "limits",
            Some(AttributeValue::M(HashMap::from([(
                "daily".to_owned(),
                AttributeValue::Bool(false),
            )]))),
            "limits.daily",
            "u32",
            "boolean false",
        ),
        (
            "plan",
            Some(s("Enterprise")),
            "plan",
            "\"Free\", \"Pro\"",
            "string \"Enterprise\"",
        ),
        ("note", Some(n("5")), "note", "string", "number 5"),
        (
            "avatar",
            Some(AttributeValue::L(vec![n("1")])),
            "avatar",
            "binary",
            "list of 1 elements",
        ),
    ];
    for (i, (attribute, value, path, expected, found)) in cases.into_iter().enumerate() {
        let mut item = good_item(&format!("case{i}"));
        match value {
            Some(v) => item.insert(attribute.to_owned(), v),
            None => item.remove(attribute),
        };
        let e = conversion(read_back(&table, item).await);
        assert_eq!(e.attribute(), path, "case {i}: {e}");
        assert!(e.expected().contains(expected), "case {i}: {e}");
        assert!(e.found().contains(found), "case {i}: {e}");
        assert!(
            e.to_string().contains(&format!("`{path}`")),
            "case {i}: {e}"
        );
    }
}

#[tokio::test]
async fn numbers_in_other_notations_read_when_they_are_whole() {
    // Other clients may write 1.5e1; DynamoDB normalises what it stores, but from_item
    // also sees items from streams, exports and other tools.
    let mut item = good_item("x");
    item.insert("age".to_owned(), n("3.0E+1"));
    item.insert("balance".to_owned(), n("-5e0"));
    let account = Account::from_item(item).unwrap();
    assert_eq!((account.age, account.balance), (30, -5));
}

/// Every attribute replaced by every kind of value: decoding returns Ok or a typed
/// error, and never panics.
#[test]
fn no_attribute_value_makes_decoding_panic() {
    let values = vec![
        s(""),
        s("x"),
        n("0"),
        n("-1"),
        n("1e125"),
        n("abc"),
        n(""),
        n("-"),
        AttributeValue::Bool(true),
        AttributeValue::Null(true),
        AttributeValue::B(Blob::new(Vec::new())),
        AttributeValue::L(vec![AttributeValue::Null(true)]),
        AttributeValue::L(vec![]),
        AttributeValue::M(HashMap::new()),
        AttributeValue::M(HashMap::from([(
            "city".to_owned(),
            AttributeValue::Null(true),
        )])),
        AttributeValue::Ss(vec![String::new()]),
        AttributeValue::Ns(vec!["x".into()]),
        AttributeValue::Bs(vec![]),
    ];
    let names: Vec<String> = good_item("x")
        .keys()
        .cloned()
        .chain(["note".to_owned()])
        .collect();
    for name in &names {
        for value in &values {
            let mut item = good_item("x");
            item.insert(name.clone(), value.clone());
            if let Err(e) = Account::from_item(item) {
                assert!(matches!(e, Error::Conversion(_)), "{e:?}");
                assert!(e.to_string().contains(name.as_str()), "{e}");
            }
        }
    }
}
