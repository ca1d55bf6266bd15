use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(partition_key)]
    order_id: u64,
}

fn main() {}
