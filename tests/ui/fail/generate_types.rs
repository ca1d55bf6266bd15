use dynamap::DynamoItem;

// A generated id is a uuid::Uuid or a String, optionally in an Option.
#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(generate = "uuid_v4")]
    count: u32,
}

fn main() {}
