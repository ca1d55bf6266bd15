//! The benchmarked types. Each derives dynamap's traits and serde's, so dynamap and
//! serde_dynamo convert the very same value.

use std::collections::{BTreeMap, HashSet};

use dynamap::{DynamoItem, DynamoValue};
use serde::{Deserialize, Serialize};

/// A line of an order: the nested struct inside the list.
#[derive(DynamoValue, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Line {
    /// Stock-keeping unit.
    pub sku: String,
    /// How many.
    pub quantity: u32,
    /// Price of one.
    pub unit_price_cents: i64,
}

/// A realistic 10-field item: strings, integers, a float, a bool, an optional, a string
/// set, a list of nested structs and a map.
#[derive(DynamoItem, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Order {
    /// Partition key.
    #[dynamo(partition_key)]
    pub customer: String,
    /// Sort key.
    #[dynamo(sort_key)]
    pub order_id: u64,
    /// Status.
    pub status: String,
    /// Total.
    pub total_cents: i64,
    /// Discount rate.
    pub discount: f64,
    /// Gift wrapped.
    pub gift: bool,
    /// A note.
    pub note: Option<String>,
    /// Tags.
    pub tags: HashSet<String>,
    /// Lines.
    pub lines: Vec<Line>,
    /// Free-form attributes.
    pub attributes: BTreeMap<String, String>,
}

/// A sample order with three lines.
pub fn order(i: u64) -> Order {
    Order {
        customer: format!("customer-{}", i % 1000),
        order_id: i,
        status: "shipped".to_owned(),
        total_cents: 12_345 + i as i64,
        discount: 0.125,
        gift: i.is_multiple_of(2),
        note: i.is_multiple_of(3).then(|| "leave at the door".to_owned()),
        tags: ["priority", "fragile"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        lines: (0..3)
            .map(|l| Line {
                sku: format!("SKU-{l:04}"),
                quantity: l + 1,
                unit_price_cents: 499 + i64::from(l),
            })
            .collect(),
        attributes: [("channel", "web"), ("campaign", "autumn")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

macro_rules! wide {
    ($($name:ident: $ty:ty = $value:expr,)*) => {
        /// A 50-field record of strings, integers, floats, booleans and optionals.
        #[derive(DynamoItem, Serialize, Deserialize, Debug, Clone, PartialEq)]
        pub struct Wide {
            /// Partition key.
            #[dynamo(partition_key)]
            pub id: String,
            $(
                /// A field.
                pub $name: $ty,
            )*
        }

        /// A sample wide record.
        pub fn wide(i: u64) -> Wide {
            Wide { id: format!("wide-{i}"), $($name: $value,)* }
        }

        /// The names of the wide record's fields, for the hand-written conversion.
        pub const WIDE_FIELDS: &[&str] = &[$(stringify!($name)),*];
    };
}

wide! {
    s01: String = "alpha".into(), n02: i64 = 2, f03: f64 = 0.3, b04: bool = true, o05: Option<String> = Some("five".into()),
    s06: String = "bravo".into(), n07: i64 = 7, f08: f64 = 0.8, b09: bool = false, o10: Option<String> = None,
    s11: String = "charlie".into(), n12: i64 = 12, f13: f64 = 1.3, b14: bool = true, o15: Option<String> = Some("x".into()),
    s16: String = "delta".into(), n17: i64 = 17, f18: f64 = 1.8, b19: bool = false, o20: Option<String> = None,
    s21: String = "echo".into(), n22: i64 = 22, f23: f64 = 2.3, b24: bool = true, o25: Option<String> = Some("y".into()),
    s26: String = "foxtrot".into(), n27: i64 = 27, f28: f64 = 2.8, b29: bool = false, o30: Option<String> = None,
    s31: String = "golf".into(), n32: i64 = 32, f33: f64 = 3.3, b34: bool = true, o35: Option<String> = Some("z".into()),
    s36: String = "hotel".into(), n37: i64 = 37, f38: f64 = 3.8, b39: bool = false, o40: Option<String> = None,
    s41: String = "india".into(), n42: i64 = 42, f43: f64 = 4.3, b44: bool = true, o45: Option<String> = Some("w".into()),
    s46: String = "juliet".into(), n47: i64 = 47, f48: f64 = 4.8, b49: bool = false,
}

/// An order id: a `Uuid` newtype, as services key their items.
#[derive(DynamoValue, Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderId(pub uuid::Uuid);

/// How an order was paid: an enum with data, internally tagged.
#[derive(DynamoValue, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[dynamo(tag = "kind", rename_all = "snake_case")]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payment {
    /// By card.
    Card {
        /// The card's last four digits.
        last4: String,
        /// The authorisation code.
        auth: String,
    },
    /// In cash.
    Cash,
}

/// The item a service stores: a `Uuid` newtype key, `chrono` timestamps, `Decimal`
/// money and a tagged enum.
#[derive(DynamoItem, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ServiceOrder {
    /// Partition key.
    #[dynamo(partition_key)]
    pub id: OrderId,
    /// The customer.
    pub customer: uuid::Uuid,
    /// When it was placed.
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// When it was last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The total.
    pub total: rust_decimal::Decimal,
    /// The tax.
    pub tax: rust_decimal::Decimal,
    /// How it was paid.
    pub payment: Payment,
}

/// A sample service order.
pub fn service_order(i: u64) -> ServiceOrder {
    use chrono::TimeZone;
    let at = chrono::Utc
        .timestamp_opt(1_732_473_600 + i as i64, 123_456_789)
        .single()
        .unwrap_or_default();
    ServiceOrder {
        id: OrderId(uuid::Uuid::from_u128(
            0x67e5_5044_10b1_426f_9247_bb68_0e5f_0000 + u128::from(i),
        )),
        customer: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
        placed_at: at,
        updated_at: at + chrono::Duration::seconds(90),
        total: rust_decimal::Decimal::new(199_995, 2),
        tax: rust_decimal::Decimal::new(3_800, 2),
        payment: Payment::Card {
            last4: "4242".to_owned(),
            auth: "A1B2C3".to_owned(),
        },
    }
}

/// The table of a single-table design, for the key-template rows.
#[derive(dynamap::DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
pub struct BenchApp;

/// An entity keyed by templates: a uuid newtype in the partition, a timestamp and a
/// uuid in the sort key.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = BenchApp, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{placed_at}#{id}")]
pub struct EntityOrder {
    /// The customer.
    pub user_id: OrderId,
    /// When it was placed.
    pub placed_at: chrono::DateTime<chrono::Utc>,
    /// The order.
    pub id: uuid::Uuid,
    /// The total.
    pub total: rust_decimal::Decimal,
}

/// A sample entity order.
pub fn entity_order(i: u64) -> EntityOrder {
    let o = service_order(i);
    EntityOrder {
        user_id: o.id,
        placed_at: o.placed_at,
        id: o.customer,
        total: o.total,
    }
}
