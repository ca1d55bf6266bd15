//! A single-table design: users, their orders and order lines in one table, keyed by
//! composed keys (`USER#{id}`, `ORDER#{placed_at}#{id}`), read one entity at a time, as
//! a collection (a user's profile, orders and lines in one query), by a date range on
//! the composed sort key, and by email through a global index.
//!
//! `cargo run --example single_table` (on the embedded server; `DYNAMAP_SERVER` and
//! `DYNAMAP_ENDPOINT` choose another, as in the quickstart).

use chrono::{DateTime, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::{DynamoCollection, DynamoTable, Table};
use futures::TryStreamExt;
use rust_decimal::Decimal;
use uuid::Uuid;

/// Ids are newtypes: a user id cannot be passed where an order id is expected.
#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct UserId(Uuid);

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct OrderId(Uuid);

/// One physical table with generic key names and one global index.
#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct App;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = App,
    entity = "User",
    pk = "USER#{id}",
    sk = "PROFILE",
    index(Gsi1, pk = "EMAIL#{email}", sk = "USER")
)]
struct User {
    id: UserId,
    email: String,
    name: String,
    orders: u32,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{placed_at}#{id}")]
struct Order {
    user_id: UserId,
    placed_at: DateTime<Utc>, // fixed-width text in the key: key order is time order
    id: OrderId,
    total: Decimal,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = App,
    entity = "OrderLine",
    pk = "USER#{user_id}",
    sk = "ORDER#{placed_at}#{order_id}#LINE#{line}"
)]
struct OrderLine {
    user_id: UserId,
    placed_at: DateTime<Utc>,
    order_id: OrderId,
    line: u16, // zero-padded in the key: line 10 sorts after line 9
    sku: String,
}

/// Everything stored in a user's partition, read by one query.
#[derive(DynamoCollection, Debug)]
enum UserView {
    User(User),
    Order(Order),
    Line(OrderLine),
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = dynamap::local::LocalServer::from_env()?;
    println!(
        "using the {} server at {}",
        server.kind(),
        server.endpoint()
    );
    let app = Table::<App>::new(server.client().await?, "single-table-app");
    app.ensure_table().await?;
    let (users, orders, lines) = (
        app.entity::<User>(),
        app.entity::<Order>(),
        app.entity::<OrderLine>(),
    );

    let ada = User {
        id: UserId(Uuid::from_u128(1)),
        email: "ada@example.com".into(),
        name: "Ada".into(),
        orders: 0,
    };
    users.insert(&ada).await?;

    // Three orders across a month boundary, each written with a bump of the user's
    // order count in one transaction.
    let days = [(1, 30), (1, 31), (2, 1)];
    for (n, (month, day)) in days.into_iter().enumerate() {
        let order = Order {
            user_id: ada.id,
            placed_at: Utc.with_ymd_and_hms(2026, month, day, 12, 0, 0).unwrap(),
            id: OrderId(Uuid::from_u128(100 + n as u128)),
            total: Decimal::new(1999 + n as i64, 2),
        };
        dynamap::transaction(users.client())
            .put_if_absent(&orders, &order)
            .modify(&users, &ada.id, |m| m.add(User::fields().orders, 1))
            .await?;
        for line in 1..=2 {
            lines
                .insert(&OrderLine {
                    user_id: ada.id,
                    placed_at: order.placed_at,
                    order_id: order.id,
                    line,
                    sku: format!("SKU-{line}"),
                })
                .await?;
        }
    }

    // One entity: the key is its template fields.
    let stored = users.get(&ada.id).await?.expect("ada was inserted");
    println!("{} has {} orders", stored.name, stored.orders);

    // A range on the composed sort key: January's orders only (lines are left out).
    let f = Order::fields();
    let january: Vec<Order> = orders
        .query(&ada.id)
        .sort_key(f.placed_at.between(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 1, 31, 23, 59, 59).unwrap(),
        ))
        .stream()
        .try_collect()
        .await?;
    println!("January: {} orders", january.len());
    assert_eq!(january.len(), 2);

    // The whole partition as a collection, in sort order: orders, each followed by
    // its lines, then the profile.
    let view: Vec<UserView> = app
        .collection::<UserView>()
        .query(&ada.id)
        .stream()
        .try_collect()
        .await?;
    for item in &view {
        match item {
            UserView::Order(o) => println!("order {} at {}: {}", o.id.0, o.placed_at, o.total),
            UserView::Line(l) => println!("  line {}: {}", l.line, l.sku),
            UserView::User(u) => println!("profile of {}", u.name),
        }
    }
    assert_eq!(view.len(), 1 + 3 + 6);

    // The global index: find a user by email.
    let by_email = users.query_index::<Gsi1>("ada@example.com").first().await?;
    println!("found by email: {:?}", by_email.map(|u| u.name));

    app.delete_table().await?;
    Ok(())
}
