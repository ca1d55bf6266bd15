//! PutItem.

use crate::size::check_item_size;
use crate::{DynamoItem, Error, Result, TypedMapping};

/// Stores one item; built by [`TypedMapping::insert`], sent by `.await`.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let user = User { id: "u1".into() };
/// let request: dynamap::mapping::Insert<'_, User> = users.insert(&user);
/// let answer = request.await?;
/// # Ok(()) }
/// ```
#[must_use = "an Insert does nothing until it is awaited"]
pub struct Insert<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    item: &'a T,
}

impl<'a, T: DynamoItem> Insert<'a, T> {
    pub(super) fn new(mapping: &'a TypedMapping<T>, item: &'a T) -> Self {
        Insert { mapping, item }
    }

    /// Sends the request; the same as `.await` on the builder.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.insert(&User { id: "u1".into() }).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<()> {
        let item = self.item.to_item()?;
        check_item_size(&item)?;
        let table = self.mapping.table_name();
        self.mapping
            .client()
            .put_item()
            .table_name(table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| Error::from_sdk("PutItem", table, e))?;
        Ok(())
    }
}

super::into_future!(Insert, ());
