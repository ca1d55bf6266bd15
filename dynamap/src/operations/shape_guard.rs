//! A write that changes part of an item, or is conditional on it, needs the item in
//! today's shape: the attributes it names are today's.
//!
//! An update of an item an older shape stored would otherwise write today's
//! attributes beside the old ones, under the old version, and the next read would
//! decode the old shape and drop them; a condition naming today's attributes would be
//! judged on the old ones. So such writes carry the condition that the stored version
//! is today's (or, where the write may create the item, that there is no item), and
//! when it fails on an older item, the item is first rewritten in today's shape
//! (conditional on it being as read, see `rewrite`) and the write sent again.

use std::future::Future;

use crate::error::{Error, Result};
use crate::expr::{Cmp, Node};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::path::AttrPath;
use crate::sdk_item::Item;

/// How many times a write upgrades the item it found and tries again (each round
/// needs another writer to store an older shape in between to fail again).
pub(crate) const UPGRADE_ATTEMPTS: u32 = 5;

/// `#shape = :version` for a type that declares a shape; at version 1, whose items may
/// lack the attribute, `attribute_not_exists(#shape) OR #shape = :1`. Even a type with
/// no older shape carries it: during a rolling deployment, its instances then refuse to
/// write into an item a newer release stored (`Error::NewerShape`) instead of mixing
/// their attributes into it.
pub(crate) fn current_shape<T: DynamoItem>() -> Option<Node> {
    let shape = T::SHAPE?;
    let path = AttrPath::top_level_name(shape.attribute);
    let current = Node::Compare(path.clone(), Cmp::Eq, shape.current_value());
    Some(match shape.version {
        1 => Node::Or(vec![Node::NotExists(path), current]),
        _ => current,
    })
}

/// `attribute_not_exists(pk) OR #shape = :version`: for a write that may create the item.
pub(crate) fn absent_or_current<T: DynamoItem>() -> Option<Node> {
    let current = current_shape::<T>()?;
    Some(Node::Or(vec![
        Node::NotExists(super::stored::partition_key_path::<T>()),
        current,
    ]))
}

/// The stored item of a failed condition, when it is of an older shape than `T`'s:
/// the write failed because the item must be upgraded first.
pub(crate) fn older_item<T: DynamoItem>(error: &Error) -> Option<&Item> {
    let shape = T::SHAPE?;
    match error {
        Error::ConditionFailed {
            item: Some(stored), ..
        } if shape.is_older(stored) => Some(&**stored),
        _ => None,
    }
}

/// A failed condition whose stored item holds a shape `T` cannot read (a newer one, or
/// an unreadable version), as that error: no write can fix it here. Any other error
/// unchanged.
pub(crate) fn unreadable_or<T: DynamoItem>(error: Error) -> Error {
    let found = match (&error, T::SHAPE) {
        (
            Error::ConditionFailed {
                item: Some(stored), ..
            },
            Some(shape),
        ) => crate::shape::stored_version(stored, &shape).err(),
        _ => None,
    };
    found.unwrap_or(error)
}

/// Sends a write (`first`); while it fails on an item an older shape stored, rewrites
/// that item in today's shape and sends the write again (`again`, `None` when it cannot
/// be), at most [`UPGRADE_ATTEMPTS`] times. A version `T` cannot read is its error.
pub(crate) async fn upgrading<T, R, F>(
    mapping: &TypedMapping<T>,
    first: F,
    mut again: impl FnMut() -> Option<F>,
) -> Result<R>
where
    T: DynamoItem,
    F: Future<Output = Result<R>>,
{
    let mut result = first.await;
    for _ in 0..UPGRADE_ATTEMPTS {
        let Some(stored) = result.as_ref().err().and_then(older_item::<T>) else {
            break;
        };
        let stored = stored.clone();
        let Some(next) = again() else {
            break;
        };
        super::rewrite::upgrade(mapping, &stored).await?;
        result = next.await;
    }
    result.map_err(unreadable_or::<T>)
}
