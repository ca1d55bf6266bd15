use dynamap::value::Millis;
use dynamap::DynamoItem;

// A time that may be absent is an `Option<Millis<..>>`, not a `Millis<Option<..>>`;
// a date names no instant.
#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    placed_at: Millis<Option<std::time::SystemTime>>,
    due: Millis<chrono::NaiveDate>,
}

fn main() {}
