//! What a write's condition names and reads back: the partition key's path (whose
//! presence is how a condition tells that an item exists) and the version an item holds.
//! A leaf of the write paths, so that they need not import one another for it.

use std::marker::PhantomData;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::item::DynamoItem;
use crate::path::{AttrPath, PathStep};

/// The partition key's path: its presence is how conditions tell an item exists.
pub(super) fn partition_key_path<T: DynamoItem>() -> AttrPath {
    AttrPath::from_static(PartitionKeyPath::<T>::SEGMENTS)
}

/// The partition key's path, made once per item type at compile time: every modify
/// and every conditional insert names it.
struct PartitionKeyPath<T>(PhantomData<T>);

impl<T: DynamoItem> PartitionKeyPath<T> {
    const SEGMENTS: &'static [PathStep] = &[PathStep::Name(std::borrow::Cow::Borrowed(
        T::KEY_SCHEMA.partition_key.name,
    ))];
}

/// The version stored in an item, as a `u64`.
pub(super) fn stored_version(item: &crate::sdk_item::Item, name: &str) -> Option<u64> {
    match item.get(name) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}
