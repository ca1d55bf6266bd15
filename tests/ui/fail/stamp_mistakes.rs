use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Doc {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(created_at)]
    first: Option<std::time::SystemTime>,
    #[dynamo(created_at)]
    again: Option<std::time::SystemTime>,
    #[dynamo(updated_at, version)]
    version: u64,
}

fn main() {}
