//! The builders of batch writes, `insert_many`/`insert_stream` and `remove_many`: their
//! options, and how each turns its input into the engine's writes (`write.rs`).

use std::borrow::Borrow;
use std::future::IntoFuture;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{Stream, StreamExt};

use super::write::{delete_request, put_item, put_write_request, write_all, Pending, WriteOptions};
use super::{BatchProgress, BatchReport};
use crate::error::Result;
use crate::item::DynamoItem;
use crate::key::check_key;
use crate::operations::TypedMapping;
use crate::size::check_item_size;

/// The options shared by the write builders; `$setup` declares `f` with the doc
/// examples' names, `$call` makes the builder.
macro_rules! write_options {
    ($setup:literal, $call:literal) => {
        /// How many BatchWriteItem requests may be in flight at once (16 by default).
        ///
        #[doc = concat!("```no_run\n", $setup, "\n", $call, ".concurrency(32).await?;\n# Ok(()) }\n```")]
        pub fn concurrency(mut self, n: usize) -> Self {
            self.options.concurrency = n.max(1);
            self
        }

        /// How many times a batch is sent before its remaining items are given up
        /// (10 by default), with exponential backoff and jitter in between.
        ///
        #[doc = concat!("```no_run\n", $setup, "\n", $call, ".max_attempts(20).await?;\n# Ok(()) }\n```")]
        pub fn max_attempts(mut self, attempts: u32) -> Self {
            self.options.max_attempts = attempts.max(1);
            self
        }

        /// A limit on the whole call: once it passes, nothing more is sent and no batch is
        /// retried, and the call ends with [`Error::BatchIncomplete`](crate::Error::BatchIncomplete) (its source
        /// [`Error::Timeout`](crate::Error::Timeout)) holding every item not written. Without it a throttled
        /// table is retried for as long as `max_attempts` and the retry policy allow.
        ///
        #[doc = concat!("```no_run\n", $setup, "\n", $call, ".deadline(std::time::Duration::from_secs(60)).await?;\n# Ok(()) }\n```")]
        pub fn deadline(mut self, limit: std::time::Duration) -> Self {
            self.options.deadline = Some(limit);
            self
        }

        /// Calls `progress` after each batch with the counts so far.
        ///
        #[doc = concat!("```no_run\n", $setup, "\n", $call, ".on_progress(|p| eprintln!(\"{} done\", p.done)).await?;\n# Ok(()) }\n```")]
        pub fn on_progress(
            mut self,
            progress: impl Fn(BatchProgress) + Send + Sync + 'static,
        ) -> Self {
            self.options.progress = Some(Arc::new(progress));
            self
        }

        /// Paces the writes to `units` write capacity units per second, by the capacity
        /// DynamoDB reports for each batch: one budget for all the batches in flight, and
        /// the call never finishes before its units divided by `units`. (A server that
        /// reports no capacity is not paced.)
        ///
        #[doc = concat!("```no_run\n", $setup, "\n", $call, ".write_units_per_second(100.0).await?;\n# Ok(()) }\n```")]
        pub fn write_units_per_second(mut self, units: f64) -> Self {
            self.options.write_units_per_second = Some(units);
            self
        }
    };
}
pub(super) use write_options;

/// Writes many items with BatchWriteItem; from [`TypedMapping::insert_many`] or
/// [`TypedMapping::insert_stream`], sent by `.await`.
///
/// Batches of 25, 16 in flight; unprocessed items and throttled requests are resent
/// with backoff. If a key appears twice, the last item wins. Batch writes are
/// unconditional: a `#[dynamo(version)]` is not checked, and is stored as the item's
/// version plus one, as [`insert`](TypedMapping::insert) stores it, so the item can be
/// read and written back by every other write path. An item that cannot be sent (too
/// large, unencodable, a key over DynamoDB's limits) is refused on its own and the
/// others still go. On final failure of a batch nothing more is sent. Either way
/// [`Error::BatchIncomplete`](crate::Error::BatchIncomplete) says how many were written, holds every item that was
/// not (the rest of the input included), and names each refused item by its position.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let all = (0..10_000).map(|i| User { id: format!("u{i}") });
/// let report = users.insert_many(all).await?;
/// assert_eq!(report.written, 10_000);
/// # Ok(()) }
/// ```
#[must_use = "an InsertMany does nothing until it is awaited"]
#[doc(alias = "BatchWriteItem")]
#[doc(alias = "batch_write_item")]
pub struct InsertMany<'a, T: DynamoItem, S> {
    mapping: &'a TypedMapping<T>,
    items: S,
    options: WriteOptions,
}

