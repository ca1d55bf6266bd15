//! Changing a live table, as a service's releases do: release 1 stores orders; release 2
//! adds an index (by status), renames an attribute (`fullname` to `name`) and a field
//! with a default (`priority`). While release 2's service keeps writing, the table is
//! brought along: the index added (`ensure_table().add_missing(true)`), every old item
//! rewritten into today's form (`backfill()`), an order moved to another customer
//! (`move_item`), and a customer's orders removed (`remove_partition`). Release 3
//! changes the order's shape (`priority` becomes a `rush` flag): it reads release 2's
//! items through an upgrade at once, an update rewrites an old item in the new shape
//! first, and a backfill brings the rest.
//!
//! `cargo run --example live_table` (on the embedded server; `DYNAMAP_SERVER` and
//! `DYNAMAP_ENDPOINT` choose another, as in the quickstart).

use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};

/// Release 1's table: no index.
#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct ShopV1;

/// Release 2's table: the same keys, and a global index.
#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct Shop;

/// Release 1: the customer's name under `fullname`.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = ShopV1, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}")]
struct OrderV1 {
    customer: String,
    id: u32,
    status: String,
    fullname: String,
}

/// Release 2: in `Gsi1` by status, the name under `name` (read from `fullname` too), and
/// a priority that old items read as 0.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}",
         index(Gsi1, pk = "STATUS#{status}", sk = "ORDER#{id}"))]
struct Order {
    customer: String,
    id: u32,
    status: String,
    #[dynamo(alias = "fullname")]
    name: String,
    #[dynamo(default)]
    priority: u8,
}

/// Release 2's orders as release 3 reads them: its shape 1.
#[derive(DynamoValue)]
struct OrderShape1 {
    customer: String,
    id: u32,
    status: String,
    name: String,
    #[dynamo(default)]
    priority: u8,
}

/// Release 3: a `rush` flag instead of the priority; shape 2.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}",
         index(Gsi1, pk = "STATUS#{status}", sk = "ORDER#{id}"),
         shape(version = 2, from(OrderShape1)))]
struct OrderV3 {
    customer: String,
    id: u32,
    status: String,
    name: String,
    rush: bool,
}

impl From<OrderShape1> for OrderV3 {
    fn from(old: OrderShape1) -> OrderV3 {
        OrderV3 {
            customer: old.customer,
            id: old.id,
            status: old.status,
            name: old.name,
            rush: old.priority >= 2,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = dynamap::local::LocalServer::from_env()?;
    let client = server.client().await?;
    let name = format!("live-table-{}", std::process::id());

    // Release 1 creates the table and stores 500 orders.
    let v1 = Table::<ShopV1>::new(client.clone(), name.clone());
    v1.create_table().await?;
    let orders_v1 = (0..500).map(|id| OrderV1 {
        customer: format!("c{}", id % 20),
        id,
        status: if id % 4 == 0 { "open" } else { "shipped" }.into(),
        fullname: format!("Customer {}", id % 20),
    });
    v1.entity::<OrderV1>().insert_many(orders_v1).await?;

    // Release 2 starts: the index its type declares is added to the live table.
    let shop = Table::<Shop>::new(client, name.clone());
    let ensured = shop.ensure_table().add_missing(true).await?;
    println!("added: {:?}", ensured.added);
    assert_eq!(ensured.added, ["index `gsi1`"]);
    let orders = shop.entity::<Order>();
    // Old items hold no index keys yet: the index is empty.
    println!(
        "open orders in the index before: {}",
        orders.query_index::<Gsi1>("open").count().await?
    );

    // What would change, without writing.
    let dry = orders.backfill().dry_run(true).samples(1).await?;
    println!("would rewrite {} of {} orders", dry.rewritten, dry.scanned);
    assert_eq!((dry.rewritten, dry.scanned), (500, 500));

    // The backfill, while the service keeps writing in today's form.
    let service = {
        let orders = shop.entity::<Order>();
        tokio::spawn(async move {
            let mut written: dynamap::Result<()> = Ok(());
            for id in 500..600 {
                let order = Order {
                    customer: "c1".into(),
                    id,
                    status: "open".into(),
                    name: "Customer 1".into(),
                    priority: 2,
                };
                if let Err(e) = orders.insert(&order).await {
                    written = Err(e);
                    break;
                }
            }
            written
        })
    };
    let report = orders.backfill().segments(4).await?;
    service.await??;
    println!(
        "backfill: {} scanned, {} rewritten, {} current, {} redone after a conflict, finished: {}",
        report.scanned, report.rewritten, report.current, report.conflicts, report.finished
    );
    println!(
        "open orders in the index after: {}",
        orders.query_index::<Gsi1>("open").count().await?
    );

    // An order moves to another customer: one transaction deletes and puts it.
    let key = ("c0".to_owned(), 0_u32);
    let moved = orders
        .move_item(&key, |o| o.customer = "c19".into())
        .await?;
    println!("order {} now belongs to {}", moved.id, moved.customer);
    assert!(orders.get(&key).await?.is_none());

    // A customer leaves: their orders go, nothing else of the partition.
    let removed = orders.remove_partition("c2").await?;
    println!("removed {} orders of c2", removed.written);
    assert_eq!(removed.written, 25);

    // Release 3 changes the shape; its reads upgrade release 2's items at once.
    let orders = shop.entity::<OrderV3>();
    let rushed = orders.get(&("c1".to_owned(), 501)).await?;
    assert!(rushed.is_some_and(|o| o.rush));
    // An update of an old item rewrites it in the new shape first, then applies.
    let f = OrderV3::fields();
    let key = ("c1".to_owned(), 1_u32);
    orders.modify(&key).set(f.rush, true).await?;
    assert!(orders.get(&key).await?.is_some_and(|o| o.rush));
    // The backfill brings the rest into the new shape.
    let report = orders.backfill().segments(4).await?;
    println!(
        "shape 2: {} rewritten, {} already current",
        report.rewritten, report.current
    );
    assert_eq!(report.current, 1);

    shop.delete_table().await?;
    Ok(())
}
