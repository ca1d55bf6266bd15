//! Read-modify-write with optimistic concurrency: what replaces the seed's write-through
//! item accessor (`mapping["k"]["info"] = ...`).

use std::time::Duration;

use crate::condition::{all_of, Cmp, Node};
use crate::path::{AttrPath, Segment};
use crate::{DynamoItem, Error, Item, Result, TypedMapping};

/// Reads an item, applies a closure, and writes it back only if nobody changed it in
/// between, retrying on conflict; from [`TypedMapping::update`], sent by `.await`.
///
/// The write is conditional on the version for a type with `#[dynamo(version)]` (and
/// bumps it), otherwise on every stored attribute being as it was read.
///
/// ```no_run
/// # use dynamap::prelude::*;
/// # #[derive(DynamoItem, Clone)]
/// # struct Account { #[dynamo(partition_key)] id: String, balance: i64, #[dynamo(version)] version: u64 }
/// # async fn f(accounts: TypedMapping<Account>) -> dynamap::Result<()> {
/// let key = "a1".to_string();
/// let account = accounts.update(&key, |a| a.balance += 10).max_attempts(20).await?;
/// # Ok(()) }
/// ```
#[must_use = "an Update does nothing until it is awaited"]
pub struct Update<'a, T: DynamoItem, F> {
    mapping: &'a TypedMapping<T>,
    key: Option<Result<Item>>,
    apply: F,
    max_attempts: u32,
}

/// Enough for ordinary contention; a hot item needs more, or a `modify` instead.
const DEFAULT_ATTEMPTS: u32 = 10;

impl<'a, T, F> Update<'a, T, F>
where
    T: DynamoItem + Clone,
    F: FnMut(&mut T) + Send,
{
    pub(super) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>, apply: F) -> Self {
        Update {
            mapping,
            key: Some(key),
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
    /// let key = "c".to_string();
    /// counters.update(&key, |c| c.n += 1).max_attempts(50).await?;
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
    /// let key = "c".to_string();
    /// let counter = counters.update(&key, |c| c.n += 1).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<T> {
        let key_attributes = self
            .key
            .take()
            .unwrap_or_else(|| Err(Error::Unexpected("an update sent twice".to_owned())))?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let read = super::Get::new(self.mapping, Ok(key_attributes.clone()));
            let Some(old) = read.consistent_read().await? else {
                return Err(Error::NotFound {
                    table: self.mapping.table_name().to_owned(),
                });
            };
            let mut new = old.clone();
            (self.apply)(&mut new);
            if T::key_to_item(&new.key())? != key_attributes {
                return Err(Error::Expression(
                    "update changed the item's key; insert under the new key and remove the old one instead"
                        .to_owned(),
                ));
            }
            let result = match old.version() {
                Some(version) => {
                    // The closure cannot move the version: it is dynamap's to bump.
                    new.set_version(version)?;
                    let written = self.mapping.insert(&new).await;
                    if written.is_ok() {
                        new.set_version(version.saturating_add(1))?;
                    }
                    written
                }
                None => {
                    let unchanged = unchanged_condition(&old)?;
                    let mut insert = self.mapping.insert(&new);
                    if let Some(node) = unchanged {
                        insert = insert.when(crate::Condition::from_node(node));
                    }
                    insert.await
                }
            };
            match result {
                Ok(()) => return Ok(new),
                Err(Error::VersionConflict { .. } | Error::ConditionFailed { .. })
                    if attempt < self.max_attempts =>
                {
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Every stored attribute equal to what was read.
fn unchanged_condition<T: DynamoItem>(old: &T) -> Result<Option<Node>> {
    let nodes = old
        .to_item()?
        .into_iter()
        .map(|(name, value)| {
            Node::Compare(
                AttrPath::from(vec![Segment::Name(name.into())]),
                Cmp::Eq,
                value,
            )
        })
        .collect();
    Ok(all_of(nodes))
}

/// Exponential backoff with full jitter: up to 10 ms, 20 ms, ... capped at 1 s.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let cap_ms = 10u64.saturating_mul(1 << attempt.min(7)).min(1000);
    Duration::from_millis(fastrand::u64(0..=cap_ms))
}

impl<'a, T, F> std::future::IntoFuture for Update<'a, T, F>
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
