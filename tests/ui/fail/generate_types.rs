use dynamap::DynamoItem;

// A generated id is a uuid::Uuid or a String, optionally in an Option; a ULID, text.
#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(generate = "uuid_v4")]
    count: u32,
    #[dynamo(generate = "ulid")]
    receipt: uuid::Uuid,
}

fn main() {}
