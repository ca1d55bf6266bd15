//! # dynamap: a DynamoDB table as a typed Rust map
//!
//! Derive [`DynamoItem`] on a struct, mark its key, and use the table through a
//! [`TypedMapping`]: `get`, `insert`, `remove`, `contains_key`, counts, table creation
//! from the derived key schema, and [`modify`](TypedMapping::modify): updates built from
//! typed paths ([`DynamoItem::fields`]) that the compiler checks, with typed
//! [`Condition`]s, optimistic locking and [`update_with`](TypedMapping::update_with).
//!
//! ```no_run
//! use dynamap::{DynamoItem, TypedMapping};
//!
//! #[derive(DynamoItem, Debug, Clone, PartialEq)]
//! struct Order {
//!     #[dynamo(partition_key)]
//!     customer: String,
//!     #[dynamo(sort_key)]
//!     order_id: u64,
//!     total_cents: i64,
//!     note: Option<String>,
//! }
//!
//! # async fn demo() -> dynamap::Result<()> {
//! let client = dynamap::connect().region("eu-west-1").await?;
//! let orders: TypedMapping<Order> = TypedMapping::new(client, "orders");
//! orders.create_table().await?;
//!
//! let order = Order { customer: "alice".into(), order_id: 7, total_cents: 1250, note: None };
//! orders.insert(&order).await?;
//! assert_eq!(orders.get(&("alice".to_string(), 7)).await?, Some(order));
//! # Ok(()) }
//! ```
//!
//! ## Attributes
//!
//! | attribute | on | effect |
//! |---|---|---|
//! | `#[dynamo(partition_key)]` | field | the partition key (exactly one) |
//! | `#[dynamo(sort_key)]` | field | the sort key (at most one) |
//! | `#[dynamo(rename = "name")]` | field, variant | the stored attribute name or enum string |
//! | `#[dynamo(rename_all = "camelCase")]` | struct, enum | renames every field or variant (`lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`) |
//! | `#[dynamo(skip)]` | field | not stored; `Default::default()` when read |
//! | `#[dynamo(default)]` | field | a missing attribute reads as `Default::default()` |
//! | `#[dynamo(default = "function")]` | field | a missing attribute reads as `function()` |
//! | `#[dynamo(flatten)]` | struct field (`DynamoValue` struct) | its attributes stored beside the item's own; typed paths through it (`fields().address.city`) name them |
//! | `#[dynamo(alias = "old_name")]` | field | also read from `old_name` (after a rename; the current name wins; repeatable) |
//! | `#[dynamo(serde)]` | field | stored through serde_dynamo (any `Serialize + DeserializeOwned`) |
//! | `#[dynamo(with = "module")]` | field | stored through `module::to_stored(&T) -> Result<S, ConversionError>` and `module::from_stored(S) -> Result<T, ConversionError>`, where `S` is any stored type; typed paths convert through it too |
//! | `#[dynamo(version)]` | field | an integer version for optimistic locking |
//! | `#[dynamo(ttl)]` | field | DynamoDB's time to live: stored as whole epoch seconds |
//! | `#[dynamo(created_at)]` | time field ([`Timestamp`](config::Timestamp)) | set once: by `insert`, `insert_many` and transaction puts when the field is `None`, by `modify`/upsert with `if_not_exists` |
//! | `#[dynamo(updated_at)]` | time field ([`Timestamp`](config::Timestamp)) | set by every write (`insert`, `insert_many`, `modify`, `update_with`, transactions); the time comes from the mapping's [`Clock`](config::Clock) ([`TypedMapping::with_clock`]) |
//! | `#[dynamo(epoch_seconds)]`, `#[dynamo(epoch_millis)]` | time field ([`EpochTime`](value::EpochTime)) | stored as an epoch number (`N`), exact (a decimal fraction when the time has one) |
//! | `#[dynamo(transparent)]` | one-field struct (`DynamoValue`) | stored as its field, as a tuple newtype is |
//! | `#[dynamo(tag = "kind")]` | enum with data (`DynamoValue`) | stored as a map: the variant's name in `kind`, its named fields beside it |
//! | `#[dynamo(tag = "t", content = "c")]` | enum with data (`DynamoValue`) | the variant's name in `t`, its fields (a map) or its one value in `c` |
//! | `#[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]` | struct (`DynamoItem`) | an entity of a single-table design: keys rendered from templates, the entity name stored (see [`Entity`](single_table::Entity), [`Table`]) |
//! | `#[dynamo(index(Gsi1, pk = "...", sk = "..."))]` | entity | the entity's key templates in an index its table declares |
//! | `#[dynamo(do_not_recommend)]` | struct, enum | the derived trait impls stay out of the compiler's "the trait is implemented for" suggestions: for a library's own item types, which its users' error messages need not list |
//! | `#[dynamo(partition_key = "pk", sort_key = "sk", index(Gsi1, partition_key = "..."), entity_attribute = "_et", ttl = "...")]` | unit struct (`DynamoTable`) | the table of a single-table design; `index(Name, local, sort_key = "...")` for a local index |
//!
//! ## Types
//!
//! | Rust | DynamoDB | feature |
//! |---|---|---|
//! | `String`, unit enums (derived) | `S` | |
//! | integers up to `i128`/`u128`, `f32`, `f64` | `N` | |
//! | `bool` | `BOOL` | |
//! | `Vec<u8>`, `bytes::Bytes`, `Blob` | `B` | |
//! | `Option<T>` | `T`, or no attribute for `None` | |
//! | `Vec<T>` | `L` | |
//! | `HashMap<String, T>`, `BTreeMap<String, T>`, structs (derived) | `M` | |
//! | `HashSet`/`BTreeSet` of strings, numbers, bytes | `SS`, `NS`, `BS` (also read from an `L` another writer stored) | |
//! | `SystemTime` | `N`, epoch seconds | |
//! | newtypes (`struct OrderId(Uuid)`, derived) | as the inner type, with its capabilities | |
//! | `uuid::Uuid` | `S`, lowercase hyphenated | `uuid` |
//! | `chrono::DateTime<Utc>`, `DateTime<FixedOffset>` | `S`, `2024-05-01T09:30:00.000000000Z` (UTC, nine fraction digits: string order is time order) | `chrono` |
//! | `chrono::NaiveDate` | `S`, `2024-05-01` | `chrono` |
//! | `time::OffsetDateTime` | `S`, as `DateTime<Utc>` | `time` |
//! | `time::PrimitiveDateTime` | `S`, `2024-05-01T09:30:00.000000000` | `time` |
//! | `time::Date` | `S`, `2024-05-01` | `time` |
//! | `value::Millis<T>`, `Micros<T>`, `Nanos<T>`, `TimeText<T, D>` (`T` a time above or `SystemTime`) | `S`, `2024-05-01T09:30:00.123Z`: 3, 6, 9 or `D` fraction digits (a table shared with JavaScript's `toISOString()` and its libraries) | |
//! | `rust_decimal::Decimal` | `N`, exact both ways | `rust_decimal` |
//! | `serde_json::Value` | `M`, `L`, `S`, `N` (exact), `BOOL`, `NULL` | `serde_json` |
//!
//! The time types are keys, set elements and operands of ordered conditions (a
//! `between` on a time sort key returns exactly the items in the range), in years 0000
//! to 9999; they read other RFC 3339 forms and epoch seconds too, and work as
//! `#[dynamo(ttl)]` fields. Each type's details are at [`DynamoValue`].
//!
//! ## Runtime
//!
//! dynamap runs on Tokio, as the AWS SDK does, and waits between retries with Tokio's
//! timer: the runtime needs its time driver. `#[tokio::main]` and `#[tokio::test]`
//! have it; a runtime built by hand needs `.enable_time()` (or `.enable_all()`), or the
//! first retry panics inside Tokio ("timers are disabled").
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(unreachable_pub)]
// docs.rs labels each feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Data read from a table must never make the library panic.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

