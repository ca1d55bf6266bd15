//! Table lifecycle from the derived schema, and how SDK errors surface.

use aws_sdk_dynamodb::types::{AttributeValue, KeyType, ScalarAttributeType};
use dynamap::{DynamoItem, Error, TypedMapping};
use dynamap_tests::{new_mapping, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Event {
    #[dynamo(partition_key, rename = "pk")]
    stream: String,
    #[dynamo(sort_key, rename = "sk")]
    sequence: u64,
    body: String,
}

#[tokio::test]
async fn create_table_uses_the_derived_key_schema() {
    let events = new_mapping::<Event>("schema").await;
    let description = events.describe_table().await.unwrap();
    let keys: Vec<(String, KeyType)> = description
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name().to_owned(), k.key_type().clone()))
        .collect();
    assert_eq!(
        keys,
        [
            ("pk".to_owned(), KeyType::Hash),
            ("sk".to_owned(), KeyType::Range)
        ]
    );
    let types: Vec<(String, ScalarAttributeType)> = description
        .attribute_definitions()
        .iter()
        .map(|d| (d.attribute_name().to_owned(), d.attribute_type().clone()))
        .collect();
    assert!(types.contains(&("pk".to_owned(), ScalarAttributeType::S)));
    assert!(types.contains(&("sk".to_owned(), ScalarAttributeType::N)));
}

#[tokio::test]
async fn creating_an_existing_table_fails_and_a_deleted_table_is_gone() {
    let events = new_mapping::<Event>("lifecycle").await;
    let err = events.create_table().await.unwrap_err();
    assert!(
        matches!(
            err.sdk_error(),
            Some(aws_sdk_dynamodb::Error::ResourceInUseException(_))
        ),
        "{err:?}"
    );
    events.delete_table().await.unwrap();
    let err = events.get(&("s".to_string(), 1)).await.unwrap_err();
    assert!(
        matches!(
            err.sdk_error(),
            Some(aws_sdk_dynamodb::Error::ResourceNotFoundException(_))
        ),
        "{err:?}"
    );
    // The message names the operation and the table; the SDK error stays the source.
    assert!(err.to_string().contains("GetItem") && err.to_string().contains(events.table_name()));
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn a_failed_condition_is_its_own_variant() {
    let events = new_mapping::<Event>("condition").await;
    let event = Event {
        stream: "s".into(),
        sequence: 1,
        body: "first".into(),
    };
    events.insert(&event).await.unwrap();
    let err = events
        .client()
        .put_item()
        .table_name(events.table_name())
        .set_item(Some(event.to_item().unwrap()))
        .condition_expression("attribute_not_exists(pk)")
        .return_values_on_condition_check_failure(
            aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
        )
        .send()
        .await
        .unwrap_err();
    match Error::from_sdk("PutItem", events.table_name(), err) {
        Error::ConditionFailed {
            operation,
            table,
            item,
        } => {
            assert_eq!(operation, "PutItem");
            assert_eq!(table, events.table_name());
            let old = item.expect("ALL_OLD returns the item");
            assert_eq!(old.get("body"), Some(&AttributeValue::S("first".into())));
        }
        other => panic!("expected ConditionFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_builds_clients_from_explicit_settings() {
    let endpoint = dynamap_tests::endpoint();
    let client = dynamap::connect()
        .credentials("AKIDLOCAL", "secret")
        .region("eu-west-1")
        .endpoint_url(endpoint.clone())
        .await
        .unwrap();
    let table = unique_table_name("connect");
    let events = TypedMapping::<Event>::new(client, table);
    events.create_table().await.unwrap();
    assert_eq!(events.count().await.unwrap(), 0);

    let err = dynamap::connect()
        .local("127.0.0.1:8000")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Config(_)) && err.to_string().contains("http://"),
        "{err}"
    );
}
