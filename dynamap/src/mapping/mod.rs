//! `TypedMapping<T>`: a table seen as a map from `T::Key` to `T`, and the request
//! builders its methods return (each sent by `.await`).

mod contains;
mod count;
mod get;
mod insert;
mod modify;
mod remove;
mod update;

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::Client;

use crate::DynamoItem;

pub use contains::ContainsKey;
pub(crate) use count::count_items;
pub use get::Get;
pub use insert::Insert;
pub(crate) use insert::{put_request, restore_given_version, store_next_version};
pub use modify::{Modify, ReturnNew, ReturnNothing, ReturnOld, Returning};
pub(crate) use remove::delete_expressions;
pub use remove::Remove;
pub use update::Update;

/// A DynamoDB table used as a typed map from `T::Key` to `T`.
///
/// Cheap to clone: clones share the SDK client and its connection pool.
///
/// ```no_run
/// use dynamap::{DynamoItem, TypedMapping};
///
/// #[derive(DynamoItem, Debug, Clone, PartialEq)]
/// struct User {
///     #[dynamo(partition_key)]
///     id: String,
///     name: String,
///     age: u8,
/// }
///
/// # async fn demo(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
/// let users: TypedMapping<User> = TypedMapping::new(client, "users");
/// users.create_table().await?;
/// let ada = User { id: "u1".into(), name: "Ada".into(), age: 36 };
/// users.insert(&ada).await?;
/// assert_eq!(users.get(&"u1".to_string()).await?, Some(ada.clone()));
/// assert!(users.contains_key(&"u1".to_string()).await?);
/// assert_eq!(users.remove(&"u1".to_string()).await?, Some(ada));
/// assert_eq!(users.get(&"u1".to_string()).await?, None);
/// # Ok(()) }
/// ```
pub struct TypedMapping<T> {
    client: Client,
    table: String,
    item: PhantomData<fn() -> T>,
}

