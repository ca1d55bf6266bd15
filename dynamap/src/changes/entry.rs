//! Where feeds start: a mapping's (an item type, an entity) and a collection's.

use super::{Changed, Changes};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::single_table::{Collection, DynamoCollection};

impl<T: DynamoItem> TypedMapping<T> {
    /// The table's change feed, typed: each insert, modify and remove as a
    /// [`Change<T>`](super::Change), read from the table's DynamoDB Stream (create the
    /// table with [`stream(..)`](crate::schema::CreateTable::stream)). For an entity of a
    /// single-table design, other entities' changes are skipped (a `KEYS_ONLY` stream
    /// cannot tell them apart: use a view with images).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut feed = users.changes().stream();
    /// while let Some(change) = feed.try_next().await? {
    ///     println!("{:?} {}", change.kind, change.key);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetRecords")]
    #[doc(alias = "streams")]
    pub fn changes(&self) -> Changes<T>
    where
        T: Changed,
    {
        Changes::new(self.client().clone(), self.table_name().to_owned())
    }
}

impl<C: DynamoCollection + Changed> Collection<C> {
    /// The change feed of the collection's table, each change decoded as the member
    /// its entity attribute names; changes of entities the collection does not list
    /// are skipped. The key of a collection's change is its raw key attributes.
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
    /// let feed = app.collection::<UserView>().changes().stream();
    /// # }
    /// ```
    pub fn changes(&self) -> Changes<C> {
        Changes::new(
            self.mapping().client().clone(),
            self.mapping().table_name().to_owned(),
        )
    }
}
