//! One write of an item with unique attributes: read what is stored, then send one
//! transaction of the item's write and its guards' moves (put the guard of each value
//! the item will hold, delete the guard of each value it gives up), conditional on the
//! stored item being as read; redone when another writer changed it in between.
//!
//! A lost answer is resent with the same client request token: DynamoDB applies a
//! token's transaction at most once (for ten minutes), so the resend either applies it
//! or answers success for the first attempt. A cancelled transaction applied nothing.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use super::guard::{owner_of, Guard};
use crate::error::{cancelled, CancelReason, Error, Result};
use crate::expr::{Cmp, Node};
use crate::item::DynamoItem;
use crate::observe::Call;
use crate::operations::write_token;
use crate::operations::TypedMapping;
use crate::path::AttrPath;
use crate::sdk_item::Item;

/// What the write's condition expects of the stored item, beside the caller's.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// What the write's guards and parents are made of, as read (or no item): enough
    /// to move the right guards and add the right changes.
    Unique,
    /// Every attribute as read (or no item): the write returns what it replaced.
    Whole,
}

/// The item's own action, and the item as the action leaves it (`None`: deleted) as
/// far as its unique attributes and their scopes go.
pub(crate) struct Planned {
    pub action: TransactWriteItem,
    pub new: Option<Item>,
}

/// The longest a write is redone for other writers' changes between its read and its
/// transaction, or for conflicting transactions.
const MAX_ATTEMPTS: u32 = 16;

/// Writes the item under `key` of `mapping` with its guards. `read` says whether a
/// stored item may be there (a put `if_absent` knows there is none, or it fails).
/// `plan` builds the item's action from the stored item read (if any) and the
/// condition the action must add. Returns the stored item the write replaced.
///
/// The item action's failed condition is [`Error::ConditionFailed`] with the item
/// found (as a single write's), a value another item holds [`Error::NotUnique`].
pub(crate) async fn write<T, F>(
    mapping: &TypedMapping<T>,
    key: &Item,
    operation: &'static str,
    read: Option<Expect>,
    mut plan: F,
) -> Result<Option<Item>>
where
    T: DynamoItem,
    F: FnMut(Option<&Item>, Option<Node>) -> Result<Planned>,
{
    let table = mapping.table_name();
    // Guards of old values another item holds: the data disagreed with itself before
    // this write (a value stored around dynamap); not ours to delete.
    let mut foreign: Vec<String> = Vec::new();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let stored = match read {
            Some(_) => {
                let get = super::super::Get::new(mapping, Ok(key.clone()));
                get.consistent_read(true).send_raw().await?
            }
            None => None,
        };
        // Another entity's item under the key: the write's entity guard refuses it;
        // its attributes are not this type's values.
        let old = stored.as_ref().filter(|item| {
            !T::ENTITY
                .is_some_and(|e| crate::operations::is_other_entity(item, (e.attribute, e.name)))
        });
        let expectation = read.map(|expect| expectation::<T>(stored.as_ref(), expect));
        let planned = plan(stored.as_ref(), expectation)?;
        let mut actions = vec![planned.action];
        let mut guards = Vec::new();
        for unique in T::UNIQUE {
            let before = old
                .map(|o| Guard::of::<T>(unique, o))
                .transpose()?
                .flatten();
            let after = planned
                .new
                .as_ref()
                .map(|n| Guard::of::<T>(unique, n))
                .transpose()?
                .flatten();
            if let Some(guard) = after.clone() {
                actions.push(guard.put::<T>(table, key)?);
                guards.push((guard, true));
            }
            if let Some(guard) = before.filter(|b| Some(b) != after.as_ref()) {
                if !foreign.contains(&guard.text) {
                    actions.push(guard.delete::<T>(table, key)?);
                    guards.push((guard, false));
                }
            }
        }
        let changes = super::aggregate::changes::<T>(old, planned.new.as_ref())?;
        let mut parents = Vec::new();
        for (key, update) in super::aggregate::updates(table, &changes)? {
            actions.push(update);
            let parent = changes
                .iter()
                .find(|c| c.key == key)
                .map(|c| c.aggregate.parent.name);
            parents.push((parent.unwrap_or_default(), key));
        }
        let outcome = send(mapping, actions).await;
        let Err(Error::TransactionCancelled { actions, message }) = outcome else {
            return outcome.map(|()| stored);
        };
        let failed = |index: usize| {
            actions
                .iter()
                .find(|a| a.index == index && a.reason == CancelReason::ConditionFailed)
        };
        if let Some(action) = failed(0) {
            if read
                .is_some_and(|expect| changed::<T>(stored.as_ref(), action.item.as_ref(), expect))
                && attempt < MAX_ATTEMPTS
            {
                continue;
            }
            return Err(Error::ConditionFailed {
                operation,
                table: table.to_owned(),
                item: action.item.clone().map(Box::new),
            });
        }
        let mut redo = false;
        for (position, (guard, put)) in guards.iter().enumerate() {
            let Some(action) = failed(position + 1) else {
                continue;
            };
            if *put {
                return Err(Error::NotUnique {
                    item: crate::item::short_type_name::<T>(),
                    field: guard.unique.attribute,
                    owner: action.item.as_ref().map(owner_of).unwrap_or_default(),
                });
            }
            foreign.push(guard.text.clone());
            redo = true;
        }
        for (position, (parent, key)) in parents.into_iter().enumerate() {
            if failed(1 + guards.len() + position).is_some() {
                return Err(Error::ParentMissing {
                    item: crate::item::short_type_name::<T>(),
                    parent,
                    key,
                });
            }
        }
        let conflict = actions
            .iter()
            .any(|a| a.reason == CancelReason::TransactionConflict);
        if (redo || conflict) && attempt < MAX_ATTEMPTS {
            if conflict {
                tokio::time::sleep(crate::resilience::conflict_backoff(attempt)).await;
            }
            continue;
        }
        return Err(Error::TransactionCancelled { actions, message });
    }
}

