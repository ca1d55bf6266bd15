//! Encoding and decoding one field of a derived struct: plain, `serde`, `with`,
//! `ttl`, epoch and stamped fields, flattened structs, and `default`s.

use super::*;

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

/// Accepts only types DynamoDB's time to live can read: epoch seconds as a number.
pub const fn ttl_check<T: TtlValue>() {}

pub use crate::value::TtlValue;

/// Encodes the `#[dynamo(ttl)]` field: whole epoch seconds, rounded up.
///
/// Bounded by `DynamoValue` only (a time says its time-to-live form through a hidden
/// method of it), so a field that is no `TtlValue` gets one error, from `ttl_check`, not
/// a second one here.
#[inline]
pub fn encode_ttl_field<T: DynamoValue>(
    item: &mut Item,
    name: &'static str,
    value: &T,
) -> Result<(), ConversionError> {
    let encoded = match value.__time_to_live() {
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

/// A validator's outcome (`#[dynamo(validate = "path")]`) as dynamap's error, naming
/// the item type and the field (`None`: the type's validator).
#[inline]
pub fn validated<E: std::fmt::Display>(
    item: &'static str,
    field: Option<&'static str>,
    outcome: Result<(), E>,
) -> crate::error::Result<()> {
    outcome.map_err(|e| crate::Error::Invalid {
        item,
        field,
        reason: e.to_string(),
    })
}

/// The value `modify` sets into a validated field, decoded as the field's type for its
/// validator (`None`: the field removed, read as a missing attribute).
#[inline]
pub fn decode_validated<T: DynamoValue>(
    value: Option<&AttributeValue>,
    name: &'static str,
) -> crate::error::Result<T> {
    let decoded = match value {
        Some(v) => T::from_attribute_value(v.clone()),
        None => T::from_missing(),
    };
    Ok(decoded.map_err(|e| e.in_attribute(name))?)
}

/// A field `#[dynamo(generate = "..")]` fills: an id that may be absent.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a generated id",
    label = "`generate` fills a uuid::Uuid or a String (optionally in an Option) with a new UUID",
    note = "generated ids need dynamap's `uuid` feature"
)]
pub trait Generated {
    /// Whether the field holds no id yet: a nil `Uuid`, an empty `String`, `None`.
    fn is_absent(&self) -> bool;
    /// The field holding `id`.
    #[cfg(feature = "uuid")]
    fn from_uuid(id: uuid::Uuid) -> Self;
}

#[cfg(feature = "uuid")]
impl Generated for uuid::Uuid {
    fn is_absent(&self) -> bool {
        self.is_nil()
    }
    fn from_uuid(id: uuid::Uuid) -> Self {
        id
    }
}

#[cfg(feature = "uuid")]
impl Generated for String {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
    fn from_uuid(id: uuid::Uuid) -> Self {
        id.hyphenated().to_string()
    }
}

#[cfg(feature = "uuid")]
impl<G: Generated> Generated for Option<G> {
    fn is_absent(&self) -> bool {
        self.as_ref().is_none_or(Generated::is_absent)
    }
    fn from_uuid(id: uuid::Uuid) -> Self {
        Some(G::from_uuid(id))
    }
}

/// Fills `field` with a new id of `kind` (`uuid_v4`, `uuid_v7`) when it holds none.
#[cfg(feature = "uuid")]
pub fn fill_generated<G: Generated>(field: &mut G, time_ordered: bool) {
    if field.is_absent() {
        let id = match time_ordered {
            true => uuid::Uuid::now_v7(),
            false => uuid::Uuid::new_v4(),
        };
        *field = G::from_uuid(id);
    }
}

/// Without the `uuid` feature no type is [`Generated`]: the derive's call is refused
/// by that bound, with its message, not by a missing function.
#[cfg(not(feature = "uuid"))]
pub fn fill_generated<G: Generated>(_: &mut G, _: bool) {}

/// A field `#[dynamo(generate = "ulid")]` fills: text that may be absent.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a generated ULID",
    label = "`generate = \"ulid\"` fills a String (optionally in an Option) with a new ULID",
    note = "generated ULIDs need dynamap's `ulid` feature"
)]
pub trait GeneratedText {
    /// Whether the field holds no id yet: an empty `String`, `None`.
    fn is_absent(&self) -> bool;
    /// The field holding `text`.
    fn from_text(text: String) -> Self;
}

#[cfg(feature = "ulid")]
impl GeneratedText for String {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
    fn from_text(text: String) -> Self {
        text
    }
}

#[cfg(feature = "ulid")]
impl GeneratedText for Option<String> {
    fn is_absent(&self) -> bool {
        self.as_deref().is_none_or(str::is_empty)
    }
    fn from_text(text: String) -> Self {
        Some(text)
    }
}

/// Fills `field` with a new ULID when it holds none.
#[cfg(feature = "ulid")]
pub fn fill_ulid<G: GeneratedText>(field: &mut G) {
    if field.is_absent() {
        *field = G::from_text(ulid::Ulid::new().to_string());
    }
}

/// Without the `ulid` feature no type is [`GeneratedText`]: the derive's call is
/// refused by that bound, with its message.
#[cfg(not(feature = "ulid"))]
pub fn fill_ulid<G: GeneratedText>(_: &mut G) {}
