//! Lazy scans and queries: every item exactly once, one page at a time, nothing sent
//! before it is needed, tokens that resume.

use std::collections::{BTreeSet, HashSet};

use dynamap::prelude::*;
use dynamap::{reads::PageToken, Error};
use dynamap_tests::{counting_client, insert_all, new_mapping};
use futures::{StreamExt, TryStreamExt};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Row {
    #[dynamo(partition_key)]
    id: u32,
    group: u32,
    label: String,
}

fn rows(n: u32) -> Vec<Row> {
    (0..n)
        .map(|id| Row {
            id,
            group: id % 10,
            label: format!("row {id}"),
        })
        .collect()
}

#[tokio::test]
async fn a_scan_of_5000_items_is_exact_lazy_and_parallel() {
    let table = new_mapping::<Row>("scan").await;
    insert_all(&table, rows(5000)).await;
    let (client, log) = counting_client(table.client());
    let table = TypedMapping::<Row>::new(client, table.table_name());

    // Building a stream sends nothing.
    let values = table.scan().page_size(100).stream();
    assert_eq!(log.count(), 0);

    // page_size(100): every item exactly once, in 50 pages (plus the empty last one).
    let ids: Vec<u32> = values.map_ok(|row| row.id).try_collect().await.unwrap();
    assert_eq!(ids.len(), 5000);
    assert_eq!(
        ids.iter().copied().collect::<BTreeSet<u32>>(),
        (0..5000).collect()
    );
    let scans = log.count();
    assert!((50..=51).contains(&scans), "{scans} requests for 50 pages");

    // Taking 3 items sends one request, and dropping the stream sends no more.
    let before = log.count();
    let first_three: Vec<Row> = table.values().take(3).try_collect().await.unwrap();
    assert_eq!(first_three.len(), 3);
    assert_eq!(log.count() - before, 1);
    let mut stream = table.scan().page_size(10).stream();
    stream.try_next().await.unwrap();
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(log.count() - before, 2);

    // keys() asks only for the key attributes.
    let before = log.count();
    let keys: HashSet<u32> = table.keys().try_collect().await.unwrap();
    assert_eq!(keys.len(), 5000);
    let sent = log.sent();
    assert!(sent[before..]
        .iter()
        .all(|r| r.operation == "Scan" && r.projection.as_deref() == Some("#n0")));

    // items() pairs each key with its item.
    let items: Vec<(u32, Row)> = table.items().try_collect().await.unwrap();
    assert!(items.iter().all(|(key, row)| *key == row.id));
    assert_eq!(items.len(), 5000);

    // A 4-segment parallel scan yields the same set, once each.
    let parallel: Vec<u32> = table
        .scan()
        .segments(4)
        .page_size(200)
        .stream()
        .map_ok(|r| r.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(parallel.len(), 5000);
    assert_eq!(
        parallel.into_iter().collect::<BTreeSet<u32>>(),
        (0..5000).collect()
    );
}

#[tokio::test]
async fn filter_project_limit_and_resume_a_scan() {
    #[derive(DynamoValue, Debug, PartialEq)]
    struct Label {
        id: u32,
        label: String,
    }
    let table = new_mapping::<Row>("scan-options").await;
    insert_all(&table, rows(300)).await;
    let f = Row::fields();

    let group_three: Vec<Row> = table
        .scan()
        .filter(f.group.eq(3))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(group_three.len(), 30);
    assert!(group_three.iter().all(|r| r.group == 3));

    let labels: Vec<Label> = table
        .scan()
        .project::<Label>()
        .filter(f.id.lt(5))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(labels.len(), 5);
    assert!(labels.iter().all(|l| l.label == format!("row {}", l.id)));

    assert_eq!(table.scan().limit(7).stream().count().await, 7);
    let limited: Vec<Row> = table
        .scan()
        .filter(f.group.eq(1))
        .limit(12)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(limited.len(), 12);

    // Pages through tokens, as a web API would: every item once across pages.
    let mut seen = BTreeSet::new();
    let mut token: Option<PageToken> = None;
    let mut pages = 0;
    loop {
        let mut scan = table.scan().page_size(40);
        if let Some(token) = token.take() {
            let text = token.to_string(); // through a string, as over HTTP
            scan = scan.start_from(text.parse().unwrap());
        }
        let page = scan.pages().try_next().await.unwrap().expect("a page");
        pages += 1;
        for row in page.items() {
            assert!(seen.insert(row.id), "row {} seen twice", row.id);
        }
        match page.next_token() {
            Some(next) => token = Some(next.clone()),
            None => break,
        }
    }
    assert_eq!(seen, (0..300).collect());
    assert!(pages >= 8);

    // A page cut by limit resumes right after its last item.
    let page = table
        .scan()
        .page_size(50)
        .limit(15)
        .pages()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.len(), 15);
    let rest: Vec<Row> = table
        .scan()
        .start_from(page.next_token().unwrap().clone())
        .stream()
        .try_collect()
        .await
        .unwrap();
    let all: BTreeSet<u32> = page.items().iter().chain(&rest).map(|r| r.id).collect();
    assert_eq!(all.len(), 300);
    assert_eq!(page.len() + rest.len(), 300);

    // One segment of four, resumed from its own token.
    let mut union = BTreeSet::new();
    for segment in 0..4 {
        let first = table
            .scan()
            .segment(segment, 4)
            .page_size(20)
            .pages()
            .try_next()
            .await
            .unwrap()
            .unwrap();
        union.extend(first.items().iter().map(|r| r.id));
        if let Some(token) = first.next_token() {
            let rest: Vec<Row> = table
                .scan()
                .segment(segment, 4)
                .start_from(token.clone())
                .stream()
                .try_collect()
                .await
                .unwrap();
            union.extend(rest.iter().map(|r| r.id));
        }
    }
    assert_eq!(union, (0..300).collect());

    let bad = table
        .scan()
        .segments(4)
        .start_from(page.next_token().unwrap().clone())
        .stream()
        .try_next()
        .await;
    assert!(matches!(bad, Err(Error::InvalidRequest { .. })));
    assert!("not a token".parse::<PageToken>().is_err());
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    #[dynamo(gsi_partition_key(ByStatus), rename = "status")]
    state: String,
    #[dynamo(gsi_sort_key(ByStatus), lsi_sort_key(ByTotal))]
    total: i64,
    // The name form, beside the marker form: both name the index.
    #[dynamo(lsi_sort_key = "by_day")]
    day: String,
    #[dynamo(gsi_partition_key(ByCoupon, name = "coupon-index"))]
    coupon: Option<String>,
}

