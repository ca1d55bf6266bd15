use dynamap::{DynamoItem, DynamoValue};

#[derive(DynamoValue)]
struct Address {
    city: String,
}

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key, flatten)]
    id: Address,
    #[dynamo(flatten, rename = "addr")]
    home: Address,
}

fn main() {}
