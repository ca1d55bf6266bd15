// Key templates name fields of the entity, stored as themselves, with text between
// fields; each mistake is reported at the template.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Order", pk = "USER#{usr_id}", sk = "ORDER#{placed_at}{id}")]
struct Order {
    user_id: String,
    placed_at: u64,
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}", sk = "AT#{at}")]
struct Stamped {
    id: String,
    #[dynamo(epoch_seconds)]
    at: std::time::SystemTime,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id", sk = "X")]
struct Unclosed {
    id: String,
}

fn main() {}
