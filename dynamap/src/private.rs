//! Support for the code `#[derive(DynamoItem)]` and `#[derive(DynamoValue)]` generate.
//! Not a public API: names here change without notice.

pub use aws_sdk_dynamodb::types::AttributeValue;
pub use std::collections::HashMap;
pub use std::result::Result;

pub use crate::value::serde_bridge;
pub use ::serde;

use crate::error::ConversionError;
use crate::sdk_item::Item;
pub use crate::value::{AttributeSource, ScalarText};
use crate::value::{DynamoValue, KeyAttribute};

/// A struct stored as a map of its fields: the common part of both derives.
pub trait MapCodec: Sized {
    /// Encodes every field that is not skipped.
    fn encode_fields(&self) -> Result<Item, ConversionError>;
    /// Decodes the fields out of `item`.
    #[inline]
    fn decode_fields(item: Item) -> Result<Self, ConversionError> {
        Self::decode_pairs(item)
    }

    /// Decodes the fields out of attribute pairs, in one pass: an item, or pairs made
    /// on the fly from another representation (no map is built, names are borrowed).
    fn decode_pairs<K, V, I>(pairs: I) -> Result<Self, ConversionError>
    where
        K: AsRef<str> + Into<String>,
        V: AttributeSource,
        I: IntoIterator<Item = (K, V)>;
}

/// Encodes one struct field into `item`; an absent value leaves no attribute.
/// Always inlined: as a call per field it cost wide structs several percent.
#[inline(always)]
pub fn encode_field<T: DynamoValue>(
    item: &mut Item,
    name: &'static str,
    value: &T,
) -> Result<(), ConversionError> {
    put_encoded(item, name, value.to_attribute_value())
}

/// Encodes a `#[dynamo(serde)]` field.
#[inline]
pub fn encode_serde_field<T: ::serde::Serialize>(
    item: &mut Item,
    name: &'static str,
    value: &T,
) -> Result<(), ConversionError> {
    // serde's `None` comes as NULL: stored as no attribute, as dynamap stores `None`.
    let encoded = serde_bridge::to_attribute_value(value)
        .map(|v| v.filter(|v| !matches!(v, AttributeValue::Null(_))));
    put_encoded(item, name, encoded)
}

/// Encodes a key value; keys are never absent, and never empty (DynamoDB refuses empty
/// strings and binaries in keys). Bounded by `DynamoValue` only: [`key_type`] is the one
/// place that rejects unsupported key types, so the user sees that error once.
#[inline]
pub fn encode_key<K: DynamoValue>(
    name: &'static str,
    key: &K,
) -> Result<AttributeValue, ConversionError> {
    checked_key(name, key.to_attribute_value())
}

/// [`encode_key`] of a key the caller gives up: its text moves into the attribute.
#[inline]
pub fn encode_key_owned<K: DynamoValue>(
    name: &'static str,
    key: K,
) -> Result<AttributeValue, ConversionError> {
    checked_key(name, key.__into_attribute_value())
}

/// An encoded key value, present and within DynamoDB's rules.
#[inline]
fn checked_key(
    name: &'static str,
    encoded: Result<Option<AttributeValue>, ConversionError>,
) -> Result<AttributeValue, ConversionError> {
    let value = encoded
        .map_err(|e| e.in_attribute(name))?
        .ok_or_else(|| ConversionError::missing("a key value").in_attribute(name))?;
    crate::key::check_key_value(name, &value, None)?;
    Ok(value)
}

/// Reads a key attribute out of an item without taking it.
#[inline]
pub fn decode_key<K: DynamoValue>(item: &Item, name: &'static str) -> Result<K, ConversionError> {
    match item.get(name) {
        Some(v) => K::from_attribute_value(v.clone()),
        None => Err(ConversionError::missing(K::EXPECTED)),
    }
    .map_err(|e| e.in_attribute(name))
}

/// The scalar type of a key field; the bound is what rejects unsupported key types,
/// with `KeyAttribute`'s diagnostic at the user's field.
pub const fn key_type<K: KeyAttribute>() -> crate::value::ScalarType {
    K::SCALAR_TYPE
}

/// Reads a `#[dynamo(version)]` field; the bound reports non-integer version fields.
#[inline]
pub fn version_of<V: crate::path::VersionNumber>(value: &V) -> u64 {
    value.to_version().unwrap_or(0)
}

/// Writes a bumped version back into the field.
#[inline]
pub fn version_from<V: crate::path::VersionNumber>(
    version: u64,
    name: &'static str,
) -> crate::error::Result<V> {
    V::from_version(version).ok_or_else(|| {
        crate::error::Error::Conversion(
            ConversionError::new("a version that fits the field", version.to_string())
                .in_attribute(name),
        )
    })
}

