//! Changing a live table, as a service's releases do: release 1 stores orders; release 2
//! adds an index (by status), renames an attribute (`fullname` to `name`) and a field
//! with a default (`priority`). While release 2's service keeps writing, the table is
//! brought along: the index added (`ensure_table().add_missing(true)`), every old item
//! rewritten into today's form (`backfill()`), an order moved to another customer
//! (`move_item`), and a customer's orders removed (`remove_partition`).
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

    shop.delete_table().await?;
    Ok(())
}
