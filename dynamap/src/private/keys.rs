//! Key fields, index key fields and version fields of a derived item.

use super::*;

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
    /// The key's type without its `Option`: what a query of the index takes.
    type Key;
}

impl<K: KeyAttribute> IndexKeyAttribute for K {
    const SCALAR_TYPE: crate::value::ScalarType = <K as crate::value::ScalarAttribute>::SCALAR_TYPE;
    type Key = K;
}

impl<K: KeyAttribute> IndexKeyAttribute for Option<K> {
    const SCALAR_TYPE: crate::value::ScalarType = <K as crate::value::ScalarAttribute>::SCALAR_TYPE;
    type Key = K;
}

/// A type whose values can be unique (`#[dynamo(unique)]`) or scope one: a key type,
/// or an `Option` of one (an item without a value holds no guard).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a unique attribute or its scope",
    label = "unique values are strings, integers or bytes (Vec<u8>), optionally in an Option",
    note = "a unique value's guard item is keyed by the value, and keys are scalars of type S, N or B"
)]
pub trait UniqueValue {}

impl<K: KeyAttribute> UniqueValue for K {}

impl<K: KeyAttribute> UniqueValue for Option<K> {}

/// Compiles only for a type that can be unique.
pub const fn unique_value<V: UniqueValue>() {}

/// Whether every key attribute of `schema` is a string (a guard item's key is text).
pub const fn string_keys(schema: &crate::schema::KeySchema) -> bool {
    let sort_is_string = match schema.sort_key {
        Some(key) => matches!(key.scalar_type, crate::value::ScalarType::String),
        None => true,
    };
    matches!(
        schema.partition_key.scalar_type,
        crate::value::ScalarType::String
    ) && sort_is_string
}
