//! Writes of items that keep something beside themselves (unique values' guards,
//! counts and sums on parents): read what is stored, then send one transaction of the
//! items' writes, their guards' moves (put the guard of each value an item will hold,
//! delete the guard of each value it gives up) and their parents' changes, each item's
//! write conditional on the item being as read; redone when another writer changed one
//! in between.
//!
//! A lost answer is resent with the same client request token: DynamoDB applies a
//! token's transaction at most once (for ten minutes), so the resend either applies it
//! or answers success for the first attempt. A cancelled transaction applied nothing.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use aws_sdk_dynamodb::Client;

use super::aggregate::ParentChange;
use super::guard::{owner_of, Guard};
use crate::error::{cancelled, CancelReason, Error, Result};
use crate::expr::{Cmp, Node};
use crate::item::{CryptoAction, DynamoItem, ENCRYPTION_SDK_PREFIX};
use crate::observe::{Call, Observer};
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
/// far as what it keeps goes.
pub(crate) struct Planned {
    pub action: TransactWriteItem,
    pub new: Option<Item>,
}

/// The guards a write puts (`true`) and deletes, from the item's old and new images.
type GuardMoves = fn(Option<&Item>, Option<&Item>) -> Result<Vec<(Guard, bool)>>;

/// What a type keeps beside its items, as functions of an item's images: the type's
/// part of a transaction that may hold several types.
#[derive(Clone, Copy)]
pub(crate) struct Kind {
    name: &'static str,
    expectation: fn(Option<&Item>, Expect) -> Node,
    changed: fn(Option<&Item>, Option<&Item>, Expect) -> bool,
    guards: GuardMoves,
    parents: fn(Option<&Item>, Option<&Item>) -> Result<Vec<ParentChange>>,
    is_other_entity: fn(&Item) -> bool,
}

impl Kind {
    pub(crate) fn of<T: DynamoItem>() -> Kind {
        Kind {
            name: crate::item::short_type_name::<T>(),
            expectation: expectation::<T>,
            changed: changed::<T>,
            guards: guard_moves::<T>,
            parents: super::aggregate::changes::<T>,
            is_other_entity: |item| {
                T::ENTITY.is_some_and(|e| {
                    crate::operations::is_other_entity(item, (e.attribute, e.name))
                })
            },
        }
    }
}

/// One item's write in a transaction that keeps what its type keeps.
pub(crate) struct Step<'p> {
    pub kind: Kind,
    pub table: String,
    pub key: Item,
    /// How the stored item is read and expected (`None`: it cannot be there, as for a
    /// put `if_absent`, which fails otherwise).
    pub read: Option<Expect>,
    /// The item's action, from the stored item read and the condition to add.
    pub plan: Plan<'p>,
    pub label: String,
}

/// An action of the same transaction that keeps nothing, sent as it is.
pub(crate) struct Fixed {
    pub action: TransactWriteItem,
    pub label: String,
}

/// The longest a write is redone for other writers' changes between its read and its
/// transaction, or for conflicting transactions.
const MAX_ATTEMPTS: u32 = 16;

/// Sends one step alone (a single `insert`, `modify`, `update_with` or `remove`). The
/// item action's failed condition is [`Error::ConditionFailed`] with the item found,
/// as a single write's; a value another item holds [`Error::NotUnique`]; a missing
/// parent [`Error::ParentMissing`].
pub(crate) async fn write_one<T: DynamoItem>(
    mapping: &TypedMapping<T>,
    step: Step<'_>,
    operation: &'static str,
) -> Result<Option<Item>> {
    let mut steps = [step];
    match transact(
        mapping.client(),
        mapping.observer(),
        None,
        Vec::new(),
        &mut steps,
    )
    .await
    {
        Ok(mut stored) => Ok(stored.pop().flatten()),
        Err(Error::TransactionCancelled { actions, message }) => {
            match actions
                .iter()
                .find(|a| a.index == 0 && a.reason == CancelReason::ConditionFailed)
            {
                Some(action) => Err(Error::ConditionFailed {
                    operation,
                    table: mapping.table_name().to_owned(),
                    item: action.item.clone().map(Box::new),
                }),
                None => Err(Error::TransactionCancelled { actions, message }),
            }
        }
        Err(e) => Err(e),
    }
}

