//! len_estimate (DescribeTable) and count (paginated Scan with Select=COUNT).

use dynamap::DynamoItem;
use dynamap_tests::new_mapping;
use futures::{stream, StreamExt, TryStreamExt};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Row {
    #[dynamo(partition_key)]
    id: u32,
    /// About 1.2 KB, so 1,000 rows exceed Scan's 1 MB page and `count` must paginate.
    payload: String,
}

#[tokio::test]
async fn count_and_len_estimate_on_a_thousand_items() {
    let rows = new_mapping::<Row>("count").await;
    assert_eq!(rows.count().await.unwrap(), 0);
    let payload = "x".repeat(1200);
    stream::iter(0..1000u32)
        .map(|id| {
            let rows = rows.clone();
            let row = Row {
                id,
                payload: payload.clone(),
            };
            async move { rows.insert(&row).await }
        })
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(rows.count().await.unwrap(), 1000);
    // DynamoDB Local keeps ItemCount current; the real service refreshes it about
    // every six hours, so the estimate is only checked against a local server.
    if dynamap_tests::server_has(dynamap_tests::Needs::CurrentItemCount, "counts") {
        assert_eq!(rows.len_estimate().await.unwrap(), 1000);
    }
    rows.remove(&7).await.unwrap();
    assert_eq!(rows.count().await.unwrap(), 999);
}
