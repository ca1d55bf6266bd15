//! Options, lists, maps and sets.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use aws_sdk_dynamodb::types::AttributeValue;

use super::{DynamoValue, ScalarAttribute, ScalarType};
use crate::error::ConversionError;

/// Inside lists and maps an absent value must keep its place: it becomes `NULL`.
#[inline]
fn or_null(value: Option<AttributeValue>) -> AttributeValue {
    value.unwrap_or(AttributeValue::Null(true))
}

pub(super) fn encode_list<'a, T: DynamoValue + 'a>(
    items: impl ExactSizeIterator<Item = &'a T>,
) -> Result<AttributeValue, ConversionError> {
    let mut list = Vec::with_capacity(items.len());
    for (index, item) in items.enumerate() {
        list.push(or_null(
            item.to_attribute_value().map_err(|e| e.at_index(index))?,
        ));
    }
    Ok(AttributeValue::L(list))
}

/// A list of values the caller gives up, each moved into its attribute (a `modify`'s
/// appended elements); for a type whose `Vec` is a list, which a list element's is.
pub(crate) fn encode_list_owned<T: DynamoValue>(
    items: impl Iterator<Item = T>,
) -> Result<AttributeValue, ConversionError> {
    let mut list = Vec::with_capacity(items.size_hint().0);
    for (index, item) in items.enumerate() {
        list.push(or_null(
            item.__into_attribute_value()
                .map_err(|e| e.at_index(index))?,
        ));
    }
    Ok(AttributeValue::L(list))
}

pub(super) fn decode_list<T: DynamoValue>(
    value: AttributeValue,
) -> Result<Vec<T>, ConversionError> {
    match value {
        AttributeValue::L(list) => list
            .into_iter()
            .enumerate()
            .map(|(index, v)| T::from_attribute_value(v).map_err(|e| e.at_index(index)))
            .collect(),
        other => Err(ConversionError::unexpected("a list (L)", &other)),
    }
}

impl<T: DynamoValue> DynamoValue for Option<T> {
    type Path<P: crate::path::PathParent> = crate::path::OptionPath<P, T>;

    const EXPECTED: &'static str = T::EXPECTED;

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        match self {
            Some(v) => v.to_attribute_value(),
            None => Ok(None),
        }
    }

    #[inline]
    fn __into_attribute_value(self) -> Result<Option<AttributeValue>, ConversionError> {
        match self {
            Some(v) => v.__into_attribute_value(),
            None => Ok(None),
        }
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::Null(_) => Ok(None),
            v => T::from_attribute_value(v).map(Some),
        }
    }

    #[inline]
    fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
        T::__from_text(text).map(Some)
    }

    #[inline]
    fn __time_to_live(&self) -> Option<Result<Option<AttributeValue>, ConversionError>> {
        self.as_ref().and_then(T::__time_to_live)
    }

    #[inline]
    fn from_missing() -> Result<Self, ConversionError> {
        Ok(None)
    }
}

impl<T: DynamoValue> DynamoValue for Box<T> {
    // A leaf, not T's path: recursive types (a node holding a boxed node) would
    // otherwise have paths of infinite size.
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = T::EXPECTED;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        (**self).to_attribute_value()
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        T::from_attribute_value(value).map(Box::new)
    }

    fn from_missing() -> Result<Self, ConversionError> {
        T::from_missing().map(Box::new)
    }
}

impl<T: DynamoValue> DynamoValue for Vec<T> {
    type Path<P: crate::path::PathParent> = crate::path::ListPath<P, T>;

    const EXPECTED: &'static str = "a list (L)";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        T::__encode_vec(self).map(Some)
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        T::__decode_vec(value)
    }
}

fn encode_map<'a, T: DynamoValue + 'a>(
    entries: impl ExactSizeIterator<Item = (&'a String, &'a T)>,
) -> Result<AttributeValue, ConversionError> {
    let mut map = HashMap::with_capacity(entries.len());
    for (key, value) in entries {
        let encoded = value
            .to_attribute_value()
            .map_err(|e| e.in_attribute(key.clone()))?;
        map.insert(key.clone(), or_null(encoded));
    }
    Ok(AttributeValue::M(map))
}

fn decode_map<T: DynamoValue, C: FromIterator<(String, T)>>(
    value: AttributeValue,
) -> Result<C, ConversionError> {
    match value {
        AttributeValue::M(map) => map
            .into_iter()
            .map(|(key, v)| match T::from_attribute_value(v) {
                Ok(v) => Ok((key, v)),
                Err(e) => Err(e.in_attribute(key)),
            })
            .collect(),
        other => Err(ConversionError::unexpected("a map (M)", &other)),
    }
}

impl<T: DynamoValue, S: BuildHasher + Default> DynamoValue for HashMap<String, T, S> {
    type Path<P: crate::path::PathParent> = crate::path::MapPath<P, T, Self>;

    const EXPECTED: &'static str = "a map (M)";

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        encode_map(self.iter()).map(Some)
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        decode_map(value)
    }
}

impl<T: DynamoValue> DynamoValue for BTreeMap<String, T> {
    type Path<P: crate::path::PathParent> = crate::path::MapPath<P, T, Self>;

    const EXPECTED: &'static str = "a map (M)";

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        encode_map(self.iter()).map(Some)
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        decode_map(value)
    }
}

