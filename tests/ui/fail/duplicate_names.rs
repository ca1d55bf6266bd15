use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(rename = "id")]
    legacy_id: String,
}

fn main() {}
