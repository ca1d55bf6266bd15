//! The table and its entities: users, their orders, and each order's lines, all in one
//! DynamoDB table.
//!
//! | entity | `pk` | `sk` | `gsi1pk` / `gsi1sk` |
//! |---|---|---|---|
//! | `User` | `USER#{id}` | `PROFILE` | `EMAIL#{email}` / `USER` |
//! | `Order` | `USER#{user_id}` | `ORDER#{order_id}` | |
//! | `OrderLine` | `ORDER#{order_id}` | `LINE#{line}` | |
//!
//! A user's orders share the user's partition, so listing them is one query that can be
//! strongly consistent. Order ids are UUIDv7: their text sorts by creation time, so the
//! key order of `ORDER#{order_id}` is the order in which orders were placed, newest last.
//! Lines live in their order's own partition: they never page through a user's order
//! listing, and one query reads them all.

use chrono::{DateTime, Utc};
use dynamap::prelude::*;
use dynamap::DynamoTable;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user's id. A newtype, so an order id cannot be passed where a user id is expected.
#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

/// An order's id: a UUIDv7, so ids sort by the time they were made.
#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub Uuid);

impl OrderId {
    /// A new id, later in key order than every id made before it by this process.
    pub fn new() -> Self {
        OrderId(Uuid::now_v7())
    }
}

impl Default for OrderId {
    fn default() -> Self {
        Self::new()
    }
}

/// The physical table: generic key names and one overloaded global index.
#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
pub struct App;

/// An email is `name@domain`: the validator every write of a user runs.
pub fn valid_email(email: &str) -> Result<(), &'static str> {
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => Err("expected name@domain"),
    }
}

/// A user. `version` backs the HTTP `ETag`; `orders` counts the user's orders, kept by
/// every write of an order in its own transaction (`count` on `Order`). `UserPatch` (derived) is the body
/// of `PATCH /users/{id}`: `email` and `name`, each optional.
#[derive(DynamoItem, DynamoPatch, Debug, Clone, PartialEq, Serialize)]
#[dynamo(
    table = App,
    entity = "User",
    pk = "USER#{id}",
    sk = "PROFILE",
    index(Gsi1, pk = "EMAIL#{email}", sk = "USER")
)]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// Unique: every write (create, patch, delete) moves its guard item in the same
    /// transaction, so two users never share one (409). Looked up through `Gsi1`;
    /// checked by `valid_email` on every write.
    #[dynamo(unique, validate = "valid_email")]
    pub email: String,
    /// A display name.
    pub name: String,
    /// How many orders the user has (kept by the order routes: not patchable).
    #[dynamo(no_patch)]
    pub orders: u32,
    /// When the user was created (set at creation; kept by later writes).
    #[dynamo(created_at)]
    pub created_at: DateTime<Utc>,
    /// When the user last changed (stamped by dynamap on every write).
    #[dynamo(updated_at)]
    pub updated_at: DateTime<Utc>,
    /// Optimistic locking: bumped by every write, sent as the `ETag`.
    #[dynamo(version)]
    #[serde(skip)]
    pub version: u64,
}

/// Where an order is in its life.
#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Just placed.
    Placed,
    /// Paid for.
    Paid,
    /// On its way.
    Shipped,
    /// Called off.
    Cancelled,
}

/// An order, in its user's partition. Every write of an order keeps its user's
/// `orders` count, in the same transaction (`count(User, ..)`).
#[derive(DynamoItem, Debug, Clone, PartialEq, Serialize)]
#[dynamo(
    table = App,
    entity = "Order",
    pk = "USER#{user_id}",
    sk = "ORDER#{order_id}",
    count(User, into = "orders", key(id = user_id))
)]
pub struct Order {
    /// Whose order it is.
    pub user_id: UserId,
    /// The order's id (time-ordered).
    pub order_id: OrderId,
    /// Where the order is.
    pub status: OrderStatus,
    /// The sum of its lines, exact.
    pub total: Decimal,
    /// When the order was placed.
    #[dynamo(created_at)]
    pub placed_at: DateTime<Utc>,
    /// When it last changed.
    #[dynamo(updated_at)]
    pub updated_at: DateTime<Utc>,
    /// Optimistic locking, sent as the `ETag`.
    #[dynamo(version)]
    #[serde(skip)]
    pub version: u64,
}

/// One line of an order, in the order's own partition.
#[derive(DynamoItem, Debug, Clone, PartialEq, Serialize)]
#[dynamo(table = App, entity = "OrderLine", pk = "ORDER#{order_id}", sk = "LINE#{line}")]
pub struct OrderLine {
    /// The order the line belongs to.
    #[serde(skip)]
    pub order_id: OrderId,
    /// Its number within the order, from 1 (zero-padded in the key, so 10 sorts after 9).
    pub line: u16,
    /// What was bought.
    pub sku: String,
    /// How many.
    pub quantity: u32,
    /// The price of one, exact.
    pub unit_price: Decimal,
}
