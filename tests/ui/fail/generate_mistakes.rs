use dynamap::DynamoItem;

// An unknown kind; a skipped field.
#[derive(DynamoItem)]
struct Ticket {
    #[dynamo(partition_key, generate = "ksuid")]
    id: String,
}

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(skip, generate = "uuid_v4")]
    cache: String,
}

fn main() {}
