//! BatchGetItem: `get_many`, awaited whole or read as a stream.

use std::borrow::Borrow;
use std::future::IntoFuture;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::get_fetch::{Batches, Reader};
use super::BatchProgress;
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::key::SpareIdMaps;
use crate::operations::TypedMapping;

/// Reads many items with BatchGetItem; from [`TypedMapping::get_many`], sent by `.await`.
///
/// Returns the items found, in the order their keys were first given; missing keys are
/// skipped and repeated keys read once. To know which keys were not found, use
/// [`keyed`](Self::keyed). Keys are taken by value or by reference: `get_many(&ids)`
/// reads the keys of a slice the caller keeps, without copying them first. Batches of
/// 100 keys, 4 in flight, unprocessed keys resent with backoff. Keys are taken from the
/// iterator and encoded batch by batch, as batches go out. For more keys than the results should hold in memory at once, read
/// the items as a [`stream`](Self::stream).
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
/// key with its item or `None` ([`Keyed`]). `Q` is a key as the caller gave it: the
/// key itself, or a reference to it.
///
/// ```
/// fn returns<O: dynamap::batches::GetManyOutput<T>, T: dynamap::DynamoItem>() {}
/// ```
pub trait GetManyOutput<T: DynamoItem, Q = <T as DynamoItem>::Key> {
    /// One element of the result: an item, or a key with its item or `None`.
    type Each: Send;
    #[doc(hidden)]
    fn each(keys: Vec<Q>, found: Vec<Option<T>>) -> impl Iterator<Item = Self::Each> + Send;
}

/// The items found, in request order: the default output of [`GetMany`].
///
/// ```
/// let _: dynamap::batches::Found;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Found;

/// Every distinct key, in request order and as it was given (the key, or a reference
/// to it), with its item or `None`: [`GetMany::keyed`].
///
/// ```
/// let _: dynamap::batches::Keyed;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Keyed;

impl<T: DynamoItem, Q> GetManyOutput<T, Q> for Found
where
    T: Send,
{
    type Each = T;

    fn each(_: Vec<Q>, found: Vec<Option<T>>) -> impl Iterator<Item = T> + Send {
        // `filter_map` over a `Vec`'s own iterator collects in place (`flatten` does
        // not): a batch's items keep the allocation they were read into, not a copy.
        #[allow(clippy::filter_map_identity)]
        found.into_iter().filter_map(|item| item)
    }
}

impl<T: DynamoItem, Q: Send> GetManyOutput<T, Q> for Keyed
where
    T: Send,
{
    type Each = (Q, Option<T>);

    fn each(keys: Vec<Q>, found: Vec<Option<T>>) -> impl Iterator<Item = Self::Each> + Send {
        keys.into_iter().zip(found)
    }
}

impl<'a, T: DynamoItem, I: IntoIterator<Item: Borrow<T::Key>>> GetMany<'a, T, I> {
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
    /// a handler can say which ids are unknown. Each key comes back as it was given:
    /// owned keys are handed back, borrowed ones as the same references.
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

impl<'a, T, I, Out> GetMany<'a, T, I, Out>
where
    T: DynamoItem,
    I: IntoIterator<Item: Borrow<T::Key>>,
    Out: GetManyOutput<T, I::Item>,
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
    pub async fn send(self) -> Result<Vec<Out::Each>>
    where
        I::IntoIter: Send,
        I::Item: Send + Sync,
    {
        let reader = self.reader();
        let batches = Batches::<T, _>::new(self.keys.into_iter(), true, reader.spare.clone());
        // Batches finish in any order (a slow one does not hold back the next), and
        // each is put in its place, so the results are in the order of their keys.
        let mut placed = stream::iter(batches.enumerate())
            .map(|(position, batch)| {
                let reader = reader.clone();
                async move { Ok::<_, Error>((position, reader.read::<T, _>(batch?).await?)) }
            })
            .buffer_unordered(self.concurrency);
        let mut parts: Vec<Vec<Out::Each>> = Vec::new();
        let (mut progress, mut read) = (BatchProgress::default(), 0_u64);
        let (mut failed, mut first_error) = (Vec::new(), None);
        while let Some(batch) = placed.next().await {
            let (position, batch) = batch?;
            progress.batches += 1;
            progress.retries += batch.retries;
            progress.done += batch.found.iter().filter(|f| f.is_some()).count() as u64;
            read += batch.keys.len() as u64;
            failed.extend(batch.failed);
            first_error = first_error.or(batch.error);
            if parts.len() <= position {
                parts.resize_with(position + 1, Vec::new);
            }
            if let Some(part) = parts.get_mut(position) {
                *part = Out::each(batch.keys, batch.found).collect();
                // Kept in place, a batch of mostly missing keys would hold room for all.
                if part.len() < part.capacity() / 2 {
                    part.shrink_to_fit();
                }
            }
            if let Some(callback) = &self.progress {
                callback(progress);
            }
        }
        let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for part in parts {
            out.extend(part);
        }
        match first_error {
            None => Ok(out),
            Some(source) => Err(Error::BatchIncomplete {
                operation: "BatchGetItem",
                table: reader.table.to_string(),
                completed: progress.done,
                read,
                remaining: failed,
                rejected: Vec::new(),
                source: Box::new(source),
            }),
        }
    }

