// An entity names indexes by the marker types its table declares: an undeclared
// index, or another table's, does not compile.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk",
         index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
struct App;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk",
         index(Other, partition_key = "opk", sort_key = "osk"))]
struct Audit;

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}", sk = "PROFILE", index(Gsi9, pk = "E#{email}", sk = "U"))]
struct Undeclared {
    id: String,
    email: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}", sk = "PROFILE", index(Other, pk = "E#{email}", sk = "U"))]
struct Foreign {
    id: String,
    email: String,
}

fn main() {}