fn orders() -> Vec<Order> {
    let mut out = Vec::new();
    for (c, customer) in ["alice", "bob"].into_iter().enumerate() {
        for order_id in 1..=40u64 {
            out.push(Order {
                customer: customer.to_owned(),
                order_id,
                state: if order_id % 2 == 0 { "paid" } else { "shipped" }.to_owned(),
                total: (order_id as i64) * 10 + c as i64,
                day: format!("2026-11-{:02}", 1 + order_id % 28),
                coupon: (order_id % 10 == 0).then(|| format!("C{order_id}")),
            });
        }
    }
    out
}

async fn ids(query: dynamap::reads::Query<'_, Order>) -> Vec<u64> {
    query
        .stream()
        .map_ok(|o| o.order_id)
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn queries_with_every_sort_key_condition_on_table_and_indexes() {
    let table = new_mapping::<Order>("query").await;
    insert_all(&table, orders()).await;
    let f = Order::fields();

    // The table: partition only, each sort-key condition, reverse.
    assert_eq!(
        ids(table.query("alice")).await,
        (1..=40).collect::<Vec<_>>()
    );
    assert_eq!(
        ids(table.query("alice").sort_key(f.order_id.eq(7))).await,
        [7]
    );
    assert_eq!(
        ids(table.query("alice").sort_key(f.order_id.lt(4))).await,
        [1, 2, 3]
    );
    assert_eq!(
        ids(table.query("alice").sort_key(f.order_id.le(3))).await,
        [1, 2, 3]
    );
    assert_eq!(
        ids(table.query("alice").sort_key(f.order_id.gt(38))).await,
        [39, 40]
    );
    assert_eq!(
        ids(table.query("alice").sort_key(f.order_id.ge(39))).await,
        [39, 40]
    );
    assert_eq!(
        ids(table.query("alice").sort_key(f.order_id.between(5, 7))).await,
        [5, 6, 7]
    );
    assert_eq!(
        ids(table.query("alice").reverse(true).limit(3)).await,
        [40, 39, 38]
    );
    assert_eq!(
        table
            .query("bob")
            .reverse(true)
            .first()
            .await
            .unwrap()
            .map(|o| o.order_id),
        Some(40)
    );
    assert_eq!(table.query("carol").first().await.unwrap(), None);
    assert_eq!(
        ids(table
            .query("alice")
            .filter(f.state.eq("paid"))
            .sort_key(f.order_id.le(6)))
        .await,
        [2, 4, 6]
    );

    // A global index: another partition key, a sort key of its own.
    let paid: Vec<Order> = table
        .query_index::<ByStatus>("paid")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(paid.len(), 40);
    assert!(
        paid.windows(2).all(|w| w[0].total <= w[1].total),
        "sorted by the index's sort key"
    );
    let big_paid = table
        .query_index::<ByStatus>("paid")
        .sort_key(f.total.ge(390))
        .stream();
    let big_paid: Vec<i64> = big_paid.map_ok(|o| o.total).try_collect().await.unwrap();
    assert_eq!(big_paid, [400, 401]);
    let reversed = table
        .query_index::<ByStatus>("shipped")
        .reverse(true)
        .first()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reversed.total, 391);
    // A marker names the index its mention names (here given in full).
    use dynamap::single_table::DynamoIndex;
    assert_eq!(ByCoupon::DEFINITION.name, "coupon-index");
    assert_eq!(ByStatus::DEFINITION.name, "by_status");
    // A sparse index: only items with a coupon, queried by the value, not an Option.
    let coupons = table
        .scan_index::<ByCoupon>()
        .stream()
        .try_collect::<Vec<Order>>()
        .await
        .unwrap();
    assert_eq!(coupons.len(), 8);
    assert_eq!(
        table.query_index::<ByCoupon>("C20").stream().count().await,
        2
    );

    // Local indexes: the table's partition key, another sort key; string begins_with.
    let by_total = ids(table
        .query_index::<ByTotal>("alice")
        .sort_key(f.total.between(100, 130)))
    .await;
    assert_eq!(by_total, [10, 11, 12, 13]);
    let on_the_5th = table
        .query_index_named::<String>("by_day", "bob")
        .sort_key(f.day.begins_with("2026-11-05"))
        .stream();
    let mut on_the_5th: Vec<u64> = on_the_5th
        .map_ok(|o| o.order_id)
        .try_collect()
        .await
        .unwrap();
    on_the_5th.sort();
    assert_eq!(on_the_5th, [4, 32]);
    let consistent = table
        .query_index::<ByTotal>("alice")
        .consistent_read(true)
        .first()
        .await
        .unwrap();
    assert_eq!(consistent.map(|o| o.order_id), Some(1));
}

