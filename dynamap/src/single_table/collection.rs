//! Reading a collection: the items of several entities in one partition, one query.

use futures::stream::BoxStream;

use super::DynamoCollection;
use crate::error::Result;
use crate::item::DynamoItem;
use crate::key::{KeyLike, PartitionValue};
use crate::operations::TypedMapping;
use crate::reads::{Page, Query};

/// The reader of collection `C`, from [`Table::collection`](crate::Table::collection).
///
/// ```no_run
/// # #[derive(dynamap::DynamoTable)]
/// # #[dynamo(partition_key = "pk", sort_key = "sk")]
/// # struct App;
/// # #[derive(dynamap::DynamoItem)]
/// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
/// # struct User { id: String }
/// # #[derive(dynamap::DynamoItem)]
/// # #[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{id}")]
/// # struct Order { user_id: String, id: u64 }
/// #[derive(dynamap::DynamoCollection)]
/// enum UserView { User(User), Order(Order) }
/// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
/// use futures::TryStreamExt;
/// let view: Vec<UserView> = app.collection::<UserView>().query("u1").stream().try_collect().await?;
/// # Ok(()) }
/// ```
pub struct Collection<C: DynamoCollection> {
    mapping: TypedMapping<C::First>,
}

impl<C: DynamoCollection> Collection<C> {
    pub(crate) fn new(mapping: TypedMapping<C::First>) -> Self {
        Collection { mapping }
    }

    #[cfg(feature = "change-feed")]
    pub(crate) fn mapping(&self) -> &TypedMapping<C::First> {
        &self.mapping
    }

    /// A query of one partition: `partition_key` is the value of the members' partition
    /// template's field (a tuple for several fields). Every item of the partition comes
    /// back, in sort-key order, as the member its entity attribute names; an item of an
    /// entity the collection does not list is an
    /// [`Error::OtherEntity`](crate::Error::OtherEntity) unless
    /// [`skip_unknown`](CollectionQuery::skip_unknown) is set.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # fn f(app: dynamap::Table<App>) {
    /// let newest_first = app.collection::<UserView>().query("u1").reverse(true).stream();
    /// # }
    /// ```
    #[doc(alias = "Query")]
    pub fn query(
        &self,
        partition_key: &(impl KeyLike<<C::First as DynamoItem>::Partition> + ?Sized),
    ) -> CollectionQuery<'_, C>
    where
        <C::First as DynamoItem>::Partition: PartitionValue,
    {
        let partition = partition_key.to_key();
        CollectionQuery {
            query: Query::collection(&self.mapping, &*partition, C::MEMBERS, C::from_item),
        }
    }

    /// Deletes the members' items of one partition: the same as
    /// `query(partition_key).remove()` ([`CollectionQuery::remove`]).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// // A user closes their account: the profile and everything kept with it go.
    /// let report = app.collection::<UserView>().remove_partition("u1").await?;
    /// println!("{} items removed", report.written);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    pub fn remove_partition(
        &self,
        partition_key: &(impl KeyLike<<C::First as DynamoItem>::Partition> + ?Sized),
    ) -> crate::batches::RemoveMatching<'_>
    where
        <C::First as DynamoItem>::Partition: PartitionValue,
    {
        self.query(partition_key).remove()
    }
}

/// A query of a collection's partition; from [`Collection::query`]. Nothing is sent
/// until its stream is polled.
///
/// ```no_run
/// # #[derive(dynamap::DynamoTable)]
/// # #[dynamo(partition_key = "pk", sort_key = "sk")]
/// # struct App;
/// # #[derive(dynamap::DynamoItem)]
/// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
/// # struct User { id: String }
/// # #[derive(dynamap::DynamoCollection)]
/// # enum UserView { User(User) }
/// # fn f(app: dynamap::Table<App>) {
/// let pages = app.collection::<UserView>().query("u1").page_size(25).pages();
/// # }
/// ```
#[must_use = "a CollectionQuery does nothing until its stream is polled"]
pub struct CollectionQuery<'a, C: DynamoCollection> {
    query: Query<'a, C::First, C>,
}

impl<'a, C: DynamoCollection> CollectionQuery<'a, C> {
    crate::reads::read_settings!(
        "# #[derive(dynamap::DynamoTable)]\n# #[dynamo(partition_key = \"pk\", sort_key = \"sk\")]\n# struct App;\n# #[derive(dynamap::DynamoItem)]\n# #[dynamo(table = App, entity = \"User\", pk = \"USER#{id}\", sk = \"PROFILE\")]\n# struct User { id: String }\n# #[derive(dynamap::DynamoCollection)]\n# enum Profile { User(User) }\n# fn f(app: dynamap::Table<App>) {\n# let collection = app.collection::<Profile>();\n# let read = collection.query(\"u1\");",
        query
    );

    /// Skips items of entities the collection does not list (the server filters them
    /// out; they are still read and billed) instead of failing on them.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum Profile { User(User) }
    /// # fn f(app: dynamap::Table<App>) {
    /// let only_profiles = app.collection::<Profile>().query("u1").skip_unknown(true).stream();
    /// # }
    /// ```
    pub fn skip_unknown(self, on: bool) -> Self {
        CollectionQuery {
            query: self.query.skip_unknown(on),
        }
    }

    /// Descending sort-key order.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # fn f(app: dynamap::Table<App>) {
    /// let newest_first = app.collection::<UserView>().query("u1").reverse(true).stream();
    /// # }
    /// ```
    pub fn reverse(self, on: bool) -> Self {
        CollectionQuery {
            query: self.query.reverse(on),
        }
    }

    /// The members' items, one by one, in sort-key order.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// use futures::TryStreamExt;
    /// let all: Vec<UserView> = app.collection::<UserView>().query("u1").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<C>> {
        self.query.stream()
    }

    /// Whole pages, each with the token to resume after it.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// use futures::TryStreamExt;
    /// let page = app.collection::<UserView>().query("u1").page_size(10).pages().try_next().await?;
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> BoxStream<'static, Result<Page<C>>> {
        self.query.pages()
    }

    /// How many items of the partition the query matches (every entity's, or with
    /// `skip_unknown` the members' only), sent with `Select=COUNT`: a
    /// [`Count`](crate::reads::Count), sent by `.await`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// let items = app.collection::<UserView>().query("u1").count().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "Select::Count")]
    pub fn count(self) -> crate::reads::Count<'a> {
        self.query.count()
    }

    /// Deletes the members' items of the partition (items of entities the collection
    /// does not list stay): their keys read page by page, deleted with BatchWriteItem as
    /// they come; see [`RemoveMatching`](crate::batches::RemoveMatching). A member with
    /// unique attributes or maintained counts makes the call refused, as by
    /// `remove_many`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// let report = app.collection::<UserView>().query("u1").remove().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    pub fn remove(self) -> crate::batches::RemoveMatching<'a> {
        let refused = C::__refuse_unguarded("BatchWriteItem");
        self.query.skip_unknown(true).remove_checked(refused)
    }

    /// The first item, if any.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(dynamap::DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// let first = app.collection::<UserView>().query("u1").first().await?;
    /// # Ok(()) }
    /// ```
    pub async fn first(self) -> Result<Option<C>> {
        self.query.first().await
    }
}