// The derives expand to `::dynamap::…` paths; this lets the crate derive its own items
// (idempotency records, leases) and its unit tests derive theirs.
extern crate self as dynamap;

mod attr_path;
pub mod backfill;
pub mod batches;
mod change_position;
pub mod changes;
mod clock;
pub mod condition;
mod connect;
pub mod document;
pub mod encryption;
mod entity_def;
pub mod error;
mod error_items;
mod expiry;
mod expr;
mod handle;
pub mod idempotency;
mod item;
mod key;
pub mod lease;
mod lifecycle;
mod limits;
pub mod observe;
pub mod operations;
pub mod path;
pub mod reads;
mod resilience;
pub mod schema;
mod sdk_item;
mod shape;
pub mod single_table;
mod size;
pub mod transactions;
pub mod value;

/// How a handle is set up: the client builder [`connect`] returns, the clock that
/// stamps `created_at`/`updated_at` fields, and the retry and timeout settings.
///
/// ```
/// use dynamap::config::{ManualClock, RetryPolicy, Timeouts};
/// let clock = ManualClock::new(std::time::SystemTime::UNIX_EPOCH);
/// let retries = RetryPolicy::default();
/// let timeouts = Timeouts::default();
/// ```
pub mod config {
    pub use crate::clock::{Clock, ManualClock, Stamps, SystemClock, Timestamp};
    pub use crate::connect::Connect;
    pub use crate::resilience::{RetryPolicy, Timeouts};
}

