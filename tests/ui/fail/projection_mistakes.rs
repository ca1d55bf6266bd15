// An index that does not hold whole items is read as a type declared a projection of
// it, and that type may read only what the index holds.
use dynamap::prelude::*;

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByStatus, keys_only))]
    status: String,
    #[dynamo(gsi_partition_key(ByCustomer, include("total")))]
    customer: String,
    total: u64,
    note: String,
}

// Reads `note`, which neither index holds.
#[derive(DynamoValue)]
#[dynamo(projection_of(ByStatus), projection_of(ByCustomer))]
struct WithNote {
    id: String,
    note: String,
}

// Right: keys and the included total.
#[derive(DynamoValue)]
#[dynamo(projection_of(ByCustomer))]
struct Total {
    id: String,
    customer: String,
    total: u64,
}

// Not declared a projection of any index.
#[derive(DynamoValue)]
struct Undeclared {
    id: String,
}

fn misuse(orders: TypedMapping<Order>) {
    let _ = orders.query_index::<ByStatus>("open");
    let _ = orders.scan_index::<ByCustomer>();
    let _ = orders.query_index_as::<ByStatus, Undeclared>("open");
    let _ = orders.query_index_as::<ByStatus, Total>("open");
    let _ = orders.query_index_as::<ByCustomer, Total>("c1");
}

fn main() {}
