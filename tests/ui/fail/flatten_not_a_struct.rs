use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(flatten)]
    score: u32,
}

fn main() {}
