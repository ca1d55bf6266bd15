use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Event {
    #[dynamo(partition_key, epoch_seconds)]
    id: std::time::SystemTime,
    #[dynamo(epoch_seconds, epoch_millis)]
    at: std::time::SystemTime,
    #[dynamo(epoch_millis)]
    name: String,
}

fn main() {}
