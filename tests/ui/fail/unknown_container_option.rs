use dynamap::DynamoItem;

#[derive(DynamoItem)]
#[dynamo(table = "users")]
struct User {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(rename_all = "Title Case")]
struct Account {
    #[dynamo(partition_key)]
    id: String,
}

fn main() {}
