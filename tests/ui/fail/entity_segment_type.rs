// A template field must be a key segment: no floats, no collections.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "POINT#{x}", sk = "NOTE#{note}")]
struct Point {
    x: f64,
    note: Vec<String>,
}

fn main() {}
