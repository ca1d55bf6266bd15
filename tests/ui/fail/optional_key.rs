use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key)]
    id: Option<String>,
}

fn main() {}
