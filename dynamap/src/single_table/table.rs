//! `Table<A>`: the physical table of a single-table design, and the mappings of the
//! entities and collections stored in it.

use std::marker::PhantomData;

use aws_sdk_dynamodb::Client;

use super::{Collection, DynamoCollection, DynamoTable, Entity};
use crate::operations::TypedMapping;
use crate::schema::CreateTable;

/// The table of a single-table design, declared by `A` (`#[derive(DynamoTable)]`):
/// creates and checks the table, and hands out each entity's [`TypedMapping`] and each
/// collection's reader.
///
/// ```no_run
/// use dynamap::{DynamoItem, DynamoTable, Table};
///
/// #[derive(DynamoTable)]
/// #[dynamo(partition_key = "pk", sort_key = "sk")]
/// struct App;
///
/// #[derive(DynamoItem, Debug, Clone, PartialEq)]
/// #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
/// struct User { id: String, name: String }
///
/// # async fn f(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
/// let app = Table::<App>::new(client, "app");
/// app.ensure_table().await?;
/// let users = app.entity::<User>();
/// users.insert(&User { id: "u1".into(), name: "Ada".into() }).await?;
/// assert!(users.get("u1").await?.is_some());
/// # Ok(()) }
/// ```
pub struct Table<A> {
    handle: crate::handle::TableHandle,
    table: PhantomData<fn() -> A>,
}

impl<A> Clone for Table<A> {
    fn clone(&self) -> Self {
        Table {
            handle: self.handle.clone(),
            table: PhantomData,
        }
    }
}

impl<A> std::fmt::Debug for Table<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("table", &self.handle.table_name())
            .field("declared_by", &std::any::type_name::<A>())
            .finish()
    }
}

impl<A: DynamoTable> Table<A> {
    /// The table `name`, reached through `client`. Nothing is sent.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # fn f(client: aws_sdk_dynamodb::Client) {
    /// let app = dynamap::Table::<App>::new(client, "app");
    /// # }
    /// ```
    pub fn new(client: Client, name: impl Into<String>) -> Self {
        Table {
            handle: crate::handle::TableHandle::new(client, name.into()),
            table: PhantomData,
        }
    }

    fn with_handle(&self, handle: crate::handle::TableHandle) -> Self {
        Table {
            handle,
            table: PhantomData,
        }
    }

    crate::handle::table_handle_settings!(
        "# #[derive(dynamap::DynamoTable)]\n# #[dynamo(partition_key = \"pk\")]\n# struct App;\n# fn f(handle: dynamap::Table<App>) {"
    );

    /// The mapping of entity `E`: a [`TypedMapping`] whose keys are `E`'s template
    /// fields. Every operation works on it; reads check the entity attribute, and
    /// scans and queries keep to `E`'s items.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(dynamap::DynamoItem)]
    /// # #[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String }
    /// # fn f(app: dynamap::Table<App>) {
    /// let users: dynamap::TypedMapping<User> = app.entity::<User>();
    /// # }
    /// ```
    pub fn entity<E: Entity<Table = A>>(&self) -> TypedMapping<E> {
        TypedMapping::on(self.handle.clone())
    }

    /// The reader of collection `C`: one query returns its members' items of one
    /// partition, in sort-key order.
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
    /// # fn f(app: dynamap::Table<App>) {
    /// let view = app.collection::<UserView>().query("u1").stream();
    /// # }
    /// ```
    pub fn collection<C: DynamoCollection<Table = A>>(&self) -> Collection<C> {
        Collection::new(TypedMapping::on(self.handle.clone()))
    }

    /// Creates the table with `A`'s keys and every index it declares (on demand unless
    /// set otherwise), waits until it is `ACTIVE`, and turns on time to live for the
    /// table's `ttl` attribute. Fails if the table exists.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// app.create_table().provisioned(10, 10).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "CreateTable")]
    pub fn create_table(&self) -> CreateTable<'_> {
        CreateTable::new(
            self.handle.client(),
            self.handle.table_name(),
            A::KEY_SCHEMA,
            A::INDEXES,
            A::TTL_ATTRIBUTE,
        )
    }

    /// Creates the table if it is missing, or checks that its keys and indexes are
    /// `A`'s ([`Error::SchemaMismatch`](crate::Error::SchemaMismatch) if not);
    /// [`add_missing(true)`](crate::schema::EnsureTable::add_missing) adds the indexes,
    /// time to live and stream it lacks instead.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # async fn f(app: dynamap::Table<App>) -> dynamap::Result<()> {
    /// let created = app.ensure_table().await?.created;
    /// # Ok(()) }
    /// ```
    pub fn ensure_table(&self) -> crate::schema::EnsureTable<'_> {
        crate::schema::EnsureTable::new(self.create_table(), std::any::type_name::<A>())
    }
}
