use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Doc {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(updated_at)]
    changed: String,
}

fn main() {}
