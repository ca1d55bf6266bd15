//! Moving an item to a new key: the old item deleted and the new one put in one
//! transaction, the delete conditional on the old item being as read and the put on the
//! new key being free. It goes through the kept-writes engine (`invariants::transact`),
//! which reads, redoes after another writer's change and resends a lost answer with the
//! same client request token.

use std::sync::Mutex;

use crate::error::{CancelReason, Error, Result};
use crate::expr::{Node, Renderer};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

use super::invariants::{Expect, Kind, Planned, Step};

/// Moves an item to a new key, in one transaction; from [`TypedMapping::move_item`],
/// sent by `.await`. Returns the item as stored under its new key.
///
/// The item under the old key is read (strongly consistent), `apply` changes it (a key
/// field, or a field of an entity's primary-key template), and one TransactWriteItems
/// deletes the old item, conditional on every attribute being as read, and puts the new
/// one, conditional on its key being free: both happen or neither. When another writer
/// changed the old item in between, it is read again and `apply` runs again (at most 16
/// rounds). The new item is stamped (`updated_at`; `created_at` kept)
/// and stored at the next version, as `update_with` stores it.
///
/// - No item under the old key: [`Error::NotFound`].
/// - The new key holds an item: [`Error::ConditionFailed`] with that item; nothing moved.
/// - `apply` leaves the key as it was: [`Error::InvalidRequest`] (that is `update_with`).
/// - An entity's old key holding another entity's item: [`Error::OtherEntity`].
/// - A type with unique attributes or maintained counts is refused: its guards and
///   parents would be moved by two actions on one item, which DynamoDB refuses.
///
/// A lost answer is resent with the transaction's client request token, which DynamoDB
/// applies once: the move is never applied twice nor reported done when it was not.
///
/// ```no_run
/// # use dynamap::prelude::*;
/// # #[derive(DynamoItem, Clone)]
/// # struct Seat { #[dynamo(partition_key)] flight: String, #[dynamo(sort_key)] seat: String, passenger: String }
/// # async fn f(seats: TypedMapping<Seat>) -> dynamap::Result<()> {
/// let key = ("LH400".to_string(), "12A".to_string());
/// let moved = seats.move_item(&key, |s| s.seat = "14C".into()).await?;
/// assert_eq!(moved.seat, "14C");
/// # Ok(()) }
/// ```
#[must_use = "a MoveItem does nothing until it is awaited"]
#[doc(alias = "TransactWriteItems")]
pub struct MoveItem<'a, T: DynamoItem, F> {
    mapping: &'a TypedMapping<T>,
    key: Result<Item>,
    apply: F,
}

