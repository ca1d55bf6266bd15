//! Unique attributes (`#[dynamo(unique)]`): each value an item holds is also held by a
//! guard item in the same table, written, moved and deleted in one transaction with
//! the item, so two items can never hold one value, whatever the interleaving of
//! writers. Batch writes cannot be transactions: they refuse such types.

mod guard;
mod write;

pub(crate) use guard::is_guard_key;
#[cfg(feature = "lambda")]
pub(crate) use guard::is_guard_text;
pub(crate) use write::{write, Expect, Planned};

use crate::error::{Error, Result};
use crate::expr::{Action, Node};
use crate::item::DynamoItem;
use crate::path::AttrPath;
use crate::sdk_item::Item;
use aws_sdk_dynamodb::types::AttributeValue;

/// What scans and counts of `T` keep of a table: an entity's own items, or a plain
/// type's items without its guards.
pub(crate) fn own_items<T: DynamoItem>() -> Option<Node> {
    match T::ENTITY {
        Some(entity) => Some(entity.filter()),
        None if !T::UNIQUE.is_empty() => {
            Some(Node::NotExists(AttrPath::top_level_name(guard::OWNER)))
        }
        None => None,
    }
}

/// Refuses a write that cannot keep `T`'s guards: a batch (not a transaction), or an
/// action of a caller's transaction (its guards would need a read of their own).
pub(crate) fn refuse_unguarded<T: DynamoItem>(operation: &'static str) -> Result<()> {
    match T::UNIQUE.first() {
        None => Ok(()),
        Some(unique) => Err(Error::InvalidRequest {
            operation,
            problem: format!(
                "`{}` has a unique attribute (`{}`), whose guard {operation} cannot keep: write it with insert, modify or remove",
                crate::item::short_type_name::<T>(),
                unique.attribute
            ),
        }),
    }
}

/// Whether `name` is a unique attribute of `T` or scopes one: changing it moves a guard.
fn is_guarded<T: DynamoItem>(name: &str) -> bool {
    T::UNIQUE
        .iter()
        .any(|u| u.attribute == name || u.per.contains(&name))
}

/// Whether an update's `actions` change what `T`'s guards are made of.
pub(crate) fn touches<T: DynamoItem>(actions: &[(AttrPath, Action)]) -> bool {
    !T::UNIQUE.is_empty()
        && actions
            .iter()
            .any(|(path, _)| path.top_level().is_some_and(is_guarded::<T>))
}

/// The item as an update's `actions` leave `stored` (with the `key` and, for an entity's
/// upsert, the key's fields), as far as unique attributes and their scopes go. Only a
/// whole value set or removed can be followed: anything else in such an attribute
/// (inside it, arithmetic, appending) is refused before sending.
pub(crate) fn after_update<T: DynamoItem>(
    stored: Option<&Item>,
    key: &Item,
    key_fields: &Item,
    actions: &[(AttrPath, Action)],
) -> Result<Item> {
    let mut image = stored.cloned().unwrap_or_default();
    for (name, value) in key.iter().chain(key_fields) {
        image.entry(name.clone()).or_insert_with(|| value.clone());
    }
    for (path, action) in actions {
        let Some(name) = path.top_level().filter(|name| is_guarded::<T>(name)) else {
            continue;
        };
        match (path.segments().len(), action) {
            (1, Action::Set(value)) => {
                image.insert(name.to_owned(), value.clone());
            }
            (1, Action::SetIfAbsent(value)) => {
                image
                    .entry(name.to_owned())
                    .or_insert_with(|| value.clone());
            }
            (1, Action::Remove) => {
                image.remove(name);
            }
            _ => {
                return Err(Error::InvalidRequest {
                    operation: "UpdateItem",
                    problem: format!(
                        "`{path}` changes part of `{name}`, which a unique attribute's guard is made of: set or remove the whole value"
                    ),
                })
            }
        }
    }
    Ok(image)
}

/// The item an update leaves, from the whole item it replaced (`old`, exact: the update
/// expected it): its top-level values set or removed, and the version bumped as the
/// server bumps it. `None` when an action needs the server to be evaluated (inside a
/// value, arithmetic, appending, a set operation).
pub(crate) fn updated_item<T: DynamoItem>(
    old: &Item,
    actions: &[(AttrPath, Action)],
) -> Option<Item> {
    let mut item = old.clone();
    for (path, action) in actions {
        let [crate::path::PathStep::Name(name)] = path.segments() else {
            return None;
        };
        match action {
            Action::Set(value) => {
                item.insert(name.to_string(), value.clone());
            }
            Action::SetIfAbsent(value) => {
                item.entry(name.to_string())
                    .or_insert_with(|| value.clone());
            }
            Action::Remove => {
                item.remove(&**name);
            }
            _ => return None,
        }
    }
    if let Some(name) = T::VERSION_ATTRIBUTE {
        // `if_not_exists(version, 0) + 1`
        let current = match item.get(name) {
            Some(AttributeValue::N(n)) => n.parse::<u64>().ok()?,
            None => 0,
            Some(_) => return None,
        };
        item.insert(
            name.to_owned(),
            AttributeValue::N(current.checked_add(1)?.to_string()),
        );
    }
    Some(item)
}
