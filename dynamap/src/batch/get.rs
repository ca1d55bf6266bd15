//! BatchGetItem: `get_many`.

use crate::observe::{Call, Observer};
use std::collections::HashMap;
use std::future::IntoFuture;
use std::sync::Arc;

use aws_sdk_dynamodb::types::KeysAndAttributes;
use aws_sdk_dynamodb::Client;
use futures::future::BoxFuture;
use futures::stream::{self, StreamExt};

use super::BatchProgress;
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::key::identity;
use crate::mapping::TypedMapping;
use crate::sdk_item::Item;

/// DynamoDB's limit of keys in one BatchGetItem.
use crate::limits::KEYS_PER_BATCH;

/// Reads many items with BatchGetItem; from [`TypedMapping::get_many`], sent by `.await`.
///
/// Returns the items found, in the order their keys were first given; missing keys are
/// skipped and repeated keys read once. To know which keys were not found, use
/// [`keyed`](Self::keyed). Batches of 100 keys, 4 in flight, unprocessed keys resent
/// with backoff.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let found: Vec<User> = users.get_many(["u1".to_string(), "u2".to_string()]).await?;
/// # Ok(()) }
/// ```
#[must_use = "a GetMany does nothing until it is awaited"]
#[doc(alias = "BatchGetItem")]
#[doc(alias = "batch_get_item")]
pub struct GetMany<'a, T: DynamoItem, I, Out = Found> {
    mapping: &'a TypedMapping<T>,
    keys: I,
    concurrency: usize,
    max_attempts: u32,
    consistent_read: bool,
    progress: Option<Arc<dyn Fn(BatchProgress) + Send + Sync>>,
    output: std::marker::PhantomData<fn() -> Out>,
}

/// What a [`GetMany`] returns: the items found ([`Found`], the default) or every
/// key with its item or `None` ([`Keyed`]).
///
/// ```
/// fn returns<O: dynamap::GetManyOutput<T>, T: dynamap::DynamoItem>() {}
/// ```
pub trait GetManyOutput<T: DynamoItem> {
    /// The result of the call.
    type Output: Send;
    #[doc(hidden)]
    fn collect(keys: Vec<T::Key>, found: Vec<Option<T>>) -> Self::Output;
}

/// The items found, in request order: the default output of [`GetMany`].
///
/// ```
/// let _: dynamap::Found;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Found;

/// Every distinct key, in request order, with its item or `None`: [`GetMany::keyed`].
///
/// ```
/// let _: dynamap::Keyed;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Keyed;

impl<T: DynamoItem> GetManyOutput<T> for Found {
    type Output = Vec<T>;

    fn collect(_: Vec<T::Key>, found: Vec<Option<T>>) -> Vec<T> {
        found.into_iter().flatten().collect()
    }
}

impl<T: DynamoItem> GetManyOutput<T> for Keyed
where
    T::Key: Send,
{
    type Output = Vec<(T::Key, Option<T>)>;

    fn collect(keys: Vec<T::Key>, found: Vec<Option<T>>) -> Self::Output {
        keys.into_iter().zip(found).collect()
    }
}

struct Fetched {
    items: Vec<Item>,
    retries: u64,
    failed: Vec<Item>,
    error: Option<Error>,
}

/// A batch's keys after they went to the SDK: made again from the caller's keys (the
/// batch is the run of `keys` from `first`), found by their position.
struct Kept<'k, T: DynamoItem> {
    keys: &'k [T::Key],
    first: usize,
    position: &'k HashMap<Vec<u8>, usize>,
}

impl<T: DynamoItem> super::Resend<Item> for Kept<'_, T> {
    fn slot(&self, key: &Item) -> Option<usize> {
        let at = *self.position.get(&identity(key, &T::KEY_SCHEMA))?;
        at.checked_sub(self.first)
    }

    fn remake(&self, slot: usize) -> Result<Item> {
        match self.keys.get(self.first + slot) {
            Some(key) => T::key_to_item(key),
            None => Err(Error::UnexpectedAnswer {
                operation: "BatchGetItem",
                problem: "a key outside its batch".to_owned(),
            }),
        }
    }
}

async fn fetch_batch(
    client: Client,
    table: Arc<str>,
    keys: Vec<Item>,
    kept: &impl super::Resend<Item>,
    consistent_read: bool,
    max_attempts: u32,
    observer: Observer,
) -> Fetched {
    let limits = super::Limits {
        operation: "BatchGetItem",
        table: &table,
        max_attempts,
        policy: crate::resilience::RetryPolicy::of(&client),
        deadline: None,
    };
    let driven = super::drive(keys, &limits, kept, |keys| {
        let (client, table, observer) = (client.clone(), table.clone(), observer.clone());
        async move {
            let call = Call::new(&table, &observer);
            let request = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .consistent_read(consistent_read)
                .build()
                .map_err(|e| Error::from_build("BatchGetItem", e))?;
            let request = client
                .batch_get_item()
                .request_items(table.to_string(), request);
            let output = crate::observe::send(request, call)
                .await
                .map_err(|e| Error::from_sdk("BatchGetItem", &table, e))?;
            let items = output
                .responses
                .and_then(|mut responses| responses.remove(table.as_ref()))
                .unwrap_or_default();
            let unprocessed = output
                .unprocessed_keys
                .and_then(|mut tables| tables.remove(table.as_ref()))
                .map(|k| k.keys)
                .unwrap_or_default();
            Ok((items, unprocessed))
        }
    })
    .await;
    Fetched {
        items: driven.results.into_iter().flatten().collect(),
        retries: driven.retries,
        failed: driven.failed,
        error: driven.error,
    }
}

