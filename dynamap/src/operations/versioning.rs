//! Optimistic locking, in one place: the condition on the version a write is based on,
//! the version a whole-item write stores next, the largest version a field holds, and
//! what a refused write's answer says about the version stored.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, Result};
use crate::expr::{Cmp, Node};
use crate::item::DynamoItem;
use crate::path::AttrPath;

/// The condition that the stored version is `version`. Version 0 means no versioned
/// item yet: no item, an item stored without the attribute (written by another client,
/// or read through `#[dynamo(version, default)]`), or one stored at 0.
pub(crate) fn version_is(path: AttrPath, version: u64) -> Node {
    let equal = Node::Compare(path.clone(), crate::expr::Cmp::Eq, number(version));
    if version == 0 {
        Node::Or(vec![Node::NotExists(path), equal])
    } else {
        equal
    }
}

/// Stores the version after `current`, as every whole-item write (`insert`,
/// `insert_many`, transaction puts) does; refuses one the field could not read back.
pub(crate) fn store_next_version<T: DynamoItem>(
    item: &mut crate::sdk_item::Item,
    name: &'static str,
    current: u64,
) -> Result<()> {
    let next = current.saturating_add(1);
    T::check_version(next)?;
    item.insert(name.to_owned(), number(next));
    Ok(())
}

fn number(n: u64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

/// The version stored in an item, as a `u64`.
pub(crate) fn stored_version(item: &crate::sdk_item::Item, name: &str) -> Option<u64> {
    match item.get(name) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

/// A failed condition of a versioned write, as [`Error::VersionConflict`] when the
/// stored version is not `expected` (the item DynamoDB returned says), else unchanged.
pub(crate) fn version_conflict_or(error: Error, name: &str, expected: u64) -> Error {
    let Error::ConditionFailed {
        item: old,
        table,
        operation,
    } = error
    else {
        return error;
    };
    let found = old.as_ref().and_then(|old| stored_version(old, name));
    let conflict = match (expected, old.is_some()) {
        // Version 0 also matches an item stored without a version.
        (0, true) => found.is_some_and(|v| v != 0),
        _ => found != Some(expected),
    };
    if conflict {
        Error::VersionConflict {
            table,
            expected,
            found,
        }
    } else {
        Error::ConditionFailed {
            operation,
            table,
            item: old,
        }
    }
}

/// The largest version `T`'s version field holds, when that is less than `u64::MAX`.
pub(super) fn version_ceiling<T: DynamoItem>() -> Option<u64> {
    [u64::from(u8::MAX), u64::from(u16::MAX), u64::from(u32::MAX)]
        .into_iter()
        .find(|max| T::check_version(max.saturating_add(1)).is_err())
}

/// `attribute_not_exists(version) OR version < max`.
pub(super) fn below(path: AttrPath, max: u64) -> Node {
    Node::Or(vec![
        Node::NotExists(path.clone()),
        Node::Compare(path, Cmp::Lt, AttributeValue::N(max.to_string())),
    ])
}

/// A failed update of a versioned item whose stored version is at the field's ceiling:
/// the error `check_version` gives for the version a bump would store.
pub(super) fn past_ceiling<T: DynamoItem>(error: Error) -> Error {
    let (Some(name), Some(max)) = (T::VERSION_ATTRIBUTE, version_ceiling::<T>()) else {
        return error;
    };
    match &error {
        Error::ConditionFailed {
            item: Some(stored), ..
        } if stored_version(stored, name).is_some_and(|v| v >= max) => {
            T::check_version(max.saturating_add(1))
                .err()
                .unwrap_or(error)
        }
        _ => error,
    }
}
