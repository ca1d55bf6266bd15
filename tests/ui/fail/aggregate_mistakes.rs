use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoItem)]
#[dynamo(table = Shop, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}")]
struct Order {
    customer: String,
    id: String,
    line_count: u32,
    note: String,
}

// A sum without `of`; a count with one; a key naming no field of the child.
#[derive(DynamoItem)]
#[dynamo(
    table = Shop,
    entity = "OrderLine",
    pk = "CUSTOMER#{customer}",
    sk = "ORDER#{order}#LINE#{line}",
    sum(Order, into = "line_count", key(customer, id = order)),
    count(Order, into = "line_count", of = line, key(customer, id = ordr))
)]
struct OrderLine {
    customer: String,
    order: String,
    line: u32,
    sku: String,
}

// On a plain type there is no parent entity to keep it on.
#[derive(DynamoItem)]
#[dynamo(count(Order, into = "line_count", key(customer, id = order)))]
struct Plain {
    #[dynamo(partition_key)]
    id: String,
}

fn main() {}
