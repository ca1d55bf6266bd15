//! Unique attributes (`#[dynamo(unique)]`): each value an item holds is also held by a
//! guard item in the same table, written, moved and deleted in one transaction with
//! the item, so two items can never hold one value, whatever the interleaving of
//! writers. Batch writes cannot be transactions: they refuse such types.

mod aggregate;
pub(crate) mod guard;
mod write;

pub(crate) use guard::is_guard_key;
#[cfg(feature = "lambda")]
pub(crate) use guard::is_guard_text;
pub(crate) use write::{expectation, transact, write_one, Expect, Fixed, Kind, Planned, Step};

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
    let kept = match (T::UNIQUE.first(), T::AGGREGATES.first()) {
        (Some(unique), _) => format!("a unique attribute (`{}`), whose guard", unique.attribute),
        (None, Some(aggregate)) => format!(
            "a count or sum on its `{}` (`{}`), which",
            aggregate.parent.name, aggregate.attribute
        ),
        (None, None) => return Ok(()),
    };
    Err(Error::InvalidRequest {
        operation,
        problem: format!(
            "`{}` keeps {kept} {operation} cannot keep: write it with insert, modify or remove",
            crate::item::short_type_name::<T>(),
        ),
    })
}

/// Whether `T` keeps anything beyond its own item: unique values' guards, or counts
/// and sums on parents. Its writes then read first and go as transactions.
pub(crate) fn keeps<T: DynamoItem>() -> bool {
    !T::UNIQUE.is_empty() || !T::AGGREGATES.is_empty()
}

/// The attributes `T`'s guards and parents' changes are made of: unique values and
/// their scopes, summed values, and the fields of parents' keys.
pub(crate) fn kept_attributes<T: DynamoItem>() -> impl Iterator<Item = &'static str> {
    let unique = T::UNIQUE
        .iter()
        .flat_map(|u| u.per.iter().copied().chain([u.attribute]));
    let aggregates = T::AGGREGATES.iter().flat_map(|a| {
        a.of.into_iter()
            .chain(a.key.iter().map(|(_, child)| *child))
    });
    let mut seen: Vec<&'static str> = Vec::new();
    unique.chain(aggregates).filter(move |name| {
        let new = !seen.contains(name);
        if new {
            seen.push(name);
        }
        new
    })
}

/// Whether changing `name` moves a guard or a parent's count or sum.
fn is_kept<T: DynamoItem>(name: &str) -> bool {
    kept_attributes::<T>().any(|kept| kept == name)
}

/// Whether an update's `actions` change what `T`'s guards or parents' aggregates are
/// made of.
pub(crate) fn touches<T: DynamoItem>(actions: &[(AttrPath, Action)]) -> bool {
    keeps::<T>()
        && actions
            .iter()
            .any(|(path, _)| path.top_level().is_some_and(is_kept::<T>))
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
        let Some(name) = path.top_level().filter(|name| is_kept::<T>(name)) else {
            continue;
        };
        match (path.segments().len(), action) {
            (1, Action::Add(amount) | Action::Subtract(amount)) => {
                let sign = if matches!(action, Action::Add(_)) {
                    1
                } else {
                    -1
                };
                let current = match image.get(name) {
                    Some(AttributeValue::N(n)) => aggregate::whole(n)?,
                    _ => 0,
                };
                let AttributeValue::N(amount) = amount else {
                    return Err(refused(path, name));
                };
                let sum = current
                    .checked_add(sign * aggregate::whole(amount)?)
                    .ok_or_else(|| refused(path, name))?;
                image.insert(name.to_owned(), AttributeValue::N(sum.to_string()));
            }
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
            _ => return Err(refused(path, name)),
        }
    }
    Ok(image)
}

fn refused(path: &AttrPath, name: &str) -> Error {
    Error::InvalidRequest {
        operation: "UpdateItem",
        problem: format!(
            "`{path}` changes `{name}` in a way dynamap cannot follow, and a unique value's guard or a parent's count or sum is made of it: set or remove the whole value (or add to a whole number)"
        ),
    }
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
