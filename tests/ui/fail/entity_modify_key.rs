// The fields of an entity's key templates are its key: modify cannot set them.
use dynamap::prelude::*;
use dynamap::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]
struct Order {
    user_id: String,
    id: u64,
    total: i64,
}

async fn change(orders: TypedMapping<Order>) -> dynamap::Result<()> {
    let f = Order::fields();
    orders.modify(&("u1".to_string(), 7)).set(f.id, 8).await?;
    Ok(())
}

fn main() {
    let _ = change;
}
