use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Session {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(ttl)]
    expires: String,
}

#[derive(DynamoItem)]
struct Token {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(ttl)]
    expires: u64,
    #[dynamo(ttl)]
    refresh_by: u64,
}

fn main() {}
