//! dynamap in five minutes: a typed table of orders on a local server.
//!
//! `cargo run --example quickstart` runs it on the embedded server (nothing to
//! install). `DYNAMAP_SERVER=dynamodb-local` runs it on AWS's DynamoDB Local
//! (`scripts/install-dynamodb-local` installs it); `DYNAMAP_ENDPOINT=http://...` on a
//! server you already run (`http://127.0.0.1:8000`, LocalStack, ...).

use std::collections::HashSet;

use dynamap::{DynamoItem, DynamoValue, TypedMapping};

/// Stored as the strings "paid", "shipped", "delivered".
#[derive(DynamoValue, Debug, Clone, PartialEq)]
#[dynamo(rename_all = "lowercase")]
enum Status {
    Paid,
    Shipped,
    Delivered,
}

/// A nested value: stored as a map inside the order.
#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct LineItem {
    sku: String,
    quantity: u32,
    unit_price_cents: i64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    #[dynamo(rename = "st")]
    status: Status,
    total_cents: i64,
    items: Vec<LineItem>,
    tags: HashSet<String>,
    note: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The embedded server by default; DYNAMAP_SERVER=dynamodb-local for DynamoDB Local,
    // DYNAMAP_ENDPOINT=http://... for a server you run. Stopped at the end.
    let server = dynamap::local::LocalServer::from_env()?;
    println!(
        "using the {} server at {}",
        server.kind(),
        server.endpoint()
    );
    let client = server.client().await?;

    let orders: TypedMapping<Order> = TypedMapping::new(client, "quickstart-orders");
    orders.create_table().await?;
    println!(
        "created table `{}` with key {:?}",
        orders.table_name(),
        Order::KEY_SCHEMA
    );

    let order = Order {
        customer: "alice".into(),
        order_id: 1001,
        status: Status::Paid,
        total_cents: 4_250,
        items: vec![
            LineItem {
                sku: "TEA-GREEN".into(),
                quantity: 2,
                unit_price_cents: 1_200,
            },
            LineItem {
                sku: "MUG-BLUE".into(),
                quantity: 1,
                unit_price_cents: 1_850,
            },
        ],
        tags: HashSet::from(["gift".to_string()]),
        note: None,
    };
    orders.insert(&order).await?;
    println!("inserted order {:?}", order.key());
    for order_id in 1002..=1005 {
        let more = Order {
            order_id,
            status: Status::Shipped,
            ..order.clone()
        };
        orders.insert(&more).await?;
    }
    println!("inserted 4 more orders for alice");

    let key = ("alice".to_string(), 1001);
    let fetched = orders.get(&key).await?;
    println!("get {key:?} -> {fetched:?}");
    assert_eq!(fetched.as_ref(), Some(&order));

    println!("contains {key:?}? {}", orders.contains_key(&key).await?);
    println!(
        "contains (\"bob\", 1)? {}",
        orders.contains_key(&("bob".to_string(), 1)).await?
    );
    println!(
        "len_estimate: {} (DescribeTable's ItemCount)",
        orders.len_estimate().await?
    );
    println!(
        "count: {} (an exact Scan with Select=COUNT)",
        orders.count().await?
    );

    let removed = orders.remove(&key).await?;
    println!(
        "remove {key:?} -> returned the old order: {}",
        removed.is_some()
    );
    println!("remove {key:?} again -> {:?}", orders.remove(&key).await?);
    println!("count after remove: {}", orders.count().await?);

    orders.delete_table().await?;
    println!("deleted table `{}`; done", orders.table_name());
    Ok(())
}
