use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(renamed = "n")]
    name: String,
}

fn main() {}
