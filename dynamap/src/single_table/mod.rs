//! Single-table design: one physical table ([`DynamoTable`]), several entity types
//! stored in it under composed keys ([`Entity`]), the indexes they take part in
//! ([`DynamoIndex`], [`InIndex`]), and collections of entities that share a partition
//! ([`DynamoCollection`]).

mod collection;
mod table;

pub use collection::{Collection, CollectionQuery};
pub use table::Table;

use crate::error::Result;
use crate::item::{DynamoItem, IndexDefinition, KeySchema};
use crate::sdk_item::Item;

/// One physical table shared by several entities: its key attributes, its indexes and
/// the attribute naming each item's entity. Derived on a unit struct.
///
/// ```
/// use dynamap::DynamoTable;
///
/// #[derive(DynamoTable)]
/// #[dynamo(partition_key = "pk", sort_key = "sk",
///          index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
/// struct App;
///
/// assert_eq!(App::KEY_SCHEMA.partition_key.name, "pk");
/// assert_eq!(App::INDEXES[0].name, "gsi1");
/// assert_eq!(App::ENTITY_ATTRIBUTE, "_et");
/// ```
pub trait DynamoTable: Send + Sync + 'static {
    /// The table's key attributes (strings: composed keys are text).
    const KEY_SCHEMA: KeySchema;
    /// Every secondary index of the table.
    const INDEXES: &'static [IndexDefinition];
    /// The attribute that names each item's entity (`_et` unless the table says
    /// `entity_attribute = "..."`).
    const ENTITY_ATTRIBUTE: &'static str;
    /// The attribute DynamoDB's time to live reads, when the table names one (`ttl = "..."`).
    const TTL_ATTRIBUTE: Option<&'static str> = None;
}

/// A secondary index named by a marker type, so that entities and queries name it by
/// a type the compiler checks. A [`DynamoTable`]'s derive declares one for each
/// `index(Name, ...)`; a plain item type's derive declares one for each index mention
/// that names its marker (`#[dynamo(gsi_partition_key(ByStatus))]`).
///
/// ```
/// use dynamap::{single_table::DynamoIndex, DynamoItem, DynamoTable};
/// #[derive(DynamoTable)]
/// #[dynamo(partition_key = "pk", sort_key = "sk", index(ByEmail, partition_key = "email_pk"))]
/// struct App;
/// assert_eq!(<ByEmail as DynamoIndex>::DEFINITION.name, "by_email");
///
/// #[derive(DynamoItem)]
/// struct Order {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(gsi_partition_key(ByStatus))]
///     status: String,
/// }
/// assert_eq!(<ByStatus as DynamoIndex>::DEFINITION.name, "by_status");
/// ```
pub trait DynamoIndex: Send + Sync + 'static {
    /// Its name and key attributes.
    const DEFINITION: IndexDefinition;
    /// Every attribute the index holds (its keys, the table's, the included ones), or
    /// `None` when it holds whole items.
    const PROJECTED_ATTRIBUTES: Option<&'static [&'static str]> = None;
}

/// An index that holds whole items (projection `ALL`, the default): what
/// [`query_index`](crate::TypedMapping::query_index) and
/// [`scan_index`](crate::TypedMapping::scan_index) require, since they decode whole
/// items. The derives implement it for each such index.
///
/// ```
/// # #[derive(dynamap::DynamoTable)]
/// # #[dynamo(partition_key = "pk", index(Gsi1, partition_key = "g"))]
/// # struct App;
/// fn whole<I: dynamap::single_table::ProjectsAll>() {}
/// whole::<Gsi1>();
/// ```
#[diagnostic::on_unimplemented(
    message = "index `{Self}` does not hold whole items",
    label = "its projection is `keys_only` or `include(..)`",
    note = "read it as a type declared `#[dynamo(projection_of({Self}))]`: `query_index_as::<{Self}, Row>(..)`"
)]
pub trait ProjectsAll: DynamoIndex {}

/// A type that reads what index `I` holds: derived with
/// `#[dynamo(projection_of(I))]`, which checks at compile time that every attribute
/// the type reads is one the index projects.
///
/// ```
/// use dynamap::{DynamoItem, DynamoValue};
/// #[derive(DynamoItem)]
/// struct Order {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(gsi_partition_key(ByStatus, keys_only))]
///     status: String,
///     total: u64,
/// }
/// #[derive(DynamoValue)]
/// #[dynamo(projection_of(ByStatus))]
/// struct StatusRow { id: String, status: String }
/// fn reads<U: dynamap::single_table::ProjectionOf<ByStatus>>() {}
/// reads::<StatusRow>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared a projection of index `{I}`",
    label = "a type read from an index must be one of its projections",
    note = "declare it: #[dynamo(projection_of({I}))] on `{Self}`, which checks that the index holds every attribute it reads"
)]
pub trait ProjectionOf<I: DynamoIndex>: crate::schema::Projection {}