#[cfg(feature = "local")]
pub mod local;

/// Everything most code needs: `use dynamap::prelude::*;`.
///
/// ```
/// use dynamap::prelude::*;
/// # #[derive(DynamoItem)]
/// # struct T { #[dynamo(partition_key)] id: String }
/// let c: Condition<T> = T::fields().id.exists();
/// ```
pub mod prelude {
    pub use crate::condition::{AttributeType, Condition, PathExt};
    pub use crate::operations::Patch;
    pub use crate::single_table::Entity;
    pub use crate::{
        DynamoCollection, DynamoItem, DynamoPatch, DynamoTable, DynamoValue, Mapping, Table,
        TypedMapping,
    };
}

/// The README's examples, compiled as doc tests so they cannot rot; those that need a
/// server run against the embedded one, so they need the features they name.
#[cfg(all(
    doctest,
    feature = "embedded",
    feature = "change-feed",
    feature = "sealed-tokens",
    feature = "chrono",
    feature = "uuid",
    feature = "rust_decimal",
    feature = "infra",
    feature = "encryption"
))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The encryption guide's examples, compiled as doc tests.
#[cfg(all(doctest, feature = "encryption"))]
#[doc = include_str!("../../docs/encryption.md")]
pub struct EncryptionGuideDoctests;

/// The live-table guide's examples that stand alone, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/live-tables.md")]
pub struct LiveTablesGuideDoctests;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use condition::Condition;
pub use connect::connect;
pub use document::Mapping;
pub use error::{Error, Result};
pub use item::DynamoItem;
pub use operations::TypedMapping;
pub use single_table::{DynamoCollection, DynamoTable, Table};
pub use transactions::{read_transaction, transaction};
pub use value::DynamoValue;

/// Derives [`DynamoItem`] (and [`DynamoValue`], so items nest) for a struct with named
/// fields. See the [crate documentation](crate#attributes) for the attributes.
///
/// ```
/// #[derive(dynamap::DynamoItem)]
/// #[dynamo(rename_all = "camelCase")]
/// struct Session {
///     #[dynamo(partition_key)]
///     session_id: String,
///     user_name: String,          // stored as "userName"
///     #[dynamo(skip)]
///     cache: Vec<u8>,             // never stored
/// }
/// ```
pub use dynamap_derive::DynamoItem;

