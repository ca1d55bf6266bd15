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

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Sale {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    id: u32,
    total: u32,
    #[dynamo(gsi_partition_key = "by_status")]
    status: String,
}

fn sales() -> Vec<Sale> {
    (0..240u32)
        .map(|id| Sale {
            customer: format!("c{}", id % 3),
            id,
            total: (id * 7) % 50,
            status: ["open", "paid", "shipped", "paid"][(id % 4) as usize].to_owned(),
        })
        .collect()
}

/// A count of a query or a scan is the number of items the same read returns, across
/// pages, with a sort-key range, a filter, an index, segments, a start and a limit;
/// every request it sends is a `Select=COUNT`, and none transfers an item.
#[tokio::test]
async fn counts_of_queries_and_scans_are_what_the_reads_return() {
    use dynamap::{prelude::*, Mapping};
    let table = new_mapping::<Sale>("count-reads").await;
    dynamap_tests::insert_all(&table, sales()).await;
    let (client, log) = dynamap_tests::counting_client(table.client());
    let f = Sale::fields();
    let counted = TypedMapping::<Sale>::new(client.clone(), table.table_name());
    let sent_before = log.sent().len();

    assert_eq!(counted.query("c0").count().await.unwrap(), 80);
    let range = counted
        .query("c0")
        .sort_key(f.id.between(30, 150))
        .filter(f.total.gt(20))
        .page_size(7)
        .count()
        .await
        .unwrap();
    let expected = sales()
        .iter()
        .filter(|s| s.customer == "c0" && (30..=150).contains(&s.id) && s.total > 20)
        .count() as u64;
    assert_eq!(range, expected);
    assert!(expected > 10, "{expected}");
    let paid = counted
        .query_index_named::<String>("by_status", "paid")
        .filter(f.total.lt(25))
        .count()
        .await
        .unwrap();
    let expected_paid = sales()
        .iter()
        .filter(|s| s.status == "paid" && s.total < 25)
        .count() as u64;
    assert_eq!(paid, expected_paid);
    let low = counted
        .scan()
        .filter(f.total.lt(10))
        .segments(4)
        .count()
        .await
        .unwrap();
    assert_eq!(low, sales().iter().filter(|s| s.total < 10).count() as u64);
    assert_eq!(
        counted.scan().index("by_status").count().await.unwrap(),
        240
    );
    // A limit stops the count where the read would stop.
    assert_eq!(counted.query("c1").limit(5).count().await.unwrap(), 5);
    let limited = counted
        .query("c1")
        .filter(f.total.gt(20))
        .page_size(4)
        .limit(10)
        .count()
        .await
        .unwrap();
    assert_eq!(limited, 10);
    let counts = log.sent()[sent_before..].to_vec();
    assert!(
        counts
            .iter()
            .all(|r| r.select.as_deref() == Some("COUNT") && r.projection.is_none()),
        "{counts:?}"
    );
    assert!(counts.len() > 8, "paginated: {} requests", counts.len());

    // From a token: the rest of the partition.
    let first = table
        .query("c2")
        .page_size(10)
        .pages()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let token = first.next_token().cloned().unwrap();
    let rest = table.query("c2").start_from(token).count().await.unwrap();
    assert_eq!(rest, 80 - 10);

    // The untyped mapping counts a scan the same way.
    let documents = Mapping::open(client, table.table_name()).await.unwrap();
    assert_eq!(documents.scan().segments(3).count().await.unwrap(), 240);
}
