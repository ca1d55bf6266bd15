// Every item has its key: the table's key templates cannot name an Option. An index
// template can (the index is sparse), as the second entity shows.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk", index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "POINT#{x}", sk = "NOTE#{note}")]
struct Point {
    x: u32,
    note: Option<String>,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "LINE#{x}", sk = "LINE", index(Gsi1, pk = "NOTE#{note}", sk = "{x}"))]
struct Line {
    x: u32,
    note: Option<String>,
}

fn main() {}
