// A shard spreads an index's partition over several: it goes in an index's `pk`
// template, once, with 2 to 32 shards, computed from the key or `random`.
use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk", index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "ORDER#{shard:4}", sk = "ORDER#{id}")]
struct InPrimary {
    id: u32,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "ORDER#{id}", sk = "ORDER", index(Gsi1, pk = "OPEN", sk = "{shard:4}#{id}"))]
struct InSort {
    id: u32,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "ORDER#{id}", sk = "ORDER", index(Gsi1, pk = "OPEN#{shard:4}#{shard:4}", sk = "{id}"))]
struct Twice {
    id: u32,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "ORDER#{id}", sk = "ORDER", index(Gsi1, pk = "OPEN#{shard:1}", sk = "{id}"))]
struct One {
    id: u32,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "ORDER#{id}", sk = "ORDER", index(Gsi1, pk = "OPEN#{shard:64}", sk = "{id}"))]
struct TooMany {
    id: u32,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "ORDER#{id}", sk = "ORDER", index(Gsi1, pk = "OPEN#{shard:8:sometimes}", sk = "{id}"))]
struct UnknownKind {
    id: u32,
}

fn main() {}
