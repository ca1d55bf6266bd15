// A query's partition value is checked as a key is: by the item's partition type
// (an entity's partition template fields, an index's own template).
use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk",
         index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Line", pk = "TENANT#{tenant}#ORDER#{order}", sk = "LINE#{line}",
         index(Gsi1, pk = "SKU#{sku}", sk = "LINE"))]
struct Line {
    tenant: String,
    order: u64,
    line: u32,
    sku: u32,
}

#[derive(DynamoCollection)]
enum OrderView {
    Line(Line),
}

fn misuse(orders: TypedMapping<Order>, lines: TypedMapping<Line>, app: Table<App>) {
    let _ = orders.query(&42u64);
    let _ = lines.query(&("acme", "7"));
    let _ = lines.query_index::<Gsi1>("sku-9");
    let _ = app.collection::<OrderView>().query("acme");
}

fn main() {}