    /// Reads as a stream: the items found (or, after [`keyed`](Self::keyed), each key
    /// with its item or `None`), in the order of their keys, batch by batch as they
    /// arrive. Keys are taken from the iterator only as batches go out, so memory holds
    /// the batches in flight, not the whole call: a million keys stream through. A key
    /// repeated within a batch is read once; repeated in another batch, it is read
    /// again. A batch that cannot finish yields [`Error::BatchIncomplete`] (its unread
    /// keys in `remaining`) and ends the stream.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut users_found = users.get_many((0..1_000_000).map(|i| format!("u{i}"))).stream();
    /// while let Some(user) = users_found.try_next().await? {
    ///     println!("{}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'a, Result<Out::Each>>
    where
        I::IntoIter: Send + 'a,
        I::Item: Send + Sync,
        Out: 'a,
    {
        let reader = self.reader();
        let progress = self.progress.clone();
        let mut counts = BatchProgress::default();
        let batches = Batches::<T, _>::new(self.keys.into_iter(), false, reader.spare.clone());
        stream::iter(batches)
            .map(move |batch| {
                let reader = reader.clone();
                async move {
                    let batch = reader.read::<T, _>(batch?).await?;
                    match batch.error {
                        None => Ok(batch),
                        Some(source) => Err(Error::BatchIncomplete {
                            operation: "BatchGetItem",
                            table: reader.table.to_string(),
                            completed: batch.found.iter().filter(|f| f.is_some()).count() as u64,
                            read: batch.keys.len() as u64,
                            remaining: batch.failed,
                            rejected: Vec::new(),
                            source: Box::new(source),
                        }),
                    }
                }
            })
            .buffered(self.concurrency)
            .map_ok(move |batch| {
                counts.batches += 1;
                counts.retries += batch.retries;
                counts.done += batch.found.iter().filter(|f| f.is_some()).count() as u64;
                if let Some(callback) = &progress {
                    callback(counts);
                }
                stream::iter(Out::each(batch.keys, batch.found).map(Ok))
            })
            .try_flatten()
            .boxed()
    }

    fn reader(&self) -> Reader {
        Reader {
            client: self.mapping.client().clone(),
            table: Arc::from(self.mapping.table_name()),
            observer: self.mapping.observer().clone(),
            consistent_read: self.consistent_read,
            max_attempts: self.max_attempts,
            spare: SpareIdMaps::new(),
        }
    }
}

impl<'a, T, I, Out> IntoFuture for GetMany<'a, T, I, Out>
where
    T: DynamoItem,
    I: IntoIterator<Item: Borrow<T::Key> + Send + Sync> + Send + 'a,
    I::IntoIter: Send,
    Out: GetManyOutput<T, I::Item> + 'a,
{
    type Output = Result<Vec<Out::Each>>;
    type IntoFuture = BoxFuture<'a, Result<Vec<Out::Each>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