const fn set_name(kind: ScalarType) -> &'static str {
    match kind {
        ScalarType::String => "a string set (SS)",
        ScalarType::Number => "a number set (NS)",
        ScalarType::Binary => "a binary set (BS)",
    }
}

/// An empty set is no attribute at all: DynamoDB refuses empty sets.
fn encode_set<'a, T: ScalarAttribute + 'a>(
    items: impl ExactSizeIterator<Item = &'a T>,
) -> Result<Option<AttributeValue>, ConversionError> {
    encode_scalars(items, false)
}

/// Encodes elements given one by one (for `insert_into` and `delete_from`) as a set,
/// dropping duplicates, which DynamoDB refuses; `None` when there are none.
pub(crate) fn encode_set_elements<T: ScalarAttribute>(
    items: impl IntoIterator<Item = T>,
) -> Result<Option<AttributeValue>, ConversionError> {
    let encoded = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| item.__into_attribute_value().map_err(|e| e.at_index(index)));
    scalars_to_set::<T>(encoded, true)
}

fn encode_scalars<'a, T: ScalarAttribute + 'a>(
    items: impl Iterator<Item = &'a T>,
    dedupe: bool,
) -> Result<Option<AttributeValue>, ConversionError> {
    let encoded = items
        .enumerate()
        .map(|(index, item)| item.to_attribute_value().map_err(|e| e.at_index(index)));
    scalars_to_set::<T>(encoded, dedupe)
}

/// Below this many elements a set is kept unique by looking through it, without a
/// hash set of copies.
const SMALL_SET: usize = 16;

/// Whether `item` is new to `list`; `seen` takes over once the list is not small.
fn first_time<E: Eq + std::hash::Hash + Clone>(
    list: &[E],
    seen: &mut HashSet<E>,
    item: &E,
) -> bool {
    if list.len() < SMALL_SET {
        return !list.contains(item);
    }
    if seen.is_empty() {
        seen.extend(list.iter().cloned());
    }
    seen.insert(item.clone())
}

/// A set attribute of the encoded elements, each once when `dedupe`.
fn scalars_to_set<T: ScalarAttribute>(
    encoded: impl Iterator<Item = Result<Option<AttributeValue>, ConversionError>>,
    dedupe: bool,
) -> Result<Option<AttributeValue>, ConversionError> {
    let mut strings: Vec<String> = Vec::new();
    let mut blobs: Vec<aws_smithy_types::Blob> = Vec::new();
    let mut seen_strings = HashSet::new();
    let mut seen_blobs = HashSet::new();
    for (index, element) in encoded.enumerate() {
        match element? {
            Some(AttributeValue::S(s) | AttributeValue::N(s)) => {
                if !dedupe || first_time(&strings, &mut seen_strings, &s) {
                    strings.push(s);
                }
            }
            Some(AttributeValue::B(b)) => {
                if !dedupe || first_time(&blobs, &mut seen_blobs, &b) {
                    blobs.push(b);
                }
            }
            other => {
                return Err(ConversionError::new(
                    set_name(T::SCALAR_TYPE),
                    format!(
                        "an element stored as {}",
                        other
                            .as_ref()
                            .map_or("nothing".into(), crate::error::describe_value)
                    ),
                )
                .at_index(index))
            }
        }
    }
    if strings.is_empty() && blobs.is_empty() {
        return Ok(None);
    }
    Ok(Some(match T::SCALAR_TYPE {
        ScalarType::String => AttributeValue::Ss(strings),
        ScalarType::Number => AttributeValue::Ns(strings),
        ScalarType::Binary => AttributeValue::Bs(blobs),
    }))
}

fn decode_set<T: ScalarAttribute, C: FromIterator<T>>(
    value: AttributeValue,
) -> Result<C, ConversionError> {
    let decode =
        |index: usize, v: AttributeValue| T::from_attribute_value(v).map_err(|e| e.at_index(index));
    match (T::SCALAR_TYPE, value) {
        (_, AttributeValue::Null(_)) => Ok(C::from_iter(std::iter::empty())),
        (ScalarType::String, AttributeValue::Ss(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, s)| decode(i, AttributeValue::S(s)))
            .collect(),
        (ScalarType::Number, AttributeValue::Ns(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, n)| decode(i, AttributeValue::N(n)))
            .collect(),
        (ScalarType::Binary, AttributeValue::Bs(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, b)| decode(i, AttributeValue::B(b)))
            .collect(),
        // Another writer's set stored as a list (serde_dynamo writes `HashSet` as L):
        // read when every element is one of the set's; dynamap itself writes SS/NS/BS.
        (_, AttributeValue::L(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| decode(i, v))
            .collect(),
        (kind, other) => Err(ConversionError::unexpected(set_name(kind), &other)),
    }
}

impl<T: ScalarAttribute + Eq + Hash, S: BuildHasher + Default> DynamoValue for HashSet<T, S> {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = set_name(T::SCALAR_TYPE);

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        encode_set(self.iter())
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        decode_set(value)
    }

    fn from_missing() -> Result<Self, ConversionError> {
        Ok(Self::default())
    }
}

impl<T: ScalarAttribute + Ord> DynamoValue for BTreeSet<T> {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = set_name(T::SCALAR_TYPE);

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        encode_set(self.iter())
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        decode_set(value)
    }

    fn from_missing() -> Result<Self, ConversionError> {
        Ok(Self::default())
    }
}