/// Names the index a marker type stands for in table `T`; the table's derive
/// implements it for each of its indexes, so naming another table's index is a
/// compile error.
///
/// ```
/// # #[derive(dynamap::DynamoTable)]
/// # #[dynamo(partition_key = "pk", index(Gsi1, partition_key = "g"))]
/// # struct App;
/// fn index_of<I: dynamap::single_table::IndexOf<App>>() {}
/// index_of::<Gsi1>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an index of table `{T}`",
    label = "the table does not declare this index",
    note = "declare it on the table: #[dynamo(index({Self}, partition_key = \"...\", sort_key = \"...\"))]"
)]
pub trait IndexOf<T: DynamoTable>: DynamoIndex {}

/// An item type stored in a [`DynamoTable`] under key templates: derived with
/// `#[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]`.
///
/// ```
/// use dynamap::{DynamoItem, DynamoTable, single_table::Entity};
/// # #[derive(DynamoTable)]
/// # #[dynamo(partition_key = "pk", sort_key = "sk")]
/// # struct App;
/// #[derive(DynamoItem)]
/// #[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]
/// struct Order { user_id: String, id: u64, total_cents: i64 }
///
/// assert_eq!(<Order as Entity>::NAME, "Order");
/// assert_eq!(<Order as Entity>::PARTITION_SHAPE, "USER#{}");
/// let item = Order { user_id: "u1".into(), id: 7, total_cents: 100 }.to_item()?;
/// assert_eq!(item["pk"].as_s().unwrap(), "USER#u1");
/// assert_eq!(item["sk"].as_s().unwrap(), "ORDER#00000000000000000007");
/// assert_eq!(item["_et"].as_s().unwrap(), "Order");
/// # Ok::<(), dynamap::Error>(())
/// ```
pub trait Entity: DynamoItem {
    /// The table the entity is stored in.
    type Table: DynamoTable;
    /// The entity's name, stored in the table's entity attribute.
    const NAME: &'static str;
    /// The partition template with its fields as `{}`: entities whose shapes and
    /// partition types agree can form a [`DynamoCollection`].
    const PARTITION_SHAPE: &'static str;
}

/// An item type that takes part in index `I`: what [`TypedMapping::query_index`]
/// requires, so a query of an index the type is not in does not compile. An entity
/// takes part by its `index(I, pk = "...", sk = "...")` templates; a plain type by the
/// field that declares the marker (`#[dynamo(gsi_partition_key(I))]`).
///
/// ```
/// use dynamap::{single_table::InIndex, DynamoItem};
/// #[derive(DynamoItem)]
/// struct Order {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(gsi_partition_key(ByCustomer))]
///     customer: u64,
/// }
/// fn partition_of<T: InIndex<ByCustomer, Partition = u64>>() {}
/// partition_of::<Order>();
/// ```
///
/// [`TypedMapping::query_index`]: crate::TypedMapping::query_index
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not take part in index `{I}`",
    label = "this type declares no keys for the index",
    note = "an entity takes part with `index({I}, pk = \"...\", sk = \"...\")` on the struct; \
            a plain type with `#[dynamo(gsi_partition_key({I}))]` on a field"
)]
pub trait InIndex<I: DynamoIndex>: DynamoItem {
    /// The value [`query_index`](crate::TypedMapping::query_index) takes: the types of
    /// an entity's index partition template's fields, or a plain type's index partition
    /// key field (the type's own [`Partition`](crate::DynamoItem::Partition) when the
    /// index keeps the table's partition key: a local index).
    type Partition: Clone + Send + Sync + 'static;
}

/// Entities that share a partition, read together by one query: derived on an enum
/// with one variant per entity (`enum UserView { User(User), Order(Order) }`); the
/// members' partition templates must take the same fields.
///
/// ```
/// use dynamap::{DynamoCollection, DynamoItem, DynamoTable};
/// # #[derive(DynamoTable)]
/// # #[dynamo(partition_key = "pk", sort_key = "sk")]
/// # struct App;
/// #[derive(DynamoItem)]
/// #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
/// struct User { id: String, name: String }
/// #[derive(DynamoItem)]
/// #[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]
/// struct Order { user_id: String, id: u64 }
///
/// #[derive(DynamoCollection)]
/// enum UserView { User(User), Order(Order) }
///
/// assert_eq!(UserView::MEMBERS, ["User", "Order"]);
/// ```
pub trait DynamoCollection: Sized + Send + Sync + 'static {
    /// The table the members are stored in.
    type Table: DynamoTable;
    /// The first member, whose partition template renders the collection's partition.
    #[doc(hidden)]
    type First: Entity<Table = Self::Table>;
    /// The members' entity names.
    const MEMBERS: &'static [&'static str];
    /// Decodes an item as the member its entity attribute names; an item of another
    /// entity is [`Error::OtherEntity`](crate::Error::OtherEntity).
    fn from_item(item: Item) -> Result<Self>;
    /// Refuses `operation` when a member keeps what a batch write cannot (unique
    /// values' guards, counts on a parent).
    #[doc(hidden)]
    fn __refuse_unguarded(operation: &'static str) -> Result<()>;
}
