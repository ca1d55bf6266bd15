//! The `DynamoItem` trait: a Rust struct that is one item of a table.

use crate::error::Result;
use crate::value::{DynamoValue, ScalarType};

use crate::sdk_item::Item;
use aws_sdk_dynamodb::types::AttributeValue;

/// A struct stored as one item of a table, with its key schema.
///
/// Derive it; do not implement it by hand unless you must:
///
/// ```
/// use dynamap::DynamoItem;
///
/// #[derive(DynamoItem, Debug, PartialEq)]
/// struct Order {
///     #[dynamo(partition_key)]
///     customer: String,
///     #[dynamo(sort_key)]
///     order_id: u64,
///     total_cents: i64,
/// }
///
/// let order = Order { customer: "alice".into(), order_id: 7, total_cents: 1250 };
/// assert_eq!(order.key(), ("alice".to_string(), 7));
/// assert_eq!(Order::KEY_SCHEMA.partition_key.name, "customer");
/// let item = order.to_item()?;
/// assert_eq!(Order::from_item(item)?, order);
/// # Ok::<(), dynamap::Error>(())
/// ```
pub trait DynamoItem: DynamoValue + Send + Sync + 'static {
    /// The primary key: the partition key's type, or `(partition, sort)`.
    type Key: Clone + Send + Sync + 'static;

    /// What names one partition, as `query` takes it: the partition key's type, or
    /// for an entity its partition template's field types (one type, a tuple for
    /// several fields, `()` for a template without fields); a
    /// [`PartitionValue`](crate::schema::PartitionValue) whenever the type can be queried.
    type Partition: Clone + Send + Sync + 'static;

    /// Attribute names and types of the primary key.
    const KEY_SCHEMA: KeySchema;

    /// This item's primary key.
    fn key(&self) -> Self::Key;

    /// The key attributes of `key`, as GetItem and DeleteItem take them.
    fn key_to_item(key: &Self::Key) -> Result<Item>;

    /// [`key_to_item`](Self::key_to_item) of a key the caller gives up: the derive
    /// moves its text into the attributes instead of copying it.
    #[doc(hidden)]
    #[inline]
    fn __key_into_item(key: Self::Key) -> Result<Item> {
        Self::key_to_item(&key)
    }

    /// Reads the key attributes out of an item (other attributes are ignored).
    fn key_from_item(item: &Item) -> Result<Self::Key>;

    /// Encodes the whole item.
    fn to_item(&self) -> Result<Item>;

    /// Decodes an item read from the table; attributes the struct does not name are ignored.
    fn from_item(item: Item) -> Result<Self>;

    /// The secondary indexes declared on the type (`gsi_partition_key`, `gsi_sort_key`,
    /// `lsi_sort_key`); `create_table` creates them.
    const INDEXES: &'static [IndexDefinition] = &[];

    /// Decodes an item given as attribute pairs (a change feed's images in another
    /// representation), without building a map where the type does not need one.
    #[doc(hidden)]
    fn from_pairs<'a, V, I>(pairs: I) -> Result<Self>
    where
        V: crate::value::AttributeSource,
        I: IntoIterator<Item = (&'a str, V)>,
    {
        Self::from_item(crate::value::owned_item(pairs))
    }

    /// Every index of the table the type is stored in, which `create_table` creates:
    /// the type's own indexes, or for an entity all of its table's.
    #[doc(hidden)]
    const TABLE_INDEXES: &'static [IndexDefinition] = Self::INDEXES;

    /// The entity's templates, for an entity of a single-table design.
    #[doc(hidden)]
    const ENTITY: Option<&'static crate::entity_def::EntityDef> = None;

    /// The attributes an entity stores beside its composed key to name the key's
    /// fields and its entity (what an upsert writes for a new item); none otherwise.
    #[doc(hidden)]
    fn key_fields_to_item(key: &Self::Key) -> Result<Item> {
        let _ = key;
        Ok(Item::new())
    }

    /// The stored name of the `#[dynamo(ttl)]` attribute, if the type has one;
    /// `create_table` turns DynamoDB's time to live on for it.
    const TTL_ATTRIBUTE: Option<&'static str> = None;

    /// Whether reads leave out items past their time to live unless told otherwise
    /// (`#[dynamo(hide_expired)]` on the type).
    const HIDE_EXPIRED: bool = false;

    /// The stored name of the `#[dynamo(version)]` attribute, if the type has one.
    const VERSION_ATTRIBUTE: Option<&'static str> = None;

    /// The shape version the type stores and the older shapes it reads
    /// (`#[dynamo(shape(version = 2, from(UserV1)))]`); `None` for a type that declares
    /// none. See [`ItemShape`](crate::schema::ItemShape).
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// #[dynamo(shape(version = 1, attribute = "v"))]
    /// struct Doc { #[dynamo(partition_key)] id: String }
    /// use dynamap::DynamoItem;
    /// assert_eq!(Doc::SHAPE.map(|s| (s.attribute, s.version)), Some(("v", 1)));
    /// ```
    const SHAPE: Option<crate::shape::ItemShape> = None;

    /// The attributes no two items may share a value of (`#[dynamo(unique)]`, optionally
    /// `unique(per(field, ..))`): every write of such a value also writes a guard item
    /// in the same transaction, and a value another item holds is
    /// [`Error::NotUnique`](crate::Error::NotUnique).
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct User {
    ///     #[dynamo(partition_key)] id: String,
    ///     tenant: String,
    ///     #[dynamo(unique(per(tenant)))] email: String,
    /// }
    /// use dynamap::DynamoItem;
    /// assert_eq!(User::UNIQUE[0].attribute, "email");
    /// assert_eq!(User::UNIQUE[0].per, &["tenant"]);
    /// ```
    const UNIQUE: &'static [UniqueAttribute] = &[];

    /// The counts and sums a child entity keeps on its parent (`count(..)`, `sum(..)`).
    #[doc(hidden)]
    const AGGREGATES: &'static [crate::entity_def::Aggregate] = &[];

    /// The stored names of every attribute the type declares (skipped fields aside);
    /// [`update`](crate::TypedMapping::update_with) conditions on the absent ones staying
    /// absent. Empty for a hand-written implementation that does not list them.
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct Doc { #[dynamo(partition_key)] id: String, #[dynamo(rename = "t")] title: Option<String> }
    /// use dynamap::DynamoItem;
    /// assert_eq!(Doc::ATTRIBUTES, &["id", "t"]);
    /// ```
    const ATTRIBUTES: &'static [&'static str] = &[];

    /// The attributes the AWS Database Encryption SDK encrypts or signs
    /// (`#[dynamo(encrypt)]`, `#[dynamo(sign_only)]`), by stored name; every other
    /// attribute but the keys is left as it is. Empty for a type that declares none.
    ///
    /// ```
    /// use dynamap::encryption::CryptoAction;
    /// #[derive(dynamap::DynamoItem)]
    /// struct Patient {
    ///     #[dynamo(partition_key)] id: String,
    ///     #[dynamo(encrypt)] diagnosis: String,
    ///     #[dynamo(sign_only)] ward: String,
    ///     nickname: String,
    /// }
    /// use dynamap::DynamoItem;
    /// assert_eq!(
    ///     Patient::CRYPTO_ACTIONS,
    ///     &[("diagnosis", CryptoAction::EncryptAndSign), ("ward", CryptoAction::SignOnly)]
    /// );
    /// ```
    const CRYPTO_ACTIONS: &'static [(&'static str, CryptoAction)] = &[];

    /// The older names its fields are also read from (`#[dynamo(alias = "..")]`): what
    /// a backfill moves to the current names.
    #[doc(hidden)]
    const ALIASES: &'static [&'static str] = &[];

    /// Every attribute the item stores, flattened structs' included (derived).
    #[doc(hidden)]
    fn attribute_names() -> Vec<&'static str> {
        Self::ATTRIBUTES.to_vec()
    }

    /// The item's version (`#[dynamo(version)]`); `None` for unversioned types.
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct Doc { #[dynamo(partition_key)] id: String, #[dynamo(version)] v: u32 }
    /// use dynamap::DynamoItem;
    /// assert_eq!(Doc { id: "d".into(), v: 3 }.version(), Some(3));
    /// ```
    fn version(&self) -> Option<u64> {
        None
    }

    /// Sets the version after a write bumped it; does nothing for unversioned types.
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct Doc { #[dynamo(partition_key)] id: String, #[dynamo(version)] v: u32 }
    /// use dynamap::DynamoItem;
    /// let mut doc = Doc { id: "d".into(), v: 3 };
    /// doc.set_version(4)?;
    /// assert_eq!(doc.v, 4);
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    fn set_version(&mut self, version: u64) -> Result<()> {
        let _ = version;
        Ok(())
    }

    /// Whether `version` fits the version field's type; a write that would store a
    /// version the field cannot read back (a `u8` past 255) is refused before sending.
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct Doc { #[dynamo(partition_key)] id: String, #[dynamo(version)] v: u8 }
    /// use dynamap::DynamoItem;
    /// assert!(Doc::check_version(255).is_ok());
    /// assert!(Doc::check_version(256).is_err());
    /// ```
    fn check_version(version: u64) -> Result<()> {
        let _ = version;
        Ok(())
    }

    /// Whether the type has `#[dynamo(created_at)]` or `#[dynamo(updated_at)]` fields
    /// (derived): writes read the clock only then, and an impl that writes its own
    /// [`stamps`](Self::stamps) sets it.
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct Doc { #[dynamo(partition_key)] id: String, #[dynamo(updated_at)] at: std::time::SystemTime }
    /// use dynamap::DynamoItem;
    /// assert!(Doc::HAS_STAMPS);
    /// ```
    const HAS_STAMPS: bool = false;

    /// The `#[dynamo(created_at)]` and `#[dynamo(updated_at)]` attributes at the time
    /// `now`, encoded as the item stores them (derived; none by default).
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// struct Doc {
    ///     #[dynamo(partition_key)] id: String,
    ///     #[dynamo(updated_at)] changed: std::time::SystemTime,
    /// }
    /// use dynamap::DynamoItem;
    /// let stamps = Doc::stamps(std::time::UNIX_EPOCH)?;
    /// assert_eq!(stamps.updated.map(|(name, _)| name), Some("changed"));
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    fn stamps(now: std::time::SystemTime) -> Result<crate::clock::Stamps> {
        let _ = now;
        Ok(crate::clock::Stamps::default())
    }

    /// Runs the validators the type declares (`#[dynamo(validate = "path")]` on fields,
    /// then on the type): what every write of a whole item (`insert` and its forms,
    /// `update_with`, batches, transactions' puts) checks before sending.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// fn has_at(email: &str) -> Result<(), String> {
    ///     email.contains('@').then_some(()).ok_or_else(|| "expected name@domain".to_owned())
    /// }
    /// #[derive(DynamoItem)]
    /// struct User {
    ///     #[dynamo(partition_key)]
    ///     id: String,
    ///     #[dynamo(validate = "has_at")]
    ///     email: String,
    /// }
    /// let user = User { id: "u1".into(), email: "ada".into() };
    /// assert!(matches!(user.validate(), Err(dynamap::Error::Invalid { field: Some("email"), .. })));
    /// ```
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// The stored names of the fields with a validator: `modify` checks what it sets
    /// there with [`validate_attribute`](Self::validate_attribute).
    #[doc(hidden)]
    const VALIDATED_FIELDS: &'static [&'static str] = &[];

    /// Runs the validator of the field stored as `name` on `value` (`None`: the field
    /// removed), decoded as the field's type: what `modify` checks of a field it sets.
    #[doc(hidden)]
    fn validate_attribute(name: &str, value: Option<&AttributeValue>) -> Result<()> {
        let _ = (name, value);
        Ok(())
    }

    /// Fills every `#[dynamo(generate = "..")]` field that holds no id (a nil `Uuid`, an
    /// empty `String`, `None`) with a new one: what a mapping's `create` does before it
    /// writes.
    ///
    /// ```
    /// # #[cfg(feature = "uuid")] {
    /// use dynamap::DynamoItem;
    /// #[derive(DynamoItem)]
    /// struct Ticket { #[dynamo(partition_key, generate = "uuid_v7")] id: uuid::Uuid }
    /// let mut ticket = Ticket { id: uuid::Uuid::nil() };
    /// ticket.fill_generated();
    /// assert_eq!(ticket.id.get_version_num(), 7);
    /// # }
    /// ```
    fn fill_generated(&mut self) {}

    /// Sets `updated_at` to `now`, and `created_at` too when it holds no time (`None`):
    /// what a write stores.
    #[doc(hidden)]
    fn set_stamps(&mut self, now: std::time::SystemTime) {
        let _ = now;
    }

    /// Typed paths to every attribute, for `modify`, conditions and projections.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// #[derive(DynamoItem)]
    /// struct Order { #[dynamo(partition_key)] id: String, total_cents: i64 }
    /// let f = Order::fields();
    /// let big: Condition<Order> = f.total_cents.gt(10_000);
    /// ```
    fn fields() -> <Self as DynamoValue>::Path<crate::path::Root<Self>> {
        crate::path::FromParent::from_parent(crate::path::Root::new())
    }
}

/// The primary key of a table: a partition key and maybe a sort key.
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// use dynamap::{DynamoItem, value::ScalarType};
/// let schema = User::KEY_SCHEMA;
/// assert_eq!(schema.partition_key.scalar_type, ScalarType::String);
/// assert!(schema.sort_key.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySchema {
    /// The partition (hash) key.
    pub partition_key: KeyDefinition,
    /// The sort (range) key, if the table has one.
    pub sort_key: Option<KeyDefinition>,
}

impl KeySchema {
    /// The key attributes, partition key first.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// use dynamap::DynamoItem;
    /// let names: Vec<_> = Event::KEY_SCHEMA.attributes().map(|k| k.name).collect();
    /// assert_eq!(names, ["stream", "seq"]);
    /// ```
    pub fn attributes(&self) -> impl Iterator<Item = KeyDefinition> {
        std::iter::once(self.partition_key).chain(self.sort_key)
    }

    /// The key attributes' names, partition key first.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// use dynamap::DynamoItem;
    /// assert_eq!(Event::KEY_SCHEMA.names().collect::<Vec<_>>(), ["stream", "seq"]);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        self.attributes().map(|key| key.name)
    }

    /// The key attributes as top-level paths, for projections.
    pub(crate) fn paths(&self) -> Vec<crate::path::AttrPath> {
        self.names()
            .map(crate::path::AttrPath::top_level_name)
            .collect()
    }
}

