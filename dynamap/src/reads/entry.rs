//! The reads a [`TypedMapping`] starts: scans, queries, and the whole-table streams
//! built on a scan.

use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::single_table::{DynamoIndex, InIndex};

impl<T: DynamoItem> TypedMapping<T> {
    /// A scan of the table, to filter, project, parallelise or resume; see [`Scan`](crate::reads::Scan).
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
    pub fn scan(&self) -> super::Scan<'_, T> {
        super::Scan::new(self)
    }

    /// A query of one partition (of the table, or of an index with `.index(name)`);
    /// see [`Query`](crate::reads::Query).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] customer: String, #[dynamo(sort_key)] id: u64 }
    /// # fn f(orders: TypedMapping<Order>) {
    /// let alices = orders.query("alice").sort_key(Order::fields().id.gt(100)).stream();
    /// # }
    /// ```
    ///
    /// For an entity of a single-table design, `partition_key` is the value of its
    /// partition template's field (a tuple of values for several fields, in the
    /// template's order): the composed key is rendered for you, the query keeps to the
    /// entity's sort-key prefix, and a `.sort_key(..)` condition on the first field of
    /// the sort template becomes an exact range on the composed key. Items of other
    /// entities are filtered out.
    #[doc(alias = "Query")]
    pub fn query(
        &self,
        partition_key: &(impl crate::key::PartitionLike + ?Sized),
    ) -> super::Query<'_, T> {
        super::Query::new(self, partition_key)
    }

    /// A query of index `I` of an entity's table; only an index the entity takes part
    /// in compiles. `partition_key` is the value of the index's partition template.
    ///
    /// ```
    /// use dynamap::{DynamoItem, DynamoTable, TypedMapping};
    /// #[derive(DynamoTable)]
    /// #[dynamo(partition_key = "pk", sort_key = "sk",
    ///          index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"))]
    /// struct App;
    /// #[derive(DynamoItem)]
    /// #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE",
    ///          index(Gsi1, pk = "EMAIL#{email}", sk = "USER"))]
    /// struct User { id: String, email: String }
    /// # fn f(users: TypedMapping<User>) {
    /// let found = users.query_index::<Gsi1>("ada@example.com").stream();
    /// # }
    /// ```
    #[doc(alias = "Query")]
    pub fn query_index<I: DynamoIndex>(
        &self,
        partition_key: &(impl crate::key::PartitionLike + ?Sized),
    ) -> super::Query<'_, T>
    where
        T: InIndex<I>,
    {
        super::Query::new(self, partition_key).index(I::DEFINITION.name)
    }

    /// Reads the whole table: every item, lazily, a scan page at a time (the seed's
    /// `values()`).
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
    pub fn values(&self) -> futures::stream::BoxStream<'static, crate::error::Result<T>> {
        self.scan().stream()
    }

    /// Reads the whole table: every key, lazily; only the key attributes are
    /// transferred (a ProjectionExpression), though every item is read and billed.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let ids: Vec<String> = users.keys().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn keys(&self) -> futures::stream::BoxStream<'static, crate::error::Result<T::Key>> {
        // An entity's key is its template fields, stored as attributes of their own.
        let projection = match T::ENTITY {
            Some(entity) => super::scan::attribute_paths(entity.key_fields),
            None => T::KEY_SCHEMA.paths(),
        };
        self.scan()
            .with_decoder(super::decode_key::<T>, Some(projection))
            .stream()
    }

    /// Reads the whole table: every `(key, item)` pair, lazily (the seed's `items()`).
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
    pub fn items(&self) -> futures::stream::BoxStream<'static, crate::error::Result<(T::Key, T)>> {
        self.scan()
            .with_decoder(super::decode_entry::<T>, None)
            .stream()
    }

    /// Reads the whole table: every item, a page at a time, each page with its resume
    /// token.
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
    pub fn pages(
        &self,
    ) -> futures::stream::BoxStream<'static, crate::error::Result<super::Page<T>>> {
        self.scan().pages()
    }
}