impl<'a, T: DynamoItem, S> InsertMany<'a, T, S> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, items: S) -> Self {
        InsertMany {
            mapping,
            items,
            options: WriteOptions {
                observer: mapping.observer().clone(),
                ..WriteOptions::default()
            },
        }
    }

    /// From a stream that may never end: after a failure it is read no further.
    pub(crate) fn from_stream(mapping: &'a TypedMapping<T>, items: S) -> Self {
        let mut many = Self::new(mapping, items);
        many.options.read_rest = false;
        many
    }
}

impl<'a, T, S> InsertMany<'a, T, S>
where
    T: DynamoItem,
    S: Stream + Send + 'a,
    S::Item: Borrow<T> + Send + Sync + 'a,
{
    write_options!(
        "# #[derive(dynamap::DynamoItem)]\n# struct User { #[dynamo(partition_key)] id: String }\n# async fn f(users: dynamap::TypedMapping<User>, all: Vec<User>) -> dynamap::Result<()> {",
        "users.insert_many(all)"
    );

    /// Sends the writes; the same as `.await`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, all: Vec<User>) -> dynamap::Result<()> {
    /// let report = users.insert_many(all).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<BatchReport> {
        let mapping = self.mapping;
        let writes = self.items.map(move |item| {
            let now = mapping.stamp_time();
            let encoded = put_item(item.borrow(), now)?;
            check_item_size(&encoded)?;
            check_key(&encoded, &T::KEY_SCHEMA)?;
            Ok(Pending::new(
                put_write_request(encoded)?,
                // Stamped with the same time, so a resend writes the same item.
                move || put_write_request(put_item(item.borrow(), now)?),
            ))
        });
        write_all(
            self.mapping.client(),
            self.mapping.table_name(),
            &T::KEY_SCHEMA,
            writes,
            self.options,
        )
        .await
    }
}

impl<'a, T, S> IntoFuture for InsertMany<'a, T, S>
where
    T: DynamoItem,
    S: Stream + Send + 'a,
    S::Item: Borrow<T> + Send + Sync + 'a,
{
    type Output = Result<BatchReport>;
    type IntoFuture = BoxFuture<'a, Result<BatchReport>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Deletes many items with BatchWriteItem; from [`TypedMapping::remove_many`].
/// Deleting a missing key is not an error (it counts as written). Keys are taken by
/// value or by reference (`remove_many(&ids)`).
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let report = users.remove_many((0..100).map(|i| format!("u{i}"))).await?;
/// # Ok(()) }
/// ```
#[must_use = "a RemoveMany does nothing until it is awaited"]
#[doc(alias = "BatchWriteItem")]
#[doc(alias = "batch_write_item")]
pub struct RemoveMany<'a, T: DynamoItem, S> {
    mapping: &'a TypedMapping<T>,
    keys: S,
    options: WriteOptions,
}

impl<'a, T: DynamoItem, S> RemoveMany<'a, T, S> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, keys: S) -> Self {
        RemoveMany {
            mapping,
            keys,
            options: WriteOptions {
                observer: mapping.observer().clone(),
                ..WriteOptions::default()
            },
        }
    }
}

impl<'a, T, S> RemoveMany<'a, T, S>
where
    T: DynamoItem,
    S: Stream<Item: Borrow<T::Key> + Send + Sync> + Send + 'a,
{
    write_options!(
        "# #[derive(dynamap::DynamoItem)]\n# struct User { #[dynamo(partition_key)] id: String }\n# async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {",
        "users.remove_many(ids)"
    );

    /// Sends the deletes; the same as `.await`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// users.remove_many(ids).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<BatchReport> {
        let writes = self.keys.map(move |key| {
            crate::operations::refuse_unguarded::<T>("BatchWriteItem")?;
            let encoded = T::key_to_item(key.borrow())?;
            check_key(&encoded, &T::KEY_SCHEMA)?;
            Ok(Pending::new(delete_request(encoded)?, move || {
                delete_request(T::key_to_item(key.borrow())?)
            }))
        });
        write_all(
            self.mapping.client(),
            self.mapping.table_name(),
            &T::KEY_SCHEMA,
            writes,
            self.options,
        )
        .await
    }
}

impl<'a, T, S> IntoFuture for RemoveMany<'a, T, S>
where
    T: DynamoItem,
    S: Stream<Item: Borrow<T::Key> + Send + Sync> + Send + 'a,
{
    type Output = Result<BatchReport>;
    type IntoFuture = BoxFuture<'a, Result<BatchReport>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