impl<'a, T, F> MoveItem<'a, T, F>
where
    T: DynamoItem + Clone,
    F: FnMut(&mut T) + Send,
{
    pub(super) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>, apply: F) -> Self {
        MoveItem {
            mapping,
            key,
            apply,
        }
    }

    /// Sends the move; the same as `.await`. Returns the item as stored under its new key.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, Clone)]
    /// # struct User { #[dynamo(partition_key)] handle: String, name: String }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let renamed = users.move_item("ada", |u| u.handle = "ada.l".into()).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<T> {
        super::refuse_unguarded::<T>("TransactWriteItems")?;
        let old_key = self.key?;
        let mapping = self.mapping;
        // The new key, from the item as first read: the transaction's second item.
        let Some(first) = super::Get::new(mapping, Ok(old_key.clone()))
            .consistent_read(true)
            .send_raw()
            .await?
        else {
            return Err(not_found(mapping));
        };
        let (_, new_key) = moved::<T>(&first, &mut self.apply, &old_key)?;
        let table = mapping.table_name().to_owned();
        let now = mapping.stamp_time();
        // What the delete's plan made, for the put's plan (called right after it).
        let planned: Mutex<Option<(T, Item)>> = Mutex::new(None);
        let apply = &mut self.apply;
        let (delete_table, delete_key, planned_new_key) =
            (table.clone(), old_key.clone(), new_key.clone());
        let planned_ref = &planned;
        let delete = Step {
            kind: Kind::of::<T>(),
            table: table.clone(),
            key: old_key.clone(),
            read: Some(Expect::Whole),
            plan: Box::new(move |stored, expect| {
                let stored = stored.ok_or_else(|| not_found_in(&delete_table))?;
                let (new, key) = moved::<T>(stored, apply, &delete_key)?;
                if key != planned_new_key {
                    return Err(Error::InvalidRequest {
                        operation: "TransactWriteItems",
                        problem: "the closure gave another new key when the item was read again (another writer changed it): move it again".to_owned(),
                    });
                }
                let attributes = stored_form(&new, now)?;
                if let Ok(mut slot) = planned_ref.lock() {
                    *slot = Some((new, attributes));
                }
                Ok(Planned {
                    action: super::transact_actions::delete(
                        &delete_table,
                        delete_key.clone(),
                        super::delete_expressions::<T>(expect)?,
                    )?,
                    new: None,
                })
            }),
            label: format!("Delete on `{table}`"),
        };
        let put_table = table.clone();
        let put = Step {
            kind: Kind::of::<T>(),
            table: table.clone(),
            key: new_key,
            // Nothing may be there: the put's condition says so.
            read: None,
            plan: Box::new(move |_, _| {
                let attributes = planned_ref
                    .lock()
                    .ok()
                    .and_then(|slot| slot.as_ref().map(|(_, a)| a.clone()))
                    .ok_or_else(|| Error::UnexpectedAnswer {
                        operation: "TransactWriteItems",
                        problem: "a move's put planned before its delete".to_owned(),
                    })?;
                let free = Node::NotExists(super::stored::partition_key_path::<T>());
                let mut renderer = Renderer::new("PutItem");
                renderer.condition(Some(&free))?;
                Ok(Planned {
                    action: super::transact_actions::put(
                        &put_table,
                        attributes.clone(),
                        renderer.finish(),
                    )?,
                    new: Some(attributes),
                })
            }),
            label: format!("Put on `{table}`"),
        };
        let mut steps = [delete, put];
        let sent = super::invariants::transact(
            mapping.client(),
            mapping.observer(),
            None,
            Vec::new(),
            &mut steps,
        )
        .await;
        drop(steps);
        match sent {
            Ok(_) => {}
            Err(Error::TransactionCancelled { actions, message }) => {
                let failed = |index| {
                    actions
                        .iter()
                        .find(|a| a.index == index && a.reason == CancelReason::ConditionFailed)
                };
                if let Some(taken) = failed(1) {
                    // Another entity's item there is named as such.
                    return Err(super::entity_guard::other_entity_or::<T>(
                        Error::ConditionFailed {
                            operation: "TransactWriteItems",
                            table,
                            item: taken.item.clone().map(Box::new),
                        },
                    ));
                }
                if let Some(changed) = failed(0) {
                    return Err(match changed.item.as_ref().filter(|i| !i.is_empty()) {
                        None => not_found(mapping),
                        Some(_) => Error::ConditionFailed {
                            operation: "TransactWriteItems",
                            table,
                            item: changed.item.clone().map(Box::new),
                        },
                    });
                }
                return Err(Error::TransactionCancelled { actions, message });
            }
            Err(e) => return Err(e),
        }
        let planned = planned.into_inner().ok().flatten();
        let (mut new, _) = planned.ok_or_else(|| Error::UnexpectedAnswer {
            operation: "TransactWriteItems",
            problem: "a move sent without its plan".to_owned(),
        })?;
        new.set_stamps(now);
        if let Some(version) = new.version() {
            new.set_version(version.saturating_add(1))?;
        }
        Ok(new)
    }
}

/// The item read, changed by `apply`, and its new key; refused when the key stayed or
/// the item is another entity's.
fn moved<T: DynamoItem + Clone>(
    stored: &Item,
    apply: &mut impl FnMut(&mut T),
    old_key: &Item,
) -> Result<(T, Item)> {
    if let Some(entity) = T::ENTITY {
        if super::is_other_entity(stored, (entity.attribute, entity.name)) {
            let found = crate::entity_def::entity_of(stored, entity.attribute);
            return Err(Error::other_entity(&[entity.name], found));
        }
    }
    let mut new = T::from_item(stored.clone())?;
    let version = new.version();
    apply(&mut new);
    if let Some(version) = version {
        // The version is dynamap's to bump, not the closure's.
        new.set_version(version)?;
        T::check_version(version.saturating_add(1))?;
    }
    let key = T::key_to_item(&new.key())?;
    if &key == old_key {
        return Err(Error::InvalidRequest {
            operation: "TransactWriteItems",
            problem: "the closure left the key as it was: change the item with update_with"
                .to_owned(),
        });
    }
    crate::key::check_key(&key, &T::KEY_SCHEMA)?;
    Ok((new, key))
}

/// `new` as the put stores it: validated, stamped, at its next version, within limits
/// (as `insert` stores it; its conditions are the move's own).
fn stored_form<T: DynamoItem>(new: &T, now: std::time::SystemTime) -> Result<Item> {
    Ok(super::put_parts::<T>(new, None, false, now)?.item)
}

fn not_found<T: DynamoItem>(mapping: &TypedMapping<T>) -> Error {
    not_found_in(mapping.table_name())
}

fn not_found_in(table: &str) -> Error {
    Error::NotFound {
        table: table.to_owned(),
    }
}

impl<'a, T, F> std::future::IntoFuture for MoveItem<'a, T, F>
where
    T: DynamoItem + Clone,
    F: FnMut(&mut T) + Send + 'a,
{
    type Output = Result<T>;
    type IntoFuture = futures::future::BoxFuture<'a, Result<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