/// One key attribute: its stored name and scalar type.
///
/// ```
/// use dynamap::{schema::KeyDefinition, value::ScalarType};
/// let pk = KeyDefinition { name: "id", scalar_type: ScalarType::String };
/// assert_eq!(pk.name, "id");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyDefinition {
    /// The attribute name as stored (after `rename`).
    pub name: &'static str,
    /// S, N or B.
    pub scalar_type: ScalarType,
}

/// An attribute declared `#[dynamo(unique)]`: no two items of the type hold the same
/// value of it (among the items with equal `per` attributes). See
/// [`DynamoItem::UNIQUE`].
///
/// ```
/// use dynamap::schema::UniqueAttribute;
/// let email = UniqueAttribute { attribute: "email", per: &["tenant"] };
/// assert_eq!(email.per.len(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueAttribute {
    /// The attribute's stored name.
    pub attribute: &'static str,
    /// The stored names of the attributes whose values scope it (empty: unique in
    /// the whole table, per type or entity).
    pub per: &'static [&'static str],
}

/// A secondary index declared on an item type.
///
/// ```
/// use dynamap::{DynamoItem, schema::IndexKind};
/// #[derive(DynamoItem)]
/// struct Order {
///     #[dynamo(partition_key)]
///     customer: String,
///     #[dynamo(sort_key)]
///     order_id: u64,
///     #[dynamo(gsi_partition_key = "by_status")]
///     status: String,
///     #[dynamo(lsi_sort_key = "by_total")]
///     total: i64,
/// }
/// let by_status = Order::INDEXES.iter().find(|i| i.name == "by_status").unwrap();
/// assert_eq!(by_status.kind, IndexKind::Global);
/// assert_eq!(by_status.partition_key.name, "status");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexDefinition {
    /// The index name.
    pub name: &'static str,
    /// Global or local.
    pub kind: IndexKind,
    /// The index's partition key (a local index shares the table's): the first of its
    /// attributes, for a multi-attribute key.
    pub partition_key: KeyDefinition,
    /// The index's sort key: the first of its attributes, for a multi-attribute key.
    pub sort_key: Option<KeyDefinition>,
    /// The further attributes of a multi-attribute partition key, in key order after
    /// `partition_key` (a global index has up to four in all); empty for one attribute.
    pub more_partition_keys: &'static [KeyDefinition],
    /// The further attributes of a multi-attribute sort key, after `sort_key`.
    pub more_sort_keys: &'static [KeyDefinition],
    /// Whether entities render this index's keys from their templates (a table's
    /// `index(I, partition_key = "gsi1pk")`), rather than store them as attributes of
    /// their own (a plain type's index, or a table's typed
    /// `index(I, partition_key(tenant: String))`).
    pub from_templates: bool,
    /// The attributes the index holds beside its keys and the table's.
    pub projection: IndexProjection,
}

