//! Input DynamoDB refuses: each case gets a typed error, before sending where dynamap
//! can tell, from DynamoDB (typed, with its code) where only the table can.

use std::collections::BTreeMap;

use dynamap::prelude::*;
use dynamap::{document::Document, document::Number, document::Value, Error, Mapping};
use dynamap_tests::{client, new_mapping};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Free {
    #[dynamo(partition_key)]
    id: String,
    attributes: BTreeMap<String, String>,
    tree: Option<Node>,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Node {
    child: Option<Box<Node>>,
}

fn nested(depth: usize) -> Node {
    let mut node = Node { child: None };
    for _ in 1..depth {
        node = Node {
            child: Some(Box::new(node)),
        };
    }
    node
}

fn sdk_code(err: &Error) -> Option<String> {
    err.sdk_error()
        .and_then(|e| aws_sdk_dynamodb::error::ProvideErrorMetadata::code(e).map(str::to_owned))
}

#[tokio::test]
async fn shapes_dynamodb_refuses_are_refused_before_sending() {
    let table = new_mapping::<Free>("bad-shapes").await;
    let long_name = "n".repeat(70_000);
    let item = Free {
        id: "a".into(),
        attributes: BTreeMap::from([(long_name, "v".into())]),
        tree: None,
    };
    let err = table.insert(&item).await.unwrap_err();
    assert!(
        err.to_string().contains("at most 65,535 bytes")
            && err.to_string().contains("`attributes`"),
        "{err}"
    );

    let deep = Free {
        id: "b".into(),
        attributes: BTreeMap::new(),
        tree: Some(nested(40)),
    };
    let err = table.insert(&deep).await.unwrap_err();
    assert!(
        err.to_string().contains("at most 32 levels") && err.to_string().contains("`tree`"),
        "{err}"
    );
    let fine = Free {
        id: "c".into(),
        attributes: BTreeMap::new(),
        tree: Some(nested(20)),
    };
    table.insert(&fine).await.unwrap();
    assert_eq!(table.get(&"c".to_string()).await.unwrap(), Some(fine));
    assert_eq!(table.count().await.unwrap(), 1);
}

#[tokio::test]
async fn what_only_the_table_can_tell_comes_back_typed() {
    #[derive(DynamoItem, Debug)]
    struct NumericKey {
        #[dynamo(partition_key)]
        id: u64,
    }
    // A mapping whose key type is not the table's: DynamoDB answers ValidationException.
    let strings = new_mapping::<Free>("bad-key-type").await;
    let numbers = TypedMapping::<NumericKey>::new(strings.client().clone(), strings.table_name());
    let err = numbers.get(&7).await.unwrap_err();
    assert_eq!(
        sdk_code(&err).as_deref(),
        Some("ValidationException"),
        "{err:?}"
    );
    assert!(err.to_string().contains("GetItem") && err.to_string().contains(strings.table_name()));

    // A number set whose elements are equal once normalised.
    let mapping = Mapping::open(client().await, strings.table_name())
        .await
        .unwrap();
    let one: Number = "1".parse().unwrap();
    let also_one: Number = "1.0".parse().unwrap();
    let doc: Document = [
        ("id", Value::from("dup")),
        ("nums", Value::Ns(vec![one, also_one])),
    ]
    .into_iter()
    .collect();
    let err = mapping.insert(&doc).await.unwrap_err();
    assert_eq!(
        sdk_code(&err).as_deref(),
        Some("ValidationException"),
        "{err:?}"
    );

    // A table that does not exist.
    let missing = TypedMapping::<Free>::new(strings.client().clone(), "dynamap-no-such-table");
    let err = missing.get(&"a".to_string()).await.unwrap_err();
    assert_eq!(
        sdk_code(&err).as_deref(),
        Some("ResourceNotFoundException"),
        "{err:?}"
    );

    // A number of more than 38 digits in an untyped document is refused when parsed.
    assert!("123456789012345678901234567890123456789"
        .parse::<Number>()
        .is_err());
}
