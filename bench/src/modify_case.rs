//! The 5-operation change the `modify` benchmarks measure, beside the same UpdateItem
//! written by hand: one definition for criterion and for the alternating harness.

use std::hint::black_box;

use dynamap::operations::Modify;
use dynamap::{DynamoItem, TypedMapping};

use crate::hand_written::update_by_hand;
use crate::models::{Line, Order};

/// A mapping to build changes on (nothing is sent), and the change's inputs.
pub struct ModifyCase {
    // Kept alive for the client, which was made on it.
    _runtime: tokio::runtime::Runtime,
    orders: TypedMapping<Order>,
    key: (String, u64),
    line: Line,
}

impl ModifyCase {
    /// A mapping on a client that is never used to send.
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let client = runtime
            .block_on(dynamap::connect().local("http://127.0.0.1:9").client())
            .expect("client");
        ModifyCase {
            _runtime: runtime,
            orders: TypedMapping::new(client, "orders"),
            key: ("alice".to_string(), 7),
            line: Line {
                sku: "SKU-0001".into(),
                quantity: 1,
                unit_price_cents: 499,
            },
        }
    }

    /// The change: a set, an add, a remove, a set insert and a list append.
    pub fn builder(&self) -> Modify<'_, Order> {
        let f = Order::fields();
        self.orders
            .modify(black_box(&self.key))
            .set(f.status, "shipped")
            .add(f.total_cents, 250)
            .remove(f.note)
            .insert_into(f.tags, ["gift"])
            .append(f.lines, [self.line.clone()])
    }

    /// The change rendered as `send` renders it.
    pub fn modify(&self) {
        black_box(self.builder().__render_as_sent().expect("renders"));
    }

    /// The same request built by hand (key, both expressions, names, values).
    pub fn by_hand(&self) {
        black_box(update_by_hand(
            black_box(&self.key),
            black_box("shipped"),
            250,
            true,
            "gift",
            &self.line,
        ));
    }
}

impl Default for ModifyCase {
    fn default() -> Self {
        Self::new()
    }
}