impl IndexDefinition {
    /// The attributes of the partition key, in key order (one, or up to four).
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Match { #[dynamo(partition_key)] id: String,
    /// #   #[dynamo(gsi_partition_key(ByRound))] tournament: String,
    /// #   #[dynamo(gsi_partition_key(ByRound))] region: String,
    /// #   #[dynamo(gsi_sort_key(ByRound))] round: u32 }
    /// use dynamap::single_table::DynamoIndex;
    /// let names: Vec<&str> = ByRound::DEFINITION.partition_keys().map(|k| k.name).collect();
    /// assert_eq!(names, ["tournament", "region"]);
    /// ```
    pub fn partition_keys(&self) -> impl Iterator<Item = KeyDefinition> + '_ {
        std::iter::once(self.partition_key).chain(self.more_partition_keys.iter().copied())
    }

    /// The attributes of the sort key, in key order (none, one, or up to four).
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Match { #[dynamo(partition_key)] id: String,
    /// #   #[dynamo(gsi_partition_key(ByRound))] tournament: String,
    /// #   #[dynamo(gsi_sort_key(ByRound))] round: u32,
    /// #   #[dynamo(gsi_sort_key(ByRound))] bracket: String }
    /// use dynamap::single_table::DynamoIndex;
    /// let names: Vec<&str> = ByRound::DEFINITION.sort_keys().map(|k| k.name).collect();
    /// assert_eq!(names, ["round", "bracket"]);
    /// ```
    pub fn sort_keys(&self) -> impl Iterator<Item = KeyDefinition> + '_ {
        self.sort_key
            .into_iter()
            .chain(self.more_sort_keys.iter().copied())
    }

