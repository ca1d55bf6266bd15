// A table declaration names its keys and complete indexes.
use dynamap::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(sort_key = "sk")]
struct NoPartition;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", index(Gsi1, sort_key = "x"), index(Lsi1, local, partition_key = "p"))]
struct BadIndexes;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", colour = "blue")]
struct Unknown;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk")]
struct Holds {
    data: String,
}

fn main() {}
