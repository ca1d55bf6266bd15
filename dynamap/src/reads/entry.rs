//! The reads a [`TypedMapping`] starts: scans, queries, and the whole-table streams
//! built on a scan.

use crate::item::DynamoItem;
use crate::key::{KeyLike, PartitionValue};
use crate::operations::TypedMapping;
use crate::single_table::{DynamoIndex, InIndex, ProjectionOf, ProjectsAll};

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

    /// A scan of index `I` (a sparse index holds only the items it keys); only an index
    /// the type takes part in compiles, as for [`query_index`](Self::query_index).
    /// [`Scan::index`](crate::reads::Scan::index) is the string form.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] id: String,
    /// #   #[dynamo(gsi_partition_key(ByCoupon))] coupon: String }
    /// # fn f(orders: dynamap::TypedMapping<Order>) {
    /// let with_coupons = orders.scan_index::<ByCoupon>().segments(4).stream();
    /// # }
    /// ```
    #[doc(alias = "Scan")]
    pub fn scan_index<I: ProjectsAll>(&self) -> super::Scan<'_, T>
    where
        T: InIndex<I>,
    {
        super::Scan::new(self).index(I::DEFINITION.name)
    }

    /// A scan of index `I` read as `U`, a type declared `#[dynamo(projection_of(I))]`:
    /// how an index that does not hold whole items (`keys_only`, `include(..)`) is
    /// read. Only the attributes `U` reads are asked for.
    ///
    /// ```no_run
    /// # use dynamap::{DynamoItem, DynamoValue};
    /// # #[derive(DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] id: String,
    /// #   #[dynamo(gsi_partition_key(ByStatus, keys_only))] status: String, total: u64 }
    /// #[derive(DynamoValue)]
    /// #[dynamo(projection_of(ByStatus))]
    /// struct StatusRow { id: String, status: String }
    /// # fn f(orders: dynamap::TypedMapping<Order>) {
    /// let rows = orders.scan_index_as::<ByStatus, StatusRow>().stream();
    /// # }
    /// ```
    #[doc(alias = "Scan")]
    pub fn scan_index_as<I, U>(&self) -> super::Scan<'_, T, U>
    where
        I: DynamoIndex,
        T: InIndex<I>,
        U: ProjectionOf<I> + Send + 'static,
    {
        super::Scan::new(self)
            .index(I::DEFINITION.name)
            .project::<U>()
    }

    /// A query of one partition of the table; see [`Query`](crate::reads::Query).
    /// `partition_key` is taken as `get` takes a key: by reference, as a value of the
    /// item's [`Partition`](DynamoItem::Partition) type or a borrowed form of it (`"alice"`
    /// for a `String`), so a value of another type does not compile.
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
        partition_key: &(impl KeyLike<T::Partition> + ?Sized),
    ) -> super::Query<'_, T>
    where
        T::Partition: PartitionValue,
    {
        super::Query::new(self, &*partition_key.to_key())
    }

    /// A query of index `I`; only an index the type takes part in compiles.
    /// `partition_key` is the value of the index's partition key: its template's fields
    /// for an entity, its field for a plain type whose index mention names a marker
    /// (`#[dynamo(gsi_partition_key(ByStatus))]`).
    ///
    /// ```
    /// use dynamap::{DynamoItem, TypedMapping};
    /// #[derive(DynamoItem)]
    /// struct Order {
    ///     #[dynamo(partition_key)]
    ///     id: String,
    ///     #[dynamo(gsi_partition_key(ByStatus))]
    ///     status: String,
    ///     #[dynamo(gsi_sort_key(ByStatus))]
    ///     placed_at: u64,
    /// }
    /// # fn f(orders: TypedMapping<Order>) {
    /// let open = orders.query_index::<ByStatus>("open").reverse(true).stream();
    /// # }
    /// ```
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
    pub fn query_index<I: ProjectsAll>(
        &self,
        partition_key: &(impl KeyLike<<T as InIndex<I>>::Partition> + ?Sized),
    ) -> super::Query<'_, T>
    where
        T: InIndex<I>,
        <T as InIndex<I>>::Partition: PartitionValue,
    {
        super::Query::new(self, &*partition_key.to_key()).index(I::DEFINITION.name)
    }

    /// A query of index `I` read as `U`, a type declared `#[dynamo(projection_of(I))]`:
    /// how an index that does not hold whole items (`keys_only`, `include(..)`) is
    /// read. Only the attributes `U` reads are asked for; the partition is given as for
    /// [`query_index`](Self::query_index).
    ///
    /// ```no_run
    /// # use dynamap::{DynamoItem, DynamoValue};
    /// # #[derive(DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] id: String,
    /// #   #[dynamo(gsi_partition_key(ByStatus, include("total")))] status: String, total: u64 }
    /// #[derive(DynamoValue)]
    /// #[dynamo(projection_of(ByStatus))]
    /// struct Totals { id: String, total: u64 }
    /// # fn f(orders: dynamap::TypedMapping<Order>) {
    /// let open = orders.query_index_as::<ByStatus, Totals>("open").stream();
    /// # }
    /// ```
    #[doc(alias = "Query")]
    pub fn query_index_as<I, U>(
        &self,
        partition_key: &(impl KeyLike<<T as InIndex<I>>::Partition> + ?Sized),
    ) -> super::Query<'_, T, U>
    where
        I: DynamoIndex,
        T: InIndex<I>,
        <T as InIndex<I>>::Partition: PartitionValue,
        U: ProjectionOf<I> + Send + 'static,
    {
        super::Query::new(self, &*partition_key.to_key())
            .index(I::DEFINITION.name)
            .project::<U>()
    }

    /// A query of the secondary index named `index`, declared on a plain type
    /// (`gsi_partition_key = "..."`, `gsi_sort_key`, `lsi_sort_key`), or of an entity's
    /// index by its name: the string form, where [`query_index`](Self::query_index)
    /// names the index by a marker type. Prefer the marker: this form is the escape hatch
    /// for generic types, which cannot declare markers, and for names chosen at run time. `partition_key` is taken as `query` takes it, as a value of the
    /// type `P` you name for the index's partition key (`::<String>`: a string names
    /// the index, so the compiler cannot know it). The index's declared key type is
    /// checked when the query is sent ([`Error::Key`] on a mismatch,
    /// [`Error::UnknownIndex`] for a name the type does not declare).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, #[dynamo(gsi_partition_key = "by_email")] email: String,
    /// #   #[dynamo(gsi_partition_key = "by_level")] level: u32 }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let found = users.query_index_named::<String>("by_email", "ada@example.com").stream();
    /// let experts = users.query_index_named::<u32>("by_level", &9).stream();
    /// # }
    /// ```
    ///
    /// [`Error::Key`]: crate::Error::Key
    /// [`Error::UnknownIndex`]: crate::Error::UnknownIndex
    #[doc(alias = "Query")]
    pub fn query_index_named<P: PartitionValue>(
        &self,
        index: &str,
        partition_key: &(impl KeyLike<P> + ?Sized),
    ) -> super::Query<'_, T> {
        super::Query::new(self, &*partition_key.to_key()).index(index)
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