/// Sends the transaction, resending it with the same token while its answer is lost
/// or while DynamoDB still works on an earlier attempt of it.
async fn send<T: DynamoItem>(
    mapping: &TypedMapping<T>,
    actions: Vec<TransactWriteItem>,
) -> Result<()> {
    let table = mapping.table_name();
    let client = mapping.client();
    let token = format!("{:032x}", fastrand::u128(..));
    let labels: Vec<String> = (0..actions.len())
        .map(|i| match i {
            0 => format!("the item of `{table}`"),
            _ => format!("guard {i} in `{table}`"),
        })
        .collect();
    let mut in_progress = 0;
    loop {
        let tracked = crate::resilience::send_tracked(client, || {
            let request = client
                .transact_write_items()
                .set_transact_items(Some(actions.clone()))
                .client_request_token(token.clone());
            let call = Call::new(table, mapping.observer())
                .items(actions.len())
                .sdk_retries(false);
            let labels = &labels;
            async move {
                match crate::observe::send(request, call).await {
                    Ok(_) => Ok(()),
                    Err(e) => Err(match Error::classify("TransactWriteItems", table, e) {
                        Ok(answer) => cancelled(answer, labels, "TransactWriteItems"),
                        Err(transport) => transport,
                    }),
                }
            }
        })
        .await;
        match tracked.result {
            // An earlier attempt of this token is still being applied: ask again.
            Err(e) if is_in_progress(&e) && in_progress < MAX_ATTEMPTS => {
                in_progress += 1;
                tokio::time::sleep(crate::resilience::conflict_backoff(in_progress)).await;
            }
            result => return result,
        }
    }
}

fn is_in_progress(error: &Error) -> bool {
    matches!(
        error.sdk_error(),
        Some(aws_sdk_dynamodb::Error::TransactionInProgressException(_))
    )
}

/// The attributes a write expects as read: the unique ones and their scopes, or all.
fn expected<T: DynamoItem>(stored: &Item, expect: Expect) -> Vec<(&str, Option<&AttributeValue>)> {
    let key: Vec<&str> = T::KEY_SCHEMA.names().collect();
    match expect {
        Expect::Unique => super::kept_attributes::<T>()
            .filter(|name| !key.contains(name))
            .map(|n| (n, stored.get(n)))
            .collect(),
        Expect::Whole => {
            let mut pairs: Vec<(&str, Option<&AttributeValue>)> = stored
                .iter()
                .filter(|(name, _)| {
                    !key.contains(&name.as_str()) && *name != write_token::ATTRIBUTE
                })
                .map(|(name, value)| (name.as_str(), Some(value)))
                .collect();
            pairs.extend(
                T::attribute_names()
                    .into_iter()
                    .filter(|name| !key.contains(name) && !stored.contains_key(*name))
                    .map(|name| (name, None)),
            );
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            pairs
        }
    }
}

/// The condition that the stored item is still as read: absent if it was absent.
fn expectation<T: DynamoItem>(stored: Option<&Item>, expect: Expect) -> Node {
    let partition = AttrPath::top_level_name(T::KEY_SCHEMA.partition_key.name);
    let Some(stored) = stored else {
        return Node::NotExists(partition);
    };
    let mut conditions = vec![Node::Exists(partition)];
    for (name, value) in expected::<T>(stored, expect) {
        let path = AttrPath::from(name.to_owned());
        conditions.push(match value {
            Some(value) => Node::Compare(path, Cmp::Eq, value.clone()),
            None => Node::NotExists(path),
        });
    }
    match conditions.len() {
        1 => conditions.swap_remove(0),
        _ => Node::And(conditions),
    }
}

/// Whether the item a failed condition found (`found`) differs from the one read, in
/// what the write expected: another writer came between, and the write is redone.
fn changed<T: DynamoItem>(read: Option<&Item>, found: Option<&Item>, expect: Expect) -> bool {
    let found = found.filter(|item| !item.is_empty());
    match (read, found) {
        (None, None) => false,
        (Some(read), Some(found)) => {
            let mut before = expected::<T>(read, expect);
            let mut after = expected::<T>(found, expect);
            before.sort_by(|a, b| a.0.cmp(b.0));
            after.sort_by(|a, b| a.0.cmp(b.0));
            before != after
        }
        _ => true,
    }
}
