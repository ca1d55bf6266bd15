use dynamap::prelude::*;

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
}

async fn misuse(orders: TypedMapping<Order>) {
    let _ = orders.get(&("alice", "7")).await;
    let _ = orders.get("alice").await;
}

fn main() {}