    /// Every key attribute of the index: partition, then sort.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] id: String,
    /// #   #[dynamo(gsi_partition_key(ByStatus))] status: String,
    /// #   #[dynamo(gsi_sort_key(ByStatus))] placed_at: u64 }
    /// use dynamap::single_table::DynamoIndex;
    /// assert_eq!(ByStatus::DEFINITION.key_attributes().count(), 2);
    /// ```
    pub fn key_attributes(&self) -> impl Iterator<Item = KeyDefinition> + '_ {
        self.partition_keys().chain(self.sort_keys())
    }
}

/// What a secondary index holds of each item: everything, its keys and the table's,
/// or those and some attributes more (DynamoDB's `ALL`, `KEYS_ONLY`, `INCLUDE`).
/// Declared with the index (`keys_only`, `include("total")`); an index that does not
/// hold whole items is read as a type declared `#[dynamo(projection_of(Index))]`.
///
/// ```
/// use dynamap::schema::IndexProjection;
/// assert_eq!(IndexProjection::default(), IndexProjection::All);
/// assert_ne!(IndexProjection::KeysOnly, IndexProjection::Include(&["total"]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndexProjection {
    /// Whole items (the default).
    #[default]
    All,
    /// The index's keys and the table's only.
    KeysOnly,
    /// The keys and these attributes.
    Include(&'static [&'static str]),
}

