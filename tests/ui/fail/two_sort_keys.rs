use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    #[dynamo(sort_key)]
    created_at: u64,
}

fn main() {}