#[tokio::test]
async fn query_pages_resume_from_tokens_on_table_and_index() {
    let table = new_mapping::<Order>("query-pages").await;
    insert_all(&table, orders()).await;
    for index in [None, Some("by_status"), Some("by_total")] {
        let partition = if index == Some("by_status") {
            "paid"
        } else {
            "alice"
        };
        let expected = 40; // 40 paid orders over both customers; 40 orders of alice
        let mut seen = Vec::new();
        let mut token: Option<PageToken> = None;
        loop {
            let mut query = match index {
                Some(index) => table.query_index_named::<String>(index, partition),
                None => table.query(partition),
            }
            .page_size(7);
            if let Some(token) = token.take() {
                query = query.start_from(token);
            }
            let page = query.pages().try_next().await.unwrap().expect("a page");
            seen.extend(
                page.items()
                    .iter()
                    .map(|o| (o.customer.clone(), o.order_id)),
            );
            match page.next_token() {
                Some(next) => token = Some(next.clone()),
                None => break,
            }
        }
        let unique: HashSet<_> = seen.iter().cloned().collect();
        assert_eq!(seen.len(), expected, "{index:?}");
        assert_eq!(unique.len(), expected, "{index:?}: every item once");
    }
}

#[tokio::test]
async fn query_mistakes_are_reported_before_sending() {
    let table = new_mapping::<Order>("query-errors").await;
    let f = Order::fields();
    let not_sort_key = table.query("alice").sort_key(f.total.gt(1)).first().await;
    assert!(
        matches!(not_sort_key, Err(Error::InvalidRequest { .. })),
        "{not_sort_key:?}"
    );
    let ne = table
        .query("alice")
        .sort_key(f.order_id.ne(1))
        .first()
        .await;
    assert!(matches!(ne, Err(Error::InvalidRequest { .. })), "{ne:?}");
    // A partition value of another type does not compile for `query` (tests/ui); by
    // an index's name the compiler cannot know the type, so the query refuses it.
    let wrong_type = table
        .query_index_named::<u64>("by_status", &42)
        .first()
        .await
        .unwrap_err();
    assert!(
        wrong_type
            .to_string()
            .contains("partition key `status` is a string (S)"),
        "{wrong_type}"
    );
    let unknown = table
        .query_index_named::<String>("by_colour", "alice")
        .first()
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, Error::UnknownIndex { index, declared, .. } if index == "by_colour" && !declared.is_empty()),
        "{unknown}"
    );
}

#[tokio::test]
async fn keys_read_only_keys_even_when_other_attributes_would_not_decode() {
    let table = new_mapping::<Row>("keys-only").await;
    insert_all(&table, rows(10)).await;
    // Another client breaks a non-key attribute of one item.
    table
        .client()
        .update_item()
        .table_name(table.table_name())
        .key("id", aws_sdk_dynamodb::types::AttributeValue::N("3".into()))
        .update_expression("SET #g = :s")
        .expression_attribute_names("#g", "group")
        .expression_attribute_values(
            ":s",
            aws_sdk_dynamodb::types::AttributeValue::S("three".into()),
        )
        .send()
        .await
        .unwrap();
    let keys: Vec<u32> = table.keys().try_collect().await.unwrap();
    assert_eq!(keys.len(), 10);
    let values: Result<Vec<Row>, Error> = table.values().try_collect().await;
    let err = values.unwrap_err();
    assert!(err.to_string().contains("`group`"), "{err}");
}
