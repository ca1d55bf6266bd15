//! A change feed as an outbox consumer runs it: read a table's changes as typed
//! `Change<Order>`s, handle each, save the cursor after it, and resume from the saved
//! cursor after a restart without missing a change.
//!
//! `cargo run --example change_feed` (on the embedded server; `DYNAMAP_SERVER` and
//! `DYNAMAP_ENDPOINT` choose another, as in the quickstart).

use std::time::Duration;

use dynamap::prelude::*;
use dynamap::{changes::ChangeCursor, changes::ChangeKind, changes::StartAt, schema::StreamView};
use futures::StreamExt;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    status: String,
    total_cents: i64,
}

/// Reads changes until none comes for a second, handling and checkpointing each.
async fn consume(
    orders: &TypedMapping<Order>,
    cursor: &mut ChangeCursor,
    start: StartAt,
) -> dynamap::Result<usize> {
    let mut feed = orders
        .changes()
        .start_at(start)
        .poll_interval(Duration::from_millis(100))
        .stream();
    let mut handled = 0;
    while let Ok(Some(change)) = tokio::time::timeout(Duration::from_secs(1), feed.next()).await {
        let change = change?;
        match (change.kind, &change.old, &change.new) {
            (ChangeKind::Insert, _, Some(new)) => println!("new order {} ({})", new.id, new.status),
            (ChangeKind::Modify, Some(old), Some(new)) => {
                println!("order {}: {} -> {}", new.id, old.status, new.status)
            }
            (ChangeKind::Remove, Some(old), _) => println!("order {} removed", old.id),
            _ => println!("{:?} of {}", change.kind, change.key),
        }
        // Handled: only now does the cursor move (a crash before this line means the
        // change comes again after a restart: at least once).
        cursor.advance(&change.position);
        handled += 1;
    }
    Ok(handled)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = dynamap::local::LocalServer::from_env()?;
    println!(
        "using the {} server at {}",
        server.kind(),
        server.endpoint()
    );
    let orders: TypedMapping<Order> =
        TypedMapping::new(server.client().await?, "change-feed-orders");
    orders
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .ensure()
        .await?;
    let f = Order::fields();
    for i in 1..=3 {
        orders
            .insert(&Order {
                id: format!("o{i}"),
                status: "placed".into(),
                total_cents: 1000 * i,
            })
            .await?;
    }
    orders.modify("o1").set(f.status, "shipped").await?;

    let mut cursor = ChangeCursor::default();
    let first = consume(&orders, &mut cursor, StartAt::Oldest).await?;
    // A real consumer stores this text durably (a table item, a file) after each change.
    let saved = serde_json::to_string(&cursor)?;
    println!(
        "handled {first} changes; cursor saved ({} bytes)",
        saved.len()
    );

    // Meanwhile, more changes; then the consumer restarts from its saved cursor.
    orders.remove("o2").await?;
    orders.modify("o3").set(f.status, "cancelled").await?;
    let mut cursor: ChangeCursor = serde_json::from_str(&saved)?;
    let start = StartAt::After(cursor.clone());
    let second = consume(&orders, &mut cursor, start).await?;
    println!("after the restart: {second} more changes");
    assert_eq!((first, second), (4, 2), "every change once");

    orders.delete_table().await?;
    Ok(())
}
