// A query of an index the entity takes no part in does not compile.
use dynamap::{DynamoItem, DynamoTable, TypedMapping};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk",
         index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]
struct Order {
    user_id: String,
    id: u64,
}

fn query(orders: TypedMapping<Order>) {
    let _ = orders.query_index::<Gsi1>("x");
}

fn main() {
    let _ = query;
}
