//! DynamoDB's 400 KB item limit, checked before sending.

use dynamap::{DynamoItem, Error, MAX_ITEM_SIZE};
use dynamap_tests::new_mapping;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Doc {
    #[dynamo(partition_key)]
    id: String,
    body: String,
    pages: Vec<String>,
}

#[tokio::test]
async fn an_item_over_400_kb_fails_before_sending_with_its_size() {
    let docs = new_mapping::<Doc>("large").await;
    let doc = Doc {
        id: "big".into(),
        body: "x".repeat(MAX_ITEM_SIZE),
        pages: vec![],
    };
    match docs.insert(&doc).await.unwrap_err() {
        Error::ItemTooLarge { size, limit } => {
            // "id" + "big" + "body" + 409,600 + "pages" + an empty list (3 bytes)
            assert_eq!(size, 2 + 3 + 4 + MAX_ITEM_SIZE + 5 + 3);
            assert_eq!(limit, 409_600);
        }
        other => panic!("expected ItemTooLarge, got {other:?}"),
    }
    let message = docs.insert(&doc).await.unwrap_err().to_string();
    assert!(message.contains("409617 bytes"), "{message}");
    assert_eq!(docs.count().await.unwrap(), 0);
}

#[tokio::test]
async fn an_item_just_under_the_limit_is_stored() {
    let docs = new_mapping::<Doc>("under").await;
    // Spread over a list so list overheads are counted too.
    let page = "y".repeat(1000);
    let doc = Doc {
        id: "fits".into(),
        body: "z".repeat(5000),
        pages: vec![page; 400],
    };
    let size = dynamap::item_size(&doc.to_item().unwrap());
    assert!(size > 400_000 && size <= MAX_ITEM_SIZE, "{size}");
    docs.insert(&doc).await.unwrap();
    assert_eq!(docs.get(&"fits".to_string()).await.unwrap(), Some(doc));
}
