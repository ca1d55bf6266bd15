//! Reading a collection: the items of several entities in one partition, one query.

use futures::stream::BoxStream;

use super::DynamoCollection;
use crate::error::Result;
use crate::key::PageToken;
use crate::key::PartitionLike;
#[cfg(feature = "sealed-tokens")]
use crate::key::TokenSecret;
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
    pub fn query(&self, partition_key: &(impl PartitionLike + ?Sized)) -> CollectionQuery<'_, C> {
        CollectionQuery {
            query: Query::collection(&self.mapping, partition_key, C::MEMBERS, C::from_item),
        }
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

    /// Stops after `n` items overall.
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
    /// let first_ten = app.collection::<UserView>().query("u1").limit(10).stream();
    /// # }
    /// ```
    pub fn limit(self, n: usize) -> Self {
        CollectionQuery {
            query: self.query.limit(n),
        }
    }

    /// Items per request (DynamoDB's `Limit`).
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
    /// let pages = app.collection::<UserView>().query("u1").page_size(20).pages();
    /// # }
    /// ```
    pub fn page_size(self, n: u32) -> Self {
        CollectionQuery {
            query: self.query.page_size(n),
        }
    }

    /// Paces the query to `units` read capacity units per second (see
    /// [`Query::read_units_per_second`](crate::reads::Query::read_units_per_second)).
    ///
    /// ```no_run
    /// # use dynamap::{DynamoCollection, DynamoItem, DynamoTable, Table};
    /// # #[derive(DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # #[derive(DynamoCollection)]
    /// # enum UserView { User(User) }
    /// # fn f(app: Table<App>) {
    /// let gentle = app.collection::<UserView>().query("u1").read_units_per_second(10.0).stream();
    /// # }
    /// ```
    pub fn read_units_per_second(self, units: f64) -> Self {
        CollectionQuery {
            query: self.query.read_units_per_second(units),
        }
    }

    /// Strongly consistent reads.
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
    /// let fresh = app.collection::<UserView>().query("u1").consistent_read(true).stream();
    /// # }
    /// ```
    pub fn consistent_read(self, on: bool) -> Self {
        CollectionQuery {
            query: self.query.consistent_read(on),
        }
    }

    /// Resumes after the page that gave `token`.
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
    /// # fn f(app: dynamap::Table<App>, token: dynamap::reads::PageToken) {
    /// let rest = app.collection::<UserView>().query("u1").start_from(token).pages();
    /// # }
    /// ```
    pub fn start_from(self, token: PageToken) -> Self {
        CollectionQuery {
            query: self.query.start_from(token),
        }
    }

    /// Resumes from a token sealed with [`PageToken::seal`] for this table and partition.
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
    /// # fn f(app: dynamap::Table<App>, cursor: &str, secret: &[u8; 32]) {
    /// let next = app.collection::<UserView>().query("u1").start_from_sealed(cursor, secret).pages();
    /// # }
    /// ```
    #[cfg(feature = "sealed-tokens")]
    pub fn start_from_sealed(self, sealed: &str, secret: &TokenSecret) -> Self {
        CollectionQuery {
            query: self.query.start_from_sealed(sealed, secret),
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