impl<T: DynamoItem> TypedMapping<T> {
    /// A mapping over the table `table_name`, reached through `client`.
    ///
    /// Nothing is sent: a missing table shows up on the first call (or create it
    /// with [`create_table`](Self::create_table)).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn demo() -> dynamap::Result<()> {
    /// let client = dynamap::connect().region("eu-west-1").await?;
    /// let users = dynamap::TypedMapping::<User>::new(client, "users");
    /// # Ok(()) }
    /// ```
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        TypedMapping {
            client,
            table: table_name.into(),
            item: PhantomData,
        }
    }

    /// The same mapping with another retry policy: a per-table override of the
    /// client's (say, more patience for a bulk-loaded table).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let patient = users.with_retry(dynamap::RetryPolicy::default().max_attempts(10));
    /// # }
    /// ```
    pub fn with_retry(&self, policy: crate::RetryPolicy) -> Self {
        let config = self
            .client
            .config()
            .to_builder()
            .retry_config(policy.to_sdk())
            .build();
        TypedMapping::new(Client::from_conf(config), self.table.clone())
    }

    /// The same mapping with other time limits.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// use std::time::Duration;
    /// let strict = users.with_timeouts(dynamap::Timeouts::default().operation(Duration::from_millis(500)));
    /// # }
    /// ```
    pub fn with_timeouts(&self, timeouts: crate::Timeouts) -> Self {
        let config = self
            .client
            .config()
            .to_builder()
            .timeout_config(timeouts.to_sdk())
            .build();
        TypedMapping::new(Client::from_conf(config), self.table.clone())
    }

    /// The table's name.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(client: aws_sdk_dynamodb::Client) {
    /// let users = dynamap::TypedMapping::<User>::new(client, "users");
    /// assert_eq!(users.table_name(), "users");
    /// # }
    /// ```
    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// The SDK client, for anything dynamap does not cover.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> Result<(), aws_sdk_dynamodb::Error> {
    /// let tables = users.client().list_tables().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Reads the item stored under `key` (GetItem); `None` when there is none.
    /// Eventually consistent unless [`Get::consistent_read`] is set.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let maybe_user = users.get(&"u1".to_string()).consistent_read().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetItem")]
    #[doc(alias = "get_item")]
    pub fn get<Q: crate::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> Get<'_, T> {
        Get::new(self, key.key_item(&T::KEY_SCHEMA))
    }

    /// Stores `item`, replacing any item with the same key (PutItem).
    ///
    /// Fails with [`Error::ItemTooLarge`](crate::Error::ItemTooLarge) before sending an
    /// item over 400 KB.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.insert(&User { id: "u1".into() }).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "PutItem")]
    #[doc(alias = "put_item")]
    pub fn insert<'a>(&'a self, item: &'a T) -> Insert<'a, T> {
        Insert::new(self, item)
    }

    /// Deletes the item under `key` and returns it, in one DeleteItem call
    /// (`ReturnValues=ALL_OLD`); `Ok(None)` when there was none.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// if let Some(old) = users.remove(&"u1".to_string()).await? {
    ///     println!("removed {}", old.id);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DeleteItem")]
    #[doc(alias = "delete_item")]
    pub fn remove<Q: crate::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> Remove<'_, T> {
        Remove::new(self, key.key_item(&T::KEY_SCHEMA))
    }

    /// Whether an item is stored under `key`. Reads only the key attributes, so a
    /// large item costs no more than a small one to check.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let known = users.contains_key(&"u1".to_string()).await?;
    /// # Ok(()) }
    /// ```
    pub fn contains_key<Q: crate::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> ContainsKey<'_, T> {
        ContainsKey::new(self, key.key_item(&T::KEY_SCHEMA))
    }

    /// Changes attributes of the item under `key` without reading it: one UpdateItem
    /// built from typed paths. Fails with [`Error::NotFound`](crate::Error::NotFound)
    /// if there is no such item, unless [`Modify::upsert`] is set.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/".to_string();
    /// pages.modify(&key).add(Page::fields().views, 1).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "UpdateItem")]
    #[doc(alias = "update_item")]
    pub fn modify<Q: crate::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> Modify<'_, T> {
        Modify::new(self, key.key_item(&T::KEY_SCHEMA))
    }

    /// A scan of the table, to filter, project, parallelise or resume; see [`Scan`](crate::Scan).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, active: bool }
    /// # fn f(users: TypedMapping<User>) {
    /// let active = users.scan().filter(User::fields().active.eq(true)).segments(4).stream();
    /// # }
    /// ```
    #[doc(alias = "Scan")]
    pub fn scan(&self) -> crate::Scan<'_, T> {
        crate::Scan::new(self)
    }

    /// A query of one partition (of the table, or of an index with `.index(name)`);
    /// see [`Query`](crate::Query).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] customer: String, #[dynamo(sort_key)] id: u64 }
    /// # fn f(orders: TypedMapping<Order>) {
    /// let alices = orders.query("alice").sort_key(Order::fields().id.gt(100)).stream();
    /// # }
    /// ```
    #[doc(alias = "Query")]
    pub fn query(&self, partition_key: impl crate::KeyValue) -> crate::Query<'_, T> {
        crate::Query::new(self, partition_key)
    }

    /// Every item, lazily: a scan read one page at a time, as the seed's `values()`.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let mut users_stream = users.values();
    /// while let Some(user) = users_stream.try_next().await? {
    ///     println!("{}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn values(&self) -> futures::stream::BoxStream<'static, crate::Result<T>> {
        self.scan().stream()
    }

    /// Every key, lazily; only the key attributes are read (a ProjectionExpression).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let ids: Vec<String> = users.keys().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn keys(&self) -> futures::stream::BoxStream<'static, crate::Result<T::Key>> {
        self.scan()
            .with_decoder(crate::stream::decode_key::<T>, Some(T::KEY_SCHEMA.paths()))
            .stream()
    }

    /// Every `(key, item)` pair, lazily, as the seed's `items()`.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, name: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let mut entries = users.items();
    /// while let Some((id, user)) = entries.try_next().await? {
    ///     println!("{id}: {}", user.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(&self) -> futures::stream::BoxStream<'static, crate::Result<(T::Key, T)>> {
        self.scan()
            .with_decoder(crate::stream::decode_entry::<T>, None)
            .stream()
    }

    /// Every item, a page at a time, each page with its resume token.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let mut pages = users.pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} users", page.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> futures::stream::BoxStream<'static, crate::Result<crate::Page<T>>> {
        self.scan().pages()
    }

    /// Writes many items with BatchWriteItem: chunked, concurrent, retried; see
    /// [`InsertMany`](crate::InsertMany).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.insert_many((0..1000).map(|i| User { id: format!("u{i}") })).await?;
    /// println!("{} written", report.written);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    #[doc(alias = "batch_write_item")]
    pub fn insert_many<I>(
        &self,
        items: I,
    ) -> crate::InsertMany<'_, T, futures::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: Send,
    {
        crate::InsertMany::new(self, futures::stream::iter(items))
    }

    /// Writes the items of a stream with BatchWriteItem, reading it as batches go out,
    /// so a load larger than memory streams through. After a batch fails for good the
    /// stream is read no further (it may never end): the error's `read` says how many
    /// items were taken from it, each of which is written, in `remaining` or in
    /// `rejected`, or was replaced by a later write of its key.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let incoming = futures::stream::iter((0..10).map(|i| User { id: format!("u{i}") }));
    /// users.insert_stream(incoming).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_stream<S>(&self, items: S) -> crate::InsertMany<'_, T, S>
    where
        S: futures::Stream<Item = T> + Send,
    {
        crate::InsertMany::from_stream(self, items)
    }

    /// Deletes many items with BatchWriteItem; see [`RemoveMany`](crate::RemoveMany).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.remove_many(vec!["u1".to_string(), "u2".to_string()]).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    #[doc(alias = "batch_write_item")]
    pub fn remove_many<I>(
        &self,
        keys: I,
    ) -> crate::RemoveMany<'_, T, futures::stream::Iter<I::IntoIter>>
    where
        I: IntoIterator<Item = T::Key>,
        I::IntoIter: Send,
    {
        crate::RemoveMany::new(self, futures::stream::iter(keys))
    }

    /// Reads many items with BatchGetItem, in the order of their keys; see
    /// [`GetMany`](crate::GetMany).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let found = users.get_many((0..250).map(|i| format!("u{i}"))).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchGetItem")]
    #[doc(alias = "batch_get_item")]
    pub fn get_many<I>(&self, keys: I) -> crate::GetMany<'_, T, I>
    where
        I: IntoIterator<Item = T::Key>,
    {
        crate::GetMany::new(self, keys)
    }

    /// Reads the item under `key`, applies `apply` to it, and writes it back only if
    /// nobody changed it meanwhile (by its version with `#[dynamo(version)]`, otherwise
    /// by every attribute), retrying on conflict. Returns the item as written;
    /// [`Error::NotFound`](crate::Error::NotFound) if there is none.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, Clone)]
    /// # struct Profile { #[dynamo(partition_key)] id: String, bio: String }
    /// # async fn f(profiles: TypedMapping<Profile>) -> dynamap::Result<()> {
    /// let key = "p1".to_string();
    /// let profile = profiles.update(&key, |p| p.bio.push_str(" (edited)")).await?;
    /// # Ok(()) }
    /// ```
    pub fn update<Q, F>(&self, key: &Q, apply: F) -> Update<'_, T, F>
    where
        Q: crate::KeyLike<T::Key> + ?Sized,
        T: Clone,
        F: FnMut(&mut T) + Send,
    {
        Update::new(self, key.key_item(&T::KEY_SCHEMA), apply)
    }

    /// Stores `item` only if no item has its key; otherwise
    /// [`Error::ConditionFailed`](crate::Error::ConditionFailed). The same as
    /// `insert(item).if_absent()`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// users.insert_if_absent(&user).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_if_absent<'a>(&'a self, item: &'a T) -> Insert<'a, T> {
        Insert::new(self, item).if_absent()
    }

    /// Stores `item` only if `condition` holds for what is stored now. The same as
    /// `insert(item).when(condition)`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, plan: String }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into(), plan: "pro".into() };
    /// users.insert_when(&user, User::fields().plan.eq("free")).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_when<'a>(&'a self, item: &'a T, condition: crate::Condition<T>) -> Insert<'a, T> {
        Insert::new(self, item).when(condition)
    }

    /// Deletes the item under `key` only if `condition` holds, returning it. The same
    /// as `remove(key).when(condition)`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Session { #[dynamo(partition_key)] id: String, expired: bool }
    /// # async fn f(sessions: TypedMapping<Session>) -> dynamap::Result<()> {
    /// let key = "s1".to_string();
    /// let gone = sessions.remove_when(&key, Session::fields().expired.eq(true)).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_when<Q: crate::KeyLike<T::Key> + ?Sized>(
        &self,
        key: &Q,
        condition: crate::Condition<T>,
    ) -> Remove<'_, T> {
        Remove::new(self, key.key_item(&T::KEY_SCHEMA)).when(condition)
    }
}

impl<T> Clone for TypedMapping<T> {
    fn clone(&self) -> Self {
        TypedMapping {
            client: self.client.clone(),
            table: self.table.clone(),
            item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for TypedMapping<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedMapping")
            .field("table", &self.table)
            .field("item", &std::any::type_name::<T>())
            .finish()
    }
}

/// Implements `IntoFuture` for an operation builder with an `async fn send(self)`, so
/// that `.await` sends it, as in the AWS SDK.
macro_rules! into_future {
    ($builder:ident, $output:ty) => {
        impl<'a, T: $crate::DynamoItem> std::future::IntoFuture for $builder<'a, T> {
            type Output = $crate::Result<$output>;
            type IntoFuture = futures::future::BoxFuture<'a, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use into_future;