/// The scalar type of an index key field; index keys may be optional (a sparse index
/// holds only the items that have the attribute).
pub const fn index_key_type<K: IndexKeyAttribute>() -> crate::value::ScalarType {
    K::SCALAR_TYPE
}

/// A type that can be a secondary index key: a key type, or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a secondary index key",
    label = "index keys must be String, an integer type, or bytes (Vec<u8>), optionally in an Option",
    note = "DynamoDB index keys are scalars of type S, N or B"
)]
pub trait IndexKeyAttribute {
    /// S, N or B.
    const SCALAR_TYPE: crate::value::ScalarType;
}

impl<K: KeyAttribute> IndexKeyAttribute for K {
    const SCALAR_TYPE: crate::value::ScalarType = <K as crate::value::ScalarAttribute>::SCALAR_TYPE;
}

impl<K: KeyAttribute> IndexKeyAttribute for Option<K> {
    const SCALAR_TYPE: crate::value::ScalarType = <K as crate::value::ScalarAttribute>::SCALAR_TYPE;
}

/// Accepts only types DynamoDB's time to live can read: epoch seconds as a number.
pub const fn ttl_check<T: TtlValue>() {}

pub use crate::value::TtlValue;

/// Encodes the `#[dynamo(ttl)]` field: whole epoch seconds, rounded up.
///
/// Bounded by `DynamoValue` only (a `SystemTime` is found by its type id), so a field
/// that is no `TtlValue` gets one error, from `ttl_check`, not a second one here.
#[inline]
pub fn encode_ttl_field<T: DynamoValue + 'static>(
    item: &mut Item,
    name: &'static str,
    value: &T,
) -> Result<(), ConversionError> {
    let encoded = match crate::value::time_to_live(value as &dyn std::any::Any) {
        Some(encoded) => encoded,
        // The integers of epoch seconds are stored as they are.
        None => value.to_attribute_value(),
    };
    put_encoded(item, name, encoded)
}

/// Puts an encoded field into the item (nothing for an absent value), or places its
/// error at the attribute: the last step of every field encoder.
#[inline(always)]
fn put_encoded(
    item: &mut Item,
    name: &'static str,
    encoded: Result<Option<AttributeValue>, ConversionError>,
) -> Result<(), ConversionError> {
    match encoded {
        Ok(Some(v)) => {
            item.insert(name.to_owned(), v);
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e.in_attribute(name)),
    }
}

/// Encodes a `#[dynamo(with = "module")]` field: the module's stored form, as that
/// type stores itself.
#[inline]
pub fn encode_with_field<S: DynamoValue>(
    item: &mut Item,
    name: &'static str,
    stored: Result<S, ConversionError>,
) -> Result<(), ConversionError> {
    put_encoded(item, name, stored.and_then(|s| s.to_attribute_value()))
}

/// Encodes one value through a `with` module, for the field's typed path.
#[inline]
pub fn encode_with<S: DynamoValue>(
    stored: Result<S, ConversionError>,
) -> Result<Option<AttributeValue>, ConversionError> {
    stored.and_then(|s| s.to_attribute_value())
}

/// Decodes a `#[dynamo(with = "module")]` field: the stored form as its type reads
/// itself (absent included), then the module's `from_stored`.
#[inline]
pub fn decode_with_slot<S: DynamoValue, T, V: AttributeSource>(
    slot: Option<V>,
    name: &'static str,
    from_stored: fn(S) -> Result<T, ConversionError>,
) -> Result<T, ConversionError> {
    match slot {
        Some(v) => v.decode::<S>(),
        None => S::from_missing(),
    }
    .and_then(from_stored)
    .map_err(|e| e.in_attribute(name))
}

/// Takes the variant name out of a tagged enum's map.
pub fn take_tag(item: &mut Item, tag: &'static str) -> Result<String, ConversionError> {
    match item.remove(tag) {
        Some(AttributeValue::S(name)) => Ok(name),
        Some(other) => {
            Err(ConversionError::unexpected("the name of a variant (S)", &other).in_attribute(tag))
        }
        None => Err(ConversionError::missing("the name of a variant (S)").in_attribute(tag)),
    }
}

/// Takes an adjacently tagged variant's fields (a map under `content`; absent when
/// every field is).
pub fn take_content(item: &mut Item, content: &'static str) -> Result<Item, ConversionError> {
    match item.remove(content) {
        Some(AttributeValue::M(map)) => Ok(map),
        None | Some(AttributeValue::Null(_)) => Ok(Item::new()),
        Some(other) => Err(ConversionError::unexpected(
            "the variant's fields as a map (M)",
            &other,
        )
        .in_attribute(content)),
    }
}

