use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Event {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(epoch_millis)]
    name: String,
}

fn main() {}