impl<'a, T: DynamoItem, I: IntoIterator<Item = T::Key>> GetMany<'a, T, I> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, keys: I) -> Self {
        GetMany {
            mapping,
            keys,
            concurrency: 4,
            max_attempts: 10,
            consistent_read: false,
            progress: None,
            output: std::marker::PhantomData,
        }
    }

    /// Returns every distinct key, in the order first given, with its item or `None`:
    /// a handler can say which ids are unknown.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// for (id, user) in users.get_many(ids).keyed().await? {
    ///     if user.is_none() {
    ///         eprintln!("unknown user {id}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn keyed(self) -> GetMany<'a, T, I, Keyed> {
        GetMany {
            mapping: self.mapping,
            keys: self.keys,
            concurrency: self.concurrency,
            max_attempts: self.max_attempts,
            consistent_read: self.consistent_read,
            progress: self.progress,
            output: std::marker::PhantomData,
        }
    }
}

impl<'a, T: DynamoItem, I: IntoIterator<Item = T::Key>, Out: GetManyOutput<T>>
    GetMany<'a, T, I, Out>
{
    /// How many BatchGetItem requests may be in flight at once (4 by default).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// let found = users.get_many(ids).concurrency(8).await?;
    /// # Ok(()) }
    /// ```
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// How many times a batch is sent before its remaining keys are given up (10).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// let found = users.get_many(ids).max_attempts(3).await?;
    /// # Ok(()) }
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Strongly consistent reads.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// let found = users.get_many(ids).consistent_read(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn consistent_read(mut self, on: bool) -> Self {
        self.consistent_read = on;
        self
    }

    /// Calls `progress` after each batch with the counts so far (`done`: items found).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// let found = users.get_many(ids).on_progress(|p| eprintln!("{} read", p.done)).await?;
    /// # Ok(()) }
    /// ```
    pub fn on_progress(mut self, progress: impl Fn(BatchProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Sends the reads; the same as `.await`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// let found = users.get_many(ids).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Out::Output> {
        // Each distinct key once, by its position in the request; the keys move into
        // their batches without being copied.
        let mut position: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut batches: Vec<Vec<Item>> = Vec::new();
        let mut batch: Vec<Item> = Vec::with_capacity(KEYS_PER_BATCH);
        let mut distinct: Vec<T::Key> = Vec::new();
        for key in self.keys {
            let encoded = T::key_to_item(&key)?;
            let next = position.len();
            if let std::collections::hash_map::Entry::Vacant(slot) =
                position.entry(identity(&encoded, &T::KEY_SCHEMA))
            {
                slot.insert(next);
                distinct.push(key);
                batch.push(encoded);
                if batch.len() == KEYS_PER_BATCH {
                    batches.push(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(KEYS_PER_BATCH),
                    ));
                }
            }
        }
        if !batch.is_empty() {
            batches.push(batch);
        }
        let table: Arc<str> = Arc::from(self.mapping.table_name());
        let client = self.mapping.client().clone();
        let (consistent, attempts) = (self.consistent_read, self.max_attempts);
        let (keys, positions) = (&distinct, &position);
        let mut first = 0;
        let mut fetched = stream::iter(batches)
            .map(|batch| {
                let kept = Kept::<T> {
                    keys,
                    first,
                    position: positions,
                };
                first += batch.len();
                let (client, table) = (client.clone(), table.clone());
                let observer = self.mapping.observer().clone();
                async move {
                    fetch_batch(client, table, batch, &kept, consistent, attempts, observer).await
                }
            })
            .buffer_unordered(self.concurrency);

        let mut found: Vec<Option<T>> = std::iter::repeat_with(|| None)
            .take(position.len())
            .collect();
        let mut found_count = 0_u64;
        let mut progress = BatchProgress::default();
        let mut failed = Vec::new();
        let mut first_error = None;
        while let Some(batch) = fetched.next().await {
            progress.batches += 1;
            progress.retries += batch.retries;
            for item in batch.items {
                let slot = position
                    .get(&identity(&item, &T::KEY_SCHEMA))
                    .and_then(|&at| found.get_mut(at));
                let Some(slot) = slot else {
                    return Err(Error::UnexpectedAnswer {
                        operation: "BatchGetItem",
                        problem: "an item whose key was not asked for".to_owned(),
                    });
                };
                if slot.is_none() {
                    found_count += 1;
                }
                *slot = Some(T::from_item(item)?);
            }
            progress.done = found_count;
            failed.extend(batch.failed);
            if first_error.is_none() {
                first_error = batch.error;
            }
            if let Some(callback) = &self.progress {
                callback(progress);
            }
        }
        // The batches borrowed the keys; they are done.
        drop(fetched);
        if let Some(source) = first_error {
            return Err(Error::BatchIncomplete {
                operation: "BatchGetItem",
                table: table.to_string(),
                completed: found_count,
                read: position.len() as u64,
                remaining: failed,
                rejected: Vec::new(),
                source: Box::new(source),
            });
        }
        Ok(Out::collect(distinct, found))
    }
}

impl<'a, T, I, Out> IntoFuture for GetMany<'a, T, I, Out>
where
    T: DynamoItem,
    I: IntoIterator<Item = T::Key> + Send + 'a,
    I::IntoIter: Send,
    T::Key: Send,
    Out: GetManyOutput<T> + 'a,
{
    type Output = Result<Out::Output>;
    type IntoFuture = BoxFuture<'a, Result<Out::Output>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
