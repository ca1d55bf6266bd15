use dynamap::{DynamoItem, DynamoTable};

// A plain type: five partition attributes, two local sort keys, one field in both keys.
#[derive(DynamoItem)]
struct TooMany {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(sort_key)]
    at: u64,
    #[dynamo(gsi_partition_key(ByAll))]
    a: String,
    #[dynamo(gsi_partition_key(ByAll))]
    b: String,
    #[dynamo(gsi_partition_key(ByAll))]
    c: String,
    #[dynamo(gsi_partition_key(ByAll))]
    d: String,
    #[dynamo(gsi_partition_key(ByAll))]
    e: String,
    #[dynamo(lsi_sort_key = "by_day")]
    day: String,
    #[dynamo(lsi_sort_key = "by_day")]
    hour: String,
    #[dynamo(gsi_partition_key = "by_both", gsi_sort_key = "by_both")]
    both: String,
}

// A table: a typed local index, template and typed keys mixed, a name given twice.
#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(ByLocal, local, sort_key(rank: u32)),
    index(ByMixed, partition_key = "gsi1pk", sort_key(rank: u32)),
    index(ByTwice, partition_key(tenant: String, tenant: String))
)]
struct Mistaken;

fn main() {}
