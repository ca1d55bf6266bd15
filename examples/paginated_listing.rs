//! A paginated listing as a web API serves it: each call returns one page and a sealed
//! cursor (encrypted, authenticated, bound to this customer's partition); the client
//! sends the cursor back to get the next page.
//!
//! `cargo run --example paginated_listing` (on the embedded server; `DYNAMAP_SERVER`
//! and `DYNAMAP_ENDPOINT` choose another, as in the quickstart).

use dynamap::prelude::*;
use dynamap::reads::TokenSecret;
use futures::TryStreamExt;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    total_cents: i64,
}

/// The JSON a listing endpoint would return.
#[derive(serde::Serialize)]
struct ListResponse {
    orders: Vec<u64>,
    next_cursor: Option<String>,
}

/// `GET /customers/{customer}/orders?cursor=...`: newest first, 20 per page.
async fn list_orders(
    orders: &TypedMapping<Order>,
    secret: &TokenSecret,
    customer: &str,
    cursor: Option<&str>,
) -> dynamap::Result<ListResponse> {
    let mut query = orders.query(customer).reverse(true).page_size(20);
    if let Some(cursor) = cursor {
        // A tampered cursor, or one from another customer, fails with Error::InvalidPageToken.
        query = query.start_from_sealed(cursor, secret);
    }
    let page = query.pages().try_next().await?;
    Ok(match page {
        Some(page) => ListResponse {
            next_cursor: page.next_token().map(|t| t.seal(secret)).transpose()?,
            orders: page.into_items().into_iter().map(|o| o.order_id).collect(),
        },
        None => ListResponse {
            orders: Vec::new(),
            next_cursor: None,
        },
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The embedded server by default; DYNAMAP_SERVER=dynamodb-local for DynamoDB Local,
    // DYNAMAP_ENDPOINT=http://... for a server you run. Stopped at the end.
    let server = dynamap::local::LocalServer::from_env()?;
    println!(
        "using the {} server at {}",
        server.kind(),
        server.endpoint()
    );
    let client = server.client().await?;
    let orders: TypedMapping<Order> = TypedMapping::new(client, "paginated-orders");
    orders.create_table().await?;
    for order_id in 1..=95 {
        orders
            .insert(&Order {
                customer: "alice".into(),
                order_id,
                total_cents: order_id as i64 * 100,
            })
            .await?;
    }
    println!("inserted 95 orders for alice");
    // A real service loads this from its secret store.
    let secret: TokenSecret = *b"an example secret, 32 bytes long";

    // The client side: follow the cursor until there is none.
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    loop {
        let response = list_orders(&orders, &secret, "alice", cursor.as_deref()).await?;
        let json = serde_json::to_string(&response)?;
        println!(
            "GET ...?cursor={} -> {} orders, {} bytes of JSON",
            cursor.as_deref().unwrap_or("(none)"),
            response.orders.len(),
            json.len()
        );
        seen += response.orders.len();
        match response.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    println!("listed {seen} orders in pages of 20");
    assert_eq!(seen, 95);

    match list_orders(&orders, &secret, "alice", Some("not-a-cursor")).await {
        Err(e) => println!("a tampered cursor is refused: {e}"),
        Ok(_) => println!("unexpected: a tampered cursor was accepted"),
    }
    let first = list_orders(&orders, &secret, "alice", None).await?;
    match list_orders(&orders, &secret, "bob", first.next_cursor.as_deref()).await {
        Err(e) => println!("alice's cursor cannot list bob's orders: {e}"),
        Ok(_) => println!("unexpected: a cursor crossed partitions"),
    }
    orders.delete_table().await?;
    Ok(())
}
