// An entity's templates follow its table's keys: a sort template exactly when the
// table has a sort key, and no field stored under a name the table keeps.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk")]
struct Flat;

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}")]
struct NoSort {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = Flat, pk = "USER#{id}", sk = "PROFILE")]
struct ExtraSort {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}", sk = "PROFILE")]
struct Clash {
    id: String,
    #[dynamo(rename = "sk")]
    sort: String,
}

fn main() {}
