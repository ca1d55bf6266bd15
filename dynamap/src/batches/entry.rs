//! The batches a [`TypedMapping`] starts: many writes, deletes or reads, each in as
//! few requests as DynamoDB allows.

use crate::item::DynamoItem;
use crate::operations::TypedMapping;

impl<T: DynamoItem> TypedMapping<T> {
    /// Writes many items with BatchWriteItem: chunked, concurrent, retried; see
    /// [`InsertMany`](crate::batches::InsertMany).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.insert_many((0..1000).map(|i| User { id: format!("u{i}") })).await?;
    /// println!("{} written", report.written);
    /// # Ok(()) }
    /// ```
    ///
    /// Items are taken by value or by reference: `insert_many(&all)` writes a slice the
    /// caller keeps, without copying it.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, all: Vec<User>) -> dynamap::Result<()> {
    /// users.insert_many(&all).await?;
    /// println!("{} users written and still here", all.len());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    #[doc(alias = "batch_write_item")]
    pub fn insert_many<I>(
        &self,
        items: I,
    ) -> super::InsertMany<'_, T, futures::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator,
        I::Item: std::borrow::Borrow<T> + Send + Sync,
        I::IntoIter: Send,
    {
        super::InsertMany::new(self, futures::stream::iter(items))
    }

    /// Writes the items of a stream with BatchWriteItem, reading it as batches go out,
    /// so a load larger than memory streams through. After a batch fails for good the
    /// stream is read no further (it may never end): the error's `read` says how many
    /// items were taken from it, each of which is written, in `remaining` or in
    /// `rejected`, or was replaced by a later write of its key. A batch is sent as
    /// soon as it holds 25 items, while the stream waits for more; the last, partial
    /// batch goes when the stream ends.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let incoming = futures::stream::iter((0..10).map(|i| User { id: format!("u{i}") }));
    /// users.insert_stream(incoming).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_stream<S>(&self, items: S) -> super::InsertMany<'_, T, S>
    where
        S: futures::Stream + Send,
        S::Item: std::borrow::Borrow<T> + Send + Sync,
    {
        super::InsertMany::from_stream(self, items)
    }

    /// Deletes many items with BatchWriteItem; see [`RemoveMany`](crate::batches::RemoveMany).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.remove_many(vec!["u1".to_string(), "u2".to_string()]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Keys are taken by value or by reference: `remove_many(&ids)` keeps the caller's
    /// keys.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// users.remove_many(&ids).await?;
    /// println!("{} users removed", ids.len());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    #[doc(alias = "batch_write_item")]
    pub fn remove_many<I>(
        &self,
        keys: I,
    ) -> super::RemoveMany<'_, T, futures::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator<Item: std::borrow::Borrow<T::Key> + Send + Sync>,
        I::IntoIter: Send,
    {
        super::RemoveMany::new(self, futures::stream::iter(keys))
    }

    /// Deletes every item of one partition: the same as `query(partition_key).remove()`
    /// (see [`RemoveMatching`](crate::batches::RemoveMatching)). For an entity of a
    /// single-table design, only its own items of the partition go; a collection's
    /// [`remove_partition`](crate::single_table::Collection::remove_partition) removes
    /// all its members'.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # async fn f(events: dynamap::TypedMapping<Event>) -> dynamap::Result<()> {
    /// let report = events.remove_partition("s1").await?;
    /// println!("{} events removed", report.written);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    pub fn remove_partition(
        &self,
        partition_key: &(impl crate::key::KeyLike<T::Partition> + ?Sized),
    ) -> super::RemoveMatching<'_>
    where
        T::Partition: crate::key::PartitionValue,
    {
        self.query(partition_key).remove()
    }

    /// Reads many items with BatchGetItem, in the order of their keys; see
    /// [`GetMany`](crate::batches::GetMany).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let found = users.get_many((0..250).map(|i| format!("u{i}"))).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Keys are taken by value or by reference: `get_many(&ids)` reads the keys of a
    /// slice the caller keeps, without copying them first.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// let found = users.get_many(&ids).await?;
    /// println!("{} of {} users found", found.len(), ids.len());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchGetItem")]
    #[doc(alias = "batch_get_item")]
    pub fn get_many<I>(&self, keys: I) -> super::GetMany<'_, T, I>
    where
        I: IntoIterator<Item: std::borrow::Borrow<T::Key>>,
    {
        super::GetMany::new(self, keys)
    }
}
