//! The cold-start contender: a client, one insert and one get, as a Lambda function's
//! first invocation does, with dynamap. Prints `answered` after the first answer and
//! `done` at the end; `coldstart` times it against `cold_raw`.

use dynamap::prelude::*;

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
    status: String,
    total_cents: i64,
    items: Vec<LineItem>,
    note: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (endpoint, table) = (args.next().ok_or("ENDPOINT")?, args.next().ok_or("TABLE")?);
    let client = dynamap::connect().local(endpoint).await?;
    let orders: TypedMapping<Order> = TypedMapping::new(client, table);
    let order = Order {
        customer: "alice".into(),
        order_id: 1001,
        status: "paid".into(),
        total_cents: 4_250,
        items: vec![LineItem {
            sku: "TEA-GREEN".into(),
            quantity: 2,
            unit_price_cents: 1_200,
        }],
        note: None,
    };
    orders.insert(&order).await?;
    println!("answered");
    let got = orders.get(&("alice".to_string(), 1001)).await?;
    assert_eq!(got, Some(order));
    println!("done");
    Ok(())
}
