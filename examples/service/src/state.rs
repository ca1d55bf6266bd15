//! What every handler shares: the table's entity mappings and the cursor secret.

use std::sync::Arc;

use dynamap::{reads::TokenSecret, Table, TypedMapping};

use crate::model::{App, Order, OrderLine, User};

/// The service's state, cheap to clone (one per request).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    table: Table<App>,
    users: TypedMapping<User>,
    orders: TypedMapping<Order>,
    lines: TypedMapping<OrderLine>,
    secret: TokenSecret,
}

impl AppState {
    /// The state for the table `table_name`, sealing cursors with `secret` (a real
    /// service loads it from its secret store; 32 bytes).
    pub fn new(
        client: dynamap::aws_sdk_dynamodb::Client,
        table_name: &str,
        secret: TokenSecret,
    ) -> Self {
        let table = Table::<App>::new(client, table_name);
        AppState {
            inner: Arc::new(Inner {
                users: table.entity(),
                orders: table.entity(),
                lines: table.entity(),
                table,
                secret,
            }),
        }
    }

    /// The physical table (to create it, or to run a transaction on its client).
    pub fn table(&self) -> &Table<App> {
        &self.inner.table
    }

    /// Users.
    pub fn users(&self) -> &TypedMapping<User> {
        &self.inner.users
    }

    /// Orders.
    pub fn orders(&self) -> &TypedMapping<Order> {
        &self.inner.orders
    }

    /// Order lines.
    pub fn lines(&self) -> &TypedMapping<OrderLine> {
        &self.inner.lines
    }

    /// The key cursors are sealed with.
    pub fn secret(&self) -> &TokenSecret {
        &self.inner.secret
    }
}
