//! Read-modify-write with optimistic concurrency: what replaces the seed's write-through
//! item accessor (`mapping["k"]["info"] = ...`).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, Result};
use crate::expr::{all_of, Cmp, Node};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::path::{AttrPath, PathStep};
use crate::sdk_item::Item;

use super::write_token::{self, WriteToken};

/// Reads an item, applies a closure, and writes it back only if nobody changed it in
/// between, retrying on conflict; from [`TypedMapping::update_with`], sent by `.await`.
///
/// The write is one UpdateItem of what the closure changed (attributes the struct does
/// not declare, written by other clients, are left alone), conditional on the version
/// for a type with `#[dynamo(version)]` (and bumping it), otherwise on every attribute
/// being as it was read, absent ones included. A closure that changes nothing writes
/// nothing.
///
/// A lost answer never applies the closure twice: the write is retried here, not by
/// the SDK, and when a retry fails its condition because the first attempt landed, the
/// item DynamoDB returns shows it and the update succeeds. When that cannot be told
/// (another writer changed the item after ours), the lost-answer error is returned
/// (`Error::Connection` or `Error::Timeout`) rather than guessing: re-read to see.
///
/// ```no_run
/// # use dynamap::prelude::*;
/// # #[derive(DynamoItem, Clone)]
/// # struct Account { #[dynamo(partition_key)] id: String, balance: i64, #[dynamo(version)] version: u64 }
/// # async fn f(accounts: TypedMapping<Account>) -> dynamap::Result<()> {
/// let key = "a1";
/// let account = accounts.update_with(&key, |a| a.balance += 10).max_attempts(20).await?;
/// # Ok(()) }
/// ```
#[must_use = "an UpdateWith does nothing until it is awaited"]
pub struct UpdateWith<'a, T: DynamoItem, F> {
    mapping: &'a TypedMapping<T>,
    key: Result<Item>,
    apply: F,
    max_attempts: u32,
}

/// Enough for ordinary contention; a hot item needs more, or a `modify` instead.
const DEFAULT_ATTEMPTS: u32 = 10;

impl<'a, T, F> UpdateWith<'a, T, F>
where
    T: DynamoItem + Clone,
    F: FnMut(&mut T) + Send,
{
    pub(super) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>, apply: F) -> Self {
        UpdateWith {
            mapping,
            key,
            apply,
            max_attempts: DEFAULT_ATTEMPTS,
        }
    }

    /// How many read-modify-write rounds to try before giving up with the last
    /// conflict (10 by default).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, Clone)]
    /// # struct Counter { #[dynamo(partition_key)] id: String, n: u64 }
    /// # async fn f(counters: TypedMapping<Counter>) -> dynamap::Result<()> {
    /// let key = "c";
    /// counters.update_with(&key, |c| c.n += 1).max_attempts(50).await?;
    /// # Ok(()) }
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sends the requests; the same as `.await` on the builder. Returns the item as
    /// written.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, Clone)]
    /// # struct Counter { #[dynamo(partition_key)] id: String, n: u64 }
    /// # async fn f(counters: TypedMapping<Counter>) -> dynamap::Result<()> {
    /// let key = "c";
    /// let counter = counters.update_with(&key, |c| c.n += 1).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<T> {
        let key_attributes = self.key?;
        let mapping = self.mapping;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let read = super::Get::new(mapping, Ok(key_attributes.clone()));
            let Some(stored) = read.consistent_read(true).send_raw().await? else {
                return Err(Error::NotFound {
                    table: mapping.table_name().to_owned(),
                });
            };
            // The change is found between two items in today's shape: an item an
            // older shape stored is rewritten in it first, then read again.
            if T::SHAPE.is_some_and(|shape| shape.is_older(&stored)) && attempt < self.max_attempts
            {
                super::rewrite::upgrade(mapping, &stored).await?;
                continue;
            }
            let old = T::from_item(stored.clone())?;
            let mut new = old.clone();
            (self.apply)(&mut new);
            if T::key_to_item(&new.key())? != key_attributes {
                return Err(Error::InvalidRequest {
                    operation: "UpdateItem",
                    problem: "the closure changed the item's key; move it with move_item instead"
                        .to_owned(),
                });
            }
            // What was stored need not pass today's validators; what is written must,
            // the type's own validator too (the write below is a partial update).
            new.validate()?;
            let version = old.version();
            if let Some(version) = version {
                // The closure cannot move the version: it is dynamap's to bump.
                new.set_version(version)?;
                T::check_version(version.saturating_add(1))?;
            }
            if Change::between(&old, &new, &stored)?.is_empty() {
                return Ok(new);
            }
            // A write that changes something is stamped (`updated_at`, and `created_at`
            // if the item has none), and returns the item as written.
            new.set_stamps(mapping.stamp_time());
            let change = Change::between(&old, &new, &stored)?;
            let tracked = crate::resilience::send_tracked(mapping.client(), || {
                change
                    .modify(mapping, key_attributes.clone())
                    .sdk_retries(false)
                    .send_raw(aws_sdk_dynamodb::types::ReturnValue::None)
            })
            .await;
            let conflict = match tracked.result {
                Ok(_) => None,
                Err(Error::ConditionFailed {
                    item: Some(stored),
                    table,
                    ..
                }) => match (&tracked.lost, change.outcome(&stored)) {
                    // An earlier attempt landed and its answer was lost: the condition
                    // failed on our own write (it holds our token). Done, applied once.
                    (Some(_), Outcome::Ours) => None,
                    (None, _) | (Some(_), Outcome::Theirs) => Some((table, stored)),
                    // Ours may have landed and been changed since: re-applying could
                    // apply twice, not re-applying could lose the change.
                    (Some(_), Outcome::Unknown) => return Err(lost(tracked.lost)),
                },
                Err(Error::NotFound { .. }) if tracked.lost.is_some() => {
                    return Err(lost(tracked.lost))
                }
                Err(e) => return Err(e),
            };
            match conflict {
                None => {
                    if let Some(version) = version {
                        new.set_version(version.saturating_add(1))?;
                    }
                    return Ok(new);
                }
                Some(_) if attempt < self.max_attempts => {
                    tokio::time::sleep(crate::resilience::conflict_backoff(attempt)).await;
                }
                Some((table, stored)) => {
                    return Err(match (T::VERSION_ATTRIBUTE, version) {
                        (Some(name), Some(expected)) => Error::VersionConflict {
                            table,
                            expected,
                            found: super::versioning::stored_version(&stored, name),
                        },
                        _ => Error::ConditionFailed {
                            operation: "UpdateItem",
                            table,
                            item: Some(stored),
                        },
                    })
                }
            }
        }
    }
}