/// A tag naming no variant of the enum, read from the table.
pub fn unknown_variant(known: &'static str, found: &str, tag: &'static str) -> ConversionError {
    ConversionError::new(known, format!("unknown variant {found:?}")).in_attribute(tag)
}

/// Encodes an `epoch_seconds`/`epoch_millis` field as its epoch number in `U`.
#[inline]
pub fn encode_epoch_field<T: crate::value::EpochTime, U: crate::value::EpochUnit>(
    item: &mut Item,
    name: &'static str,
    value: &T,
) -> Result<(), ConversionError> {
    put_encoded(item, name, crate::value::encode_epoch::<T, U>(value))
}

/// Decodes an `epoch_seconds`/`epoch_millis` field.
#[inline]
pub fn decode_epoch_slot<T, U, V>(slot: Option<V>, name: &'static str) -> Result<T, ConversionError>
where
    T: crate::value::EpochTime,
    U: crate::value::EpochUnit,
    V: AttributeSource,
{
    crate::value::decode_epoch::<T, U>(slot.map(V::into_owned)).map_err(|e| e.in_attribute(name))
}

/// The value of a `created_at` or `updated_at` field at `now`.
#[inline]
pub fn stamp_value<T: crate::clock::Timestamp>(
    now: std::time::SystemTime,
    name: &'static str,
) -> Result<T, ConversionError> {
    T::from_clock(now).ok_or_else(|| {
        ConversionError::new("a time the field's type can hold", format!("{now:?}"))
            .in_attribute(name)
    })
}

/// A struct that can be flattened into another: its fields as a map, its names known.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be flattened",
    label = "flatten takes a struct with named fields that derives DynamoValue",
    note = "its attributes are stored beside the item's own, so it must be a map of named fields"
)]
pub trait Flatten: MapCodec + crate::item::Projection {}

impl<T: MapCodec + crate::item::Projection> Flatten for T {}

/// Encodes a flattened struct's attributes into the item, refusing one the item has
/// already (a name both the struct and the item use would lose one of them).
#[inline]
pub fn encode_flattened<T: Flatten>(item: &mut Item, value: &T) -> Result<(), ConversionError> {
    for (name, value) in value.encode_fields()? {
        if item.contains_key(&name) {
            return Err(ConversionError::new(
                "names a flattened struct shares with no other field",
                "a second attribute of this name",
            )
            .in_attribute(name));
        }
        item.insert(name, value);
    }
    Ok(())
}

/// The attribute names of a flattened struct, for its container's projection.
#[inline]
pub fn flattened_names<T: Flatten>(out: &mut Vec<&'static str>) {
    T::attribute_names(out);
}

/// Decodes a flattened struct from the attributes no other field took.
#[inline]
pub fn decode_flattened<T: Flatten>(rest: &mut Item) -> Result<T, ConversionError> {
    let mut names = Vec::new();
    T::attribute_names(&mut names);
    let mine: Item = names
        .into_iter()
        .filter_map(|name| rest.remove_entry(name))
        .collect();
    T::decode_fields(mine)
}

/// Decodes a field from its attribute, taken out of the item (`None`: absent).
#[inline(always)]
pub fn decode_slot<T: DynamoValue, V: AttributeSource>(
    slot: Option<V>,
    name: &'static str,
) -> Result<T, ConversionError> {
    match slot {
        Some(v) => v.decode::<T>(),
        None => T::from_missing(),
    }
    .map_err(|e| e.in_attribute(name))
}

/// Decodes a `#[dynamo(default)]` field: absent or `NULL` gives `Default::default()`.
#[inline(always)]
pub fn decode_slot_or_default<T: DynamoValue + Default, V: AttributeSource>(
    slot: Option<V>,
    name: &'static str,
) -> Result<T, ConversionError> {
    match slot {
        Some(v) if !v.is_null() => v.decode::<T>().map_err(|e| e.in_attribute(name)),
        _ => Ok(T::default()),
    }
}

/// Decodes a `#[dynamo(default = "function")]` field: absent or `NULL` gives what the
/// function returns.
#[inline(always)]
pub fn decode_slot_or_else<T: DynamoValue, V: AttributeSource>(
    slot: Option<V>,
    name: &'static str,
    default: fn() -> T,
) -> Result<T, ConversionError> {
    match slot {
        Some(v) if !v.is_null() => v.decode::<T>().map_err(|e| e.in_attribute(name)),
        _ => Ok(default()),
    }
}

/// Decodes a `#[dynamo(serde)]` field.
#[inline]
pub fn decode_serde_slot<T: ::serde::de::DeserializeOwned, V: AttributeSource>(
    slot: Option<V>,
    name: &'static str,
) -> Result<T, ConversionError> {
    match slot {
        Some(v) => serde_bridge::from_attribute_value(v.into_owned()),
        None => serde_bridge::from_missing(),
    }
    .map_err(|e| e.in_attribute(name))
}