/// What an action beyond the items' own is, to tell its failure: `item` names the
/// type of the write it serves.
enum Extra {
    Guard {
        item: &'static str,
        guard: Guard,
        put: bool,
    },
    Parent {
        item: &'static str,
        parent: &'static str,
        key: Item,
    },
}

/// The plan of one step's item action (see [`Step::plan`]).
pub(crate) type Plan<'p> =
    Box<dyn FnMut(Option<&Item>, Option<Node>) -> Result<Planned> + Send + 'p>;

/// Sends `fixed` and `steps` as one transaction (the fixed actions first, then each
/// step's item, then the guards and parents), reading each step's item first; returns
/// each step's stored item as read. `token` is the caller's client request token, for
/// the first attempt (a redo sends another request, so it takes another token).
pub(crate) async fn transact(
    client: &Client,
    observer: &Observer,
    token: Option<String>,
    fixed: Vec<Fixed>,
    steps: &mut [Step<'_>],
) -> Result<Vec<Option<Item>>> {
    // Guards of old values another item holds: the data disagreed with itself before
    // this write (a value stored around dynamap); not ours to delete.
    let mut foreign: Vec<String> = Vec::new();
    let mut token = token;
    // What each step reads, apart from its plan (which need not be `Sync`).
    let reads: Vec<(String, Item, bool)> = steps
        .iter()
        .map(|s| (s.table.clone(), s.key.clone(), s.read.is_some()))
        .collect();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut stored = Vec::with_capacity(reads.len());
        for (table, key, reads_it) in &reads {
            stored.push(match reads_it {
                true => read(client, observer, table, key).await?,
                false => None,
            });
        }
        let mut actions: Vec<TransactWriteItem> = fixed.iter().map(|f| f.action.clone()).collect();
        let mut labels: Vec<String> = fixed.iter().map(|f| f.label.clone()).collect();
        let mut news = Vec::with_capacity(steps.len());
        for (step, stored) in steps.iter_mut().zip(&stored) {
            let expectation = step
                .read
                .map(|expect| (step.kind.expectation)(stored.as_ref(), expect));
            let planned = (step.plan)(stored.as_ref(), expectation)?;
            actions.push(planned.action);
            labels.push(step.label.clone());
            news.push(planned.new);
        }
        let first_step = fixed.len();
        let touched: Vec<(&str, &Item)> =
            steps.iter().map(|s| (s.table.as_str(), &s.key)).collect();
        let mut extras = Vec::new();
        let mut changes: Vec<(&'static str, &str, ParentChange)> = Vec::new();
        for ((step, stored), new) in steps.iter().zip(&stored).zip(&news) {
            // Another entity's item under the key: the write's entity guard refuses
            // it; its attributes are not this type's values.
            let old = stored
                .as_ref()
                .filter(|item| !(step.kind.is_other_entity)(item));
            let new = new.as_ref();
            for (guard, put) in (step.kind.guards)(old, new)? {
                if !put && foreign.contains(&guard.text) {
                    continue;
                }
                if touched.contains(&(step.table.as_str(), &guard.key)) {
                    return Err(twice(&step.table));
                }
                actions.push(match put {
                    true => guard.put(&step.table, &step.key)?,
                    false => guard.delete(&step.table, &step.key)?,
                });
                labels.push(format!(
                    "the guard of `{}.{}`",
                    step.kind.name, guard.unique.attribute
                ));
                extras.push(Extra::Guard {
                    item: step.kind.name,
                    guard,
                    put,
                });
            }
            for change in (step.kind.parents)(old, new)? {
                // Two children of one parent in one transaction: one change of it.
                let same = changes.iter_mut().find(|(_, table, c)| {
                    *table == step.table
                        && std::ptr::eq(c.aggregate, change.aggregate)
                        && c.key == change.key
                });
                match same {
                    Some((_, _, c)) => c.delta += change.delta,
                    None => changes.push((step.kind.name, &step.table, change)),
                }
            }
        }
        // A parent is no guard: guards' keys never render an entity's template.
        changes.retain(|(_, _, c)| c.delta != 0);
        let mut tables: Vec<&str> = changes.iter().map(|(_, t, _)| *t).collect();
        // One pass per table: steps of one table need not stand together.
        tables.sort_unstable();
        tables.dedup();
        for table in tables {
            let of_table: Vec<ParentChange> = changes
                .iter()
                .filter(|(_, t, _)| *t == table)
                .map(|(_, _, c)| c.clone())
                .collect();
            for (key, update) in super::aggregate::updates(table, &of_table)? {
                let (item, parent) = changes
                    .iter()
                    .find(|(_, t, c)| *t == table && c.key == key)
                    .map_or(("", ""), |(item, _, c)| (*item, c.aggregate.parent.name));
                if touched.iter().any(|(t, k)| *t == table && **k == key) {
                    return Err(twice(table));
                }
                actions.push(update);
                labels.push(format!("the `{parent}` kept by `{item}`"));
                extras.push(Extra::Parent { item, parent, key });
            }
        }
        let outcome = send(client, observer, &labels, actions, token.take()).await;
        let Err(Error::TransactionCancelled { actions, message }) = outcome else {
            return outcome.map(|()| stored);
        };
        let failed = |index: usize| {
            actions
                .iter()
                .find(|a| a.index == index && a.reason == CancelReason::ConditionFailed)
        };
        let mut redo = false;
        for ((position, step), stored) in steps.iter().enumerate().zip(&stored) {
            if let (Some(expect), Some(action)) = (step.read, failed(first_step + position)) {
                redo |= (step.kind.changed)(stored.as_ref(), action.item.as_ref(), expect);
            }
        }
        if !redo {
            for (position, extra) in extras.iter().enumerate() {
                let Some(action) = failed(first_step + steps.len() + position) else {
                    continue;
                };
                match extra {
                    Extra::Guard {
                        item,
                        guard,
                        put: true,
                    } => {
                        return Err(Error::NotUnique {
                            item,
                            field: guard.unique.attribute,
                            owner: action.item.as_ref().map(owner_of).unwrap_or_default(),
                        })
                    }
                    Extra::Guard { guard, .. } => {
                        foreign.push(guard.text.clone());
                        redo = true;
                    }
                    Extra::Parent { item, parent, key } => {
                        return Err(Error::ParentMissing {
                            item,
                            parent,
                            key: key.clone(),
                        })
                    }
                }
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

fn twice(table: &str) -> Error {
    Error::InvalidRequest {
        operation: "TransactWriteItems",
        problem: format!(
            "two actions on the same item of `{table}` (a guard or a parent two writes both move): DynamoDB refuses that; write them apart"
        ),
    }
}

/// The stored item under `key`, strongly consistent.
async fn read(
    client: &Client,
    observer: &Observer,
    table: &str,
    key: &Item,
) -> Result<Option<Item>> {
    let request = client
        .get_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .consistent_read(true);
    let output = crate::observe::send_classified(request, Call::new(table, observer)).await?;
    Ok(output.item.filter(|item| !item.is_empty()))
}

/// Sends the transaction, resending it with the same token while its answer is lost
/// or while DynamoDB still works on an earlier attempt of it.
async fn send(
    client: &Client,
    observer: &Observer,
    labels: &[String],
    actions: Vec<TransactWriteItem>,
    token: Option<String>,
) -> Result<()> {
    let token = token.unwrap_or_else(|| format!("{:032x}", fastrand::u128(..)));
    let mut tables: Vec<String> = Vec::new();
    for action in &actions {
        let table = action_table(action);
        if !tables.iter().any(|t| t == table) {
            tables.push(table.to_owned());
        }
    }
    let tables = tables.join(", ");
    let mut in_progress = 0;
    loop {
        let tracked = crate::resilience::send_tracked(client, || {
            let request = client
                .transact_write_items()
                .set_transact_items(Some(actions.clone()))
                .client_request_token(token.clone());
            let call = Call::new(&tables, observer)
                .items(actions.len())
                .sdk_retries(false);
            let tables = &tables;
            async move {
                match crate::observe::send(request, call).await {
                    Ok(_) => Ok(()),
                    Err(e) => Err(match Error::classify("TransactWriteItems", tables, e) {
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

/// The table an action writes.
fn action_table(action: &TransactWriteItem) -> &str {
    action
        .put()
        .map(|a| a.table_name())
        .or_else(|| action.update().map(|a| a.table_name()))
        .or_else(|| action.delete().map(|a| a.table_name()))
        .or_else(|| action.condition_check().map(|a| a.table_name()))
        .unwrap_or_default()
}

fn is_in_progress(error: &Error) -> bool {
    matches!(
        error.sdk_error(),
        Some(aws_sdk_dynamodb::Error::TransactionInProgressException(_))
    )
}

/// The guards a write of `T` puts (`true`) and deletes (`false`): each value the new
/// image holds, and each value of the old one it gives up.
fn guard_moves<T: DynamoItem>(
    old: Option<&Item>,
    new: Option<&Item>,
) -> Result<Vec<(Guard, bool)>> {
    let mut out = Vec::new();
    for unique in T::UNIQUE {
        let before = old
            .map(|o| Guard::of::<T>(unique, o))
            .transpose()?
            .flatten();
        let after = new
            .map(|n| Guard::of::<T>(unique, n))
            .transpose()?
            .flatten();
        if let Some(guard) = before.filter(|b| Some(b) != after.as_ref()) {
            out.push((guard, false));
        }
        if let Some(guard) = after {
            out.push((guard, true));
        }
    }
    Ok(out)
}

/// The attributes a write expects as read: what it keeps is made of, or all that a
/// condition can name. Kept attributes are never encrypted (the derive refuses it); of
/// the whole item, the encrypted attributes and the encryption SDK's own are left out:
/// the SDK refuses a condition on them, and an item it returns on a failed condition
/// may still hold them encrypted.
fn expected<T: DynamoItem>(stored: &Item, expect: Expect) -> Vec<(&str, Option<&AttributeValue>)> {
    let key: Vec<&str> = T::KEY_SCHEMA.names().collect();
    let conditionable = |name: &str| {
        !key.contains(&name)
            && name != write_token::ATTRIBUTE
            && !name.starts_with(ENCRYPTION_SDK_PREFIX)
            && !T::CRYPTO_ACTIONS
                .iter()
                .any(|(n, action)| *n == name && *action == CryptoAction::EncryptAndSign)
    };
    match expect {
        Expect::Unique => super::kept_attributes::<T>()
            .filter(|name| !key.contains(name))
            .map(|n| (n, stored.get(n)))
            .collect(),
        Expect::Whole => {
            let mut pairs: Vec<(&str, Option<&AttributeValue>)> = stored
                .iter()
                .filter(|(name, _)| conditionable(name))
                .map(|(name, value)| (name.as_str(), Some(value)))
                .collect();
            pairs.extend(
                T::attribute_names()
                    .into_iter()
                    .filter(|name| conditionable(name) && !stored.contains_key(*name))
                    .map(|name| (name, None)),
            );
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            pairs
        }
    }
}

/// The condition that the stored item is still as read: absent if it was absent.
pub(crate) fn expectation<T: DynamoItem>(stored: Option<&Item>, expect: Expect) -> Node {
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