/// Global or local secondary index.
///
/// ```
/// assert_ne!(dynamap::schema::IndexKind::Global, dynamap::schema::IndexKind::Local);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// A global secondary index: its own partition key, eventually consistent.
    Global,
    /// A local secondary index: the table's partition key, another sort key.
    Local,
}

/// A struct that can be read from a subset of attributes: what `.project::<U>()` decodes
/// into. Derived with `DynamoValue` or `DynamoItem`.
///
/// ```
/// use dynamap::schema::Projection;
/// #[derive(dynamap::DynamoValue)]
/// struct Summary { id: String, #[dynamo(rename = "t")] title: String }
/// assert_eq!(Summary::ATTRIBUTES, ["id", "t"]);
/// ```
pub trait Projection: Sized {
    /// The stored names of the attributes read (a flattened struct's are added by
    /// [`attribute_names`](Self::attribute_names)).
    const ATTRIBUTES: &'static [&'static str];
    /// Decodes the projected attributes.
    fn from_projected(item: Item) -> Result<Self>;
    /// Every attribute name read, flattened structs' included.
    ///
    /// ```
    /// use dynamap::schema::Projection;
    /// #[derive(dynamap::DynamoValue)]
    /// struct Address { city: String }
    /// #[derive(dynamap::DynamoValue)]
    /// struct Contact { name: String, #[dynamo(flatten)] address: Address }
    /// let mut names = Vec::new();
    /// Contact::attribute_names(&mut names);
    /// assert_eq!(names, ["name", "city"]);
    /// ```
    fn attribute_names(out: &mut Vec<&'static str>) {
        out.extend_from_slice(Self::ATTRIBUTES);
    }
}