pub use crate::entity_def::{EntityDef, IndexTemplates, KeyTemplates, Part, SegmentDef, Template};
pub use crate::key::{push_segment, segment_from_value};

/// What the generated code does with a key-template field of type `S`. One function
/// names every use, so a type that cannot be a segment is reported once, at the field,
/// with `KeySegment`'s message.
pub const fn segment<S: crate::key::KeySegment>() -> Segment<S> {
    Segment {
        fixed_width: S::FIXED_WIDTH,
        push: push_segment::<S>,
        from_value: segment_from_value::<S>,
    }
}

/// A key-template field's segment functions (see [`segment`]).
pub struct Segment<S> {
    /// Whether every value writes the same number of bytes.
    pub fixed_width: bool,
    /// Appends a value's segment to a composed key.
    pub push: fn(&mut String, &S, &'static str, Option<char>) -> Result<(), ConversionError>,
    /// Appends the segment of a value in its stored form.
    pub from_value: fn(&AttributeValue, &mut String) -> Result<(), ConversionError>,
}

/// Names `I` as an index of table `T`; the bound refuses another table's index with
/// `IndexOf`'s message at the entity's attribute.
pub const fn index_of<I: crate::single_table::IndexOf<T>, T: crate::DynamoTable>(
) -> crate::schema::IndexDefinition {
    I::DEFINITION
}

pub use crate::entity_def::entity_of;

/// Refuses an item of another entity than `expected`.
#[inline]
pub fn check_entity(
    item: &Item,
    attribute: &str,
    expected: &'static str,
) -> crate::error::Result<()> {
    match entity_of(item, attribute) {
        Some(name) if name == expected => Ok(()),
        found => Err(other_entity(&[expected], found)),
    }
}

/// The error for an item of an entity not among `expected`.
pub fn other_entity(expected: &[&'static str], found: Option<&str>) -> crate::Error {
    crate::Error::other_entity(expected, found)
}

/// Compares two texts in a constant: collection members must share a partition shape.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a table declares a sort key, in a constant: an entity's `sk` template must
/// match.
pub const fn has_sort_key(schema: &crate::schema::KeySchema) -> bool {
    schema.sort_key.is_some()
}

/// The name of a table's sort key, in a constant (`""` without one: the entity's
/// checks refuse a sort template then).
pub const fn sort_key_name(schema: &crate::schema::KeySchema) -> &'static str {
    match schema.sort_key {
        Some(key) => key.name,
        None => "",
    }
}

/// The name of an index's sort key, in a constant (`""` without one).
pub const fn sort_key_of(index: &crate::schema::IndexDefinition) -> &'static str {
    match index.sort_key {
        Some(key) => key.name,
        None => "",
    }
}

/// A key's name, if there is the key, in a constant.
pub const fn key_name(key: Option<crate::schema::KeyDefinition>) -> Option<&'static str> {
    match key {
        Some(key) => Some(key.name),
        None => None,
    }
}

/// Whether an index is global, in a constant.
pub const fn is_global(index: &crate::schema::IndexDefinition) -> bool {
    matches!(index.kind, crate::schema::IndexKind::Global)
}

/// Whether table `T` keeps attribute `name` for itself: a key of the table or of an
/// index, or the entity attribute. An entity's field may not be stored there.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn table_uses<T: crate::DynamoTable>(name: &str) -> bool {
    let schema = T::KEY_SCHEMA;
    if same_text(name, schema.partition_key.name)
        || same_text(name, sort_key_name(&schema))
        || same_text(name, T::ENTITY_ATTRIBUTE)
    {
        return true;
    }
    let mut i = 0;
    while i < T::INDEXES.len() {
        let index = &T::INDEXES[i];
        if same_text(name, index.partition_key.name) || same_text(name, sort_key_of(index)) {
            return true;
        }
        i += 1;
    }
    false
}

/// Names two collection members of one table; the bound refuses members of different
/// tables at the odd one out.
pub const fn same_table<
    A: crate::single_table::Entity,
    B: crate::single_table::Entity<Table = A::Table>,
>() {
}

/// Names two collection members whose partition templates take values of the same
/// types; the bound refuses others at the odd one out.
pub const fn same_partition<A: crate::single_table::Entity, B: crate::single_table::Entity>()
where
    B::Partition: SamePartition<A::Partition>,
{
}

/// The partition values of one collection member are those of another.
#[diagnostic::on_unimplemented(
    message = "this collection member's partition template takes `{Self}`, the first member's takes `{P}`",
    label = "members of a collection share one partition template",
    note = "a collection's members are read by one query of one partition: their partition templates take the same fields"
)]
pub trait SamePartition<P> {}

impl<P> SamePartition<P> for P {}
