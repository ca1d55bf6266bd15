//! The untyped `Mapping` over `Document`s: the seed's dict operations on a table whose
//! key schema is read from DynamoDB.

use std::collections::BTreeSet;

use dynamap::{
    document::Document, document::DocumentKey, document::Value, value::ScalarType, DynamoItem,
    Error, Mapping,
};
use dynamap_tests::{client, new_mapping};
use futures::TryStreamExt;

#[derive(DynamoItem)]
struct SimpleSchema {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
struct CompositeSchema {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
}

fn doc(pairs: Vec<(&str, Value)>) -> Document {
    pairs.into_iter().collect()
}

#[tokio::test]
async fn dict_operations_on_a_simple_key_table() {
    let typed = new_mapping::<SimpleSchema>("doc-simple").await;
    let mapping = Mapping::open(client().await, typed.table_name())
        .await
        .unwrap();
    assert_eq!(mapping.partition_key().name, "id");
    assert_eq!(mapping.partition_key().scalar_type, ScalarType::String);
    assert!(mapping.sort_key().is_none());

    // mapping["my_key"] = {"description": "foo", "price": 123}
    let item = doc(vec![
        ("id", "my_key".into()),
        ("description", "foo".into()),
        ("price", 123.into()),
        ("data", Value::M(doc(vec![("foo", "bar".into())]))),
        ("tags", Value::Ss(vec!["a".into(), "b".into()])),
        ("blob", Value::B(vec![0, 1])),
        ("nothing", Value::Null),
        (
            "list",
            Value::L(vec![1.into(), "two".into(), Value::Bool(true)]),
        ),
    ]);
    mapping.insert(&item).await.unwrap();
    assert_eq!(mapping.get("my_key").await.unwrap(), Some(item.clone()));
    assert!(mapping.contains_key("my_key").await.unwrap());
    assert!(!mapping.contains_key("other").await.unwrap());
    assert_eq!(mapping.get("other").await.unwrap(), None);
    // The operations are builders, as a TypedMapping's are.
    assert_eq!(
        mapping
            .get("my_key")
            .consistent_read(true)
            .send()
            .await
            .unwrap(),
        Some(item.clone())
    );
    assert!(mapping
        .contains_key("my_key")
        .consistent_read(true)
        .await
        .unwrap());

    // modify_item: attributes set, None (Null) removes.
    let changes = doc(vec![
        ("description", "bar".into()),
        ("price", Value::Null),
        ("new", 1.into()),
    ]);
    mapping.modify("my_key", &changes).await.unwrap();
    let after = mapping.get("my_key").await.unwrap().unwrap();
    assert_eq!(after["description"], "bar".into());
    assert!(!after.contains_key("price"));
    assert_eq!(after["new"], 1.into());

    for i in 0..25 {
        mapping
            .insert(&doc(vec![
                ("id", format!("k{i:02}").into()),
                ("n", i.into()),
            ]))
            .await
            .unwrap();
    }
    assert_eq!(mapping.count().await.unwrap(), 26);
    assert_eq!(mapping.len_estimate().await.unwrap(), 26);
    let keys: BTreeSet<String> = mapping
        .keys()
        .map_ok(|k| match k {
            DocumentKey::Simple(Value::S(s)) => s,
            other => panic!("unexpected key {other:?}"),
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys.len(), 26);
    assert!(keys.contains("my_key"));
    let values: Vec<Document> = mapping.values().try_collect().await.unwrap();
    assert_eq!(values.len(), 26);
    let items: Vec<(DocumentKey, Document)> = mapping.items().try_collect().await.unwrap();
    assert!(items
        .iter()
        .all(|(k, d)| *k == DocumentKey::Simple(d["id"].clone())));
    let pages: Vec<_> = mapping
        .scan()
        .page_size(10)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.len()).sum::<usize>(), 26);
    // try_collect, not count(): an error must fail the test, not count as an item.
    let all: Vec<Document> = mapping
        .scan()
        .segments(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 26);
    let four: Vec<Document> = mapping
        .scan()
        .limit(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(four.len(), 4);

    // del mapping["my_key"]: one DeleteItem returning the old document.
    let removed = mapping.remove("my_key").await.unwrap().unwrap();
    assert_eq!(removed["description"], "bar".into());
    assert_eq!(mapping.remove("my_key").await.unwrap(), None);
}

#[tokio::test]
async fn composite_keys_and_what_is_refused() {
    let typed = new_mapping::<CompositeSchema>("doc-composite").await;
    let mapping = Mapping::open(client().await, typed.table_name())
        .await
        .unwrap();
    assert_eq!(
        mapping.sort_key().map(|k| k.scalar_type),
        Some(ScalarType::Number)
    );
    let order = doc(vec![
        ("customer", "alice".into()),
        ("order_id", 7.into()),
        ("total", 10.into()),
    ]);
    mapping.insert(&order).await.unwrap();
    assert_eq!(
        mapping.get(&("alice", 7)).await.unwrap(),
        Some(order.clone())
    );

    let simple = mapping.get("alice").await.unwrap_err();
    assert!(
        matches!(&simple, Error::Key(m) if m.contains("(partition, sort) pair")),
        "{simple}"
    );
    let wrong_type = mapping.get(&("alice", "7")).await.unwrap_err();
    assert!(
        matches!(&wrong_type, Error::Key(m) if m.contains("`order_id` is a number")),
        "{wrong_type}"
    );
    let no_key = mapping
        .insert(&doc(vec![("customer", "bob".into())]))
        .await
        .unwrap_err();
    assert!(
        matches!(&no_key, Error::Key(m) if m.contains("`order_id`")),
        "{no_key}"
    );
    let empty = mapping.get(&("", 1)).await.unwrap_err();
    assert!(
        matches!(&empty, Error::Conversion(e) if e.attribute() == "customer" && e.found() == "an empty value"),
        "{empty}"
    );
    let long = mapping.get(&("a".repeat(2049), 1)).await.unwrap_err();
    assert!(
        matches!(&long, Error::Conversion(e) if e.expected().contains("2,048 bytes")),
        "{long}"
    );
    let rekey = mapping
        .modify(&("alice", 7), &doc(vec![("order_id", 8.into())]))
        .await
        .unwrap_err();
    assert!(matches!(rekey, Error::Key(_)), "{rekey}");
    let missing = mapping
        .modify(&("bob", 1), &doc(vec![("total", 1.into())]))
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    assert_eq!(
        mapping.count().await.unwrap(),
        1,
        "no half item was created"
    );

    let keys: Vec<DocumentKey> = mapping.keys().try_collect().await.unwrap();
    assert_eq!(keys, [DocumentKey::from(("alice", 7))]);
    assert!(Mapping::open(client().await, "no-such-table")
        .await
        .is_err());
}

#[tokio::test]
async fn documents_travel_to_and_from_json() {
    let typed = new_mapping::<SimpleSchema>("doc-json").await;
    let mapping = Mapping::open(client().await, typed.table_name())
        .await
        .unwrap();
    let json = serde_json::json!({
        "id": "j1",
        "name": "Ada",
        "age": 36,
        "ratio": 0.25,
        "admin": false,
        "address": {"city": "London", "zip": null},
        "langs": ["en", "fr"]
    });
    mapping
        .insert(&Document::from_json(json.clone()).unwrap())
        .await
        .unwrap();
    let back = mapping.get("j1").await.unwrap().unwrap();
    assert_eq!(back.to_json().unwrap(), json);
}