/// Derives [`DynamoValue`] for a struct with named fields (stored as a map, `M`), a
/// unit-only enum (stored as a string, `S`), an enum with data marked
/// `#[dynamo(tag = "kind")]` (a map naming its variant; with `content = "c"`, the data
/// goes under `c`), or a newtype: a one-field tuple struct (or
/// a one-field struct marked `#[dynamo(transparent)]`), stored as its field. A newtype
/// is a key, a set element, a number to `add` to or a time to live exactly when its
/// field's type is.
///
/// ```
/// #[derive(dynamap::DynamoValue, Debug, PartialEq)]
/// struct Address { street: String, city: String }
///
/// #[derive(dynamap::DynamoValue, Debug, PartialEq)]
/// #[dynamo(rename_all = "SCREAMING_SNAKE_CASE")]
/// enum Status { Pending, InTransit, #[dynamo(rename = "done")] Delivered }
///
/// #[derive(dynamap::DynamoValue, Debug, Clone, PartialEq, Eq, Hash)]
/// struct UserId(String); // stored as the string; a key, a set element
///
/// #[derive(dynamap::DynamoValue, Debug, Clone, PartialEq)]
/// #[dynamo(tag = "kind", rename_all = "snake_case")]
/// enum Payment {
///     Card { last4: String },  // {"kind": "card", "last4": "4242"}
///     Cash,                    // {"kind": "cash"}
/// }
///
/// #[derive(dynamap::DynamoItem)]
/// struct User { #[dynamo(partition_key)] id: UserId, friends: std::collections::HashSet<UserId> }
/// ```
pub use dynamap_derive::DynamoValue;

/// Derives [`DynamoTable`] on a unit struct: the table of a single-table design.
///
/// ```
/// #[derive(dynamap::DynamoTable)]
/// #[dynamo(partition_key = "pk", sort_key = "sk",
///          entity_attribute = "type",                       // default "_et"
///          index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"),
///          index(ByDate, local, sort_key = "lsi1sk"))]
/// struct App;
/// // declares the marker types `Gsi1` ("gsi1") and `ByDate` ("by_date")
/// use dynamap::single_table::DynamoIndex;
/// assert_eq!(ByDate::DEFINITION.name, "by_date");
/// ```
pub use dynamap_derive::DynamoTable;

/// Derives [`DynamoCollection`] on an enum with one variant per entity (see
/// [`Table::collection`]).
pub use dynamap_derive::DynamoCollection;

/// Derives, beside [`DynamoItem`], `{Type}Patch`: a struct of the item's changeable
/// fields, each an `Option` (an optional field's an `Option<Option<_>>`, `Some(None)`
/// removing it), deserializable with serde (absent fields stay `None`), that
/// [`Modify::patch`](operations::Modify::patch) applies in one UpdateItem. Keys, the
/// version, write-time stamps, an entity's primary-key template fields and fields marked
/// `#[dynamo(no_patch)]` are left out. Field types must implement serde's `Deserialize`.
///
/// ```
/// use dynamap::prelude::*;
/// #[derive(DynamoItem, DynamoPatch)]
/// struct User {
///     #[dynamo(partition_key)]
///     id: String,
///     name: String,
///     nickname: Option<String>,
///     #[dynamo(no_patch)]
///     orders: u32,
/// }
/// let patch = UserPatch { name: Some("Ada".into()), ..UserPatch::default() };
/// # let _ = patch;
/// ```
pub use dynamap_derive::DynamoPatch;

/// The AWS SDK for DynamoDB, as dynamap uses it: name its `Client` and types without a
/// second, version-matched dependency.
///
/// ```no_run
/// # async fn f() -> dynamap::Result<()> {
/// let client: dynamap::aws_sdk_dynamodb::Client = dynamap::connect().region("eu-west-1").await?;
/// // or from a configuration you already have:
/// let shared = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
/// let client = dynamap::aws_sdk_dynamodb::Client::new(&shared);
/// # Ok(()) }
/// ```
pub use aws_sdk_dynamodb;
