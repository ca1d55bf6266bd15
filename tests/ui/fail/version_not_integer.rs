use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Doc {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(version)]
    version: String,
}

#[derive(DynamoItem)]
struct Page {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(version)]
    version: u64,
    #[dynamo(version)]
    revision: u64,
}

fn main() {}
