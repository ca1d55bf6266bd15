use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key, skip)]
    id: String,
}

fn main() {}
