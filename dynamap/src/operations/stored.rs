//! What a write's condition names: the partition key's path, whose presence is how a
//! condition tells that an item exists. A leaf of the write paths, so that they need not
//! import one another for it.

use std::marker::PhantomData;

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
