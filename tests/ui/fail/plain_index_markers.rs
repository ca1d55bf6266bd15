// A plain type's index mention can declare a marker type, which `query_index` and
// `scan_index` name: the index must be one the type takes part in, its partition value
// of the key field's type, and each index has one marker of its own.
use dynamap::prelude::*;

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByStatus))]
    status: String,
    #[dynamo(gsi_sort_key(ByStatus))]
    placed_at: u64,
}

#[derive(DynamoItem)]
struct Customer {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByRegion))]
    region: String,
}

#[derive(DynamoItem)]
struct Twice {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByColour, name = "by_colour"))]
    colour: String,
    #[dynamo(gsi_sort_key(ByShade, name = "by_colour"))]
    shade: String,
}

#[derive(DynamoItem)]
struct Reused {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(BySize, name = "by_width"))]
    width: u32,
    #[dynamo(gsi_partition_key(BySize, name = "by_height"))]
    height: u32,
}

#[derive(DynamoItem)]
struct Generic<T: DynamoValue + Send + Sync + 'static> {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByValue))]
    value: T,
}

#[derive(DynamoItem)]
struct Unnamed {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(name = "by_kind"))]
    kind: String,
}

fn another_types_index(orders: TypedMapping<Order>) {
    let _ = orders.query_index::<ByRegion>("eu");
    let _ = orders.scan_index::<ByRegion>();
}

fn partition_of_wrong_type(orders: TypedMapping<Order>) {
    let _ = orders.query_index::<ByStatus>(&42u64);
}

fn main() {}