fn lost(error: Option<Error>) -> Error {
    error.unwrap_or_else(|| Error::UnexpectedAnswer {
        operation: "UpdateItem",
        problem: "a lost answer without its error".to_owned(),
    })
}

/// What an update writes: the attributes the closure changed or removed (keys and the
/// version aside) and this write's token, conditioned on the item being as it was read.
struct Change {
    sets: Vec<(String, AttributeValue)>,
    removes: Vec<String>,
    /// `Some((name, v))` for a versioned type: the write expects `v` and stores `v + 1`.
    version: Option<(&'static str, u64)>,
    /// Unversioned: every attribute as it was stored (keys and the token aside), so that
    /// the condition holds on an item whatever form another writer stored it in (under
    /// an alias, a set as a list, a time in another RFC 3339 form).
    read: Item,
    /// Declared attributes that were absent when read, for unversioned types.
    absent: Vec<&'static str>,
    /// Marks the write as this update's, for a retry after a lost answer.
    token: WriteToken,
}

/// Whose write a failed condition found.
enum Outcome {
    /// The item holds this update's token: its write landed.
    Ours,
    /// Another writer's change, made instead of ours.
    Theirs,
    /// Cannot tell: ours may have landed and been changed since.
    Unknown,
}

impl Change {
    /// The change from `old` to `new`; `stored` is `old` as it was read.
    fn between<T: DynamoItem>(old: &T, new: &T, stored: &Item) -> Result<Change> {
        let fixed: Vec<&str> = T::KEY_SCHEMA
            .attributes()
            .map(|k| k.name)
            .chain(T::VERSION_ATTRIBUTE)
            .collect();
        let mut before = old.to_item()?;
        before.retain(|name, _| !fixed.contains(&name.as_str()));
        let mut written = new.to_item()?;
        written.retain(|name, _| !fixed.contains(&name.as_str()));
        let mut removes: Vec<String> = before
            .keys()
            .filter(|name| !written.contains_key(*name))
            .cloned()
            .collect();
        removes.sort();
        let mut sets: Vec<(String, AttributeValue)> = written
            .into_iter()
            .filter(|(name, value)| before.get(name) != Some(value))
            .collect();
        sets.sort_by(|a, b| a.0.cmp(&b.0));
        let version = T::VERSION_ATTRIBUTE.zip(old.version());
        let (read, absent) = if version.is_some() {
            (Item::new(), Vec::new())
        } else {
            let mut read = stored.clone();
            read.retain(|name, _| {
                !fixed.contains(&name.as_str()) && name != write_token::ATTRIBUTE
            });
            let absent = T::attribute_names()
                .into_iter()
                .filter(|name| !fixed.contains(name) && !stored.contains_key(*name))
                .collect();
            (read, absent)
        };
        Ok(Change {
            sets,
            removes,
            version,
            read,
            absent,
            token: WriteToken::new(),
        })
    }

    fn is_empty(&self) -> bool {
        self.sets.is_empty() && self.removes.is_empty()
    }

    fn modify<'a, T: DynamoItem>(
        &self,
        mapping: &'a TypedMapping<T>,
        key: Item,
    ) -> super::Modify<'a, T> {
        let top = |name: &str| AttrPath::from(vec![PathStep::Name(name.to_owned().into())]);
        let mut conditions = Vec::new();
        match self.version {
            Some((name, v)) => conditions.push(super::versioning::version_is(top(name), v)),
            None => {
                conditions.extend(
                    self.read
                        .iter()
                        .map(|(name, value)| Node::Compare(top(name), Cmp::Eq, value.clone())),
                );
                conditions.extend(self.absent.iter().map(|name| Node::NotExists(top(name))));
            }
        }
        let mut modify = super::Modify::new(mapping, Ok(key));
        for (name, value) in &self.sets {
            modify = modify.raw_set(top(name), value.clone());
        }
        for name in &self.removes {
            modify = modify.raw_remove(top(name));
        }
        modify = modify.raw_set(top(write_token::ATTRIBUTE), self.token.value());
        match all_of(conditions) {
            Some(node) => modify.when(crate::condition::Condition::from_node(node)),
            None => modify,
        }
    }

    /// Whether `stored` (returned by a failed condition) is this change applied.
    fn outcome(&self, stored: &Item) -> Outcome {
        if self.token.is_on(stored) {
            return Outcome::Ours;
        }
        match self.version {
            // Only one conditional write on version v can land: at v + 1 with another
            // token, it was theirs, and ours can never land.
            Some((name, v))
                if super::versioning::stored_version(stored, name) == Some(v.saturating_add(1)) =>
            {
                Outcome::Theirs
            }
            _ => Outcome::Unknown,
        }
    }
}

impl<'a, T, F> std::future::IntoFuture for UpdateWith<'a, T, F>
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
