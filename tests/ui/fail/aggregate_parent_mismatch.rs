use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Other;

#[derive(DynamoItem)]
#[dynamo(table = Shop, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}")]
struct Order {
    customer: String,
    id: String,
    line_count: u32,
}

#[derive(DynamoItem)]
#[dynamo(table = Other, entity = "Elsewhere", pk = "E#{id}", sk = "E")]
struct Elsewhere {
    id: String,
    n: u32,
}

// A parent of another table; an attribute the parent does not have; a key that misses
// a field of the parent's key; a sum of text.
#[derive(DynamoItem)]
#[dynamo(
    table = Shop,
    entity = "OrderLine",
    pk = "CUSTOMER#{customer}",
    sk = "ORDER#{order}#LINE#{line}",
    count(Elsewhere, into = "n", key(id = order)),
    count(Order, into = "lines", key(customer, id = order)),
    count(Order, into = "line_count", key(customer)),
    sum(Order, into = "line_count", of = sku, key(customer, id = order))
)]
struct OrderLine {
    customer: String,
    order: String,
    line: u32,
    sku: String,
}

fn main() {}