/// `T`'s name without its module path (`User` for `app::model::User`), as the derive
/// names it in its own errors.
pub(crate) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let plain = full.split('<').next().unwrap_or(full);
    plain.rsplit("::").next().unwrap_or(plain)
}

/// The attribute the AWS Database Encryption SDK adds to every item it encrypts (its
/// header); the signatures go in `aws_dbe_foot`.
pub(crate) const ENCRYPTION_HEADER: &str = "aws_dbe_head";

/// How the names of the attributes the encryption SDK adds to an item begin.
pub(crate) const ENCRYPTION_SDK_PREFIX: &str = "aws_dbe_";

/// What the AWS Database Encryption SDK does with one attribute when it writes an item.
///
/// ```
/// use dynamap::encryption::CryptoAction;
/// assert_eq!(CryptoAction::EncryptAndSign.to_string(), "ENCRYPT_AND_SIGN");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CryptoAction {
    /// Encrypted, and covered by the item's signature (`#[dynamo(encrypt)]`).
    EncryptAndSign,
    /// Stored in plain text, covered by the signature (`#[dynamo(sign_only)]`; keys).
    SignOnly,
    /// Stored in plain text, outside the signature: every other attribute.
    DoNothing,
}

impl std::fmt::Display for CryptoAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CryptoAction::EncryptAndSign => "ENCRYPT_AND_SIGN",
            CryptoAction::SignOnly => "SIGN_ONLY",
            CryptoAction::DoNothing => "DO_NOTHING",
        })
    }
}

/// A type whose items dynamap may change with UpdateItem and whose conditions may name
/// every attribute: `update_with`, `move_item` and backfills need it. The derive
/// implements it for every type without `#[dynamo(encrypt)]` or `#[dynamo(sign_only)]`
/// fields; the encryption SDK refuses UpdateItem on signed attributes and conditions on
/// encrypted ones, so those types write whole items instead (`insert`, `insert_when`).
///
/// ```
/// fn in_place<T: dynamap::schema::UpdatesInPlace>() {}
/// #[derive(dynamap::DynamoItem)]
/// struct Note { #[dynamo(partition_key)] id: String, text: String }
/// in_place::<Note>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has encrypted or signed fields, which cannot be changed in place",
    label = "the encryption SDK refuses UpdateItem on signed attributes and conditions on encrypted ones",
    note = "write the whole item instead: `insert`, or `insert_when` with a condition on an unencrypted field such as the version"
)]
pub trait UpdatesInPlace {}
