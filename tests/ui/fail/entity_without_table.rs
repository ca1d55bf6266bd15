// Entity options need the table the entity is stored in; an entity's keys come from
// its templates, not from key fields.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem)]
#[dynamo(entity = "User", pk = "USER#{id}", sk = "PROFILE")]
struct User {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, sk = "PROFILE")]
struct NoPartition {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}", sk = "PROFILE")]
struct Both {
    #[dynamo(partition_key)]
    id: String,
}

fn main() {}
