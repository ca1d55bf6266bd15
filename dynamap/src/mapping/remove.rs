//! DeleteItem, returning what was deleted.

use aws_sdk_dynamodb::types::ReturnValue;

use crate::{DynamoItem, Error, Result, TypedMapping};

/// Deletes one item and returns it; built by [`TypedMapping::remove`], sent by `.await`.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let key = "u1".to_string();
/// let request: dynamap::mapping::Remove<'_, User> = users.remove(&key);
/// let answer = request.await?;
/// # Ok(()) }
/// ```
#[must_use = "a Remove does nothing until it is awaited"]
pub struct Remove<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    key: &'a T::Key,
}

impl<'a, T: DynamoItem> Remove<'a, T> {
    pub(super) fn new(mapping: &'a TypedMapping<T>, key: &'a T::Key) -> Self {
        Remove { mapping, key }
    }

    /// Sends the request; the same as `.await` on the builder.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let old: Option<User> = users.remove(&"u1".to_string()).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<T>> {
        let table = self.mapping.table_name();
        let output = self
            .mapping
            .client()
            .delete_item()
            .table_name(table)
            .set_key(Some(T::key_to_item(self.key)?))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| Error::from_sdk("DeleteItem", table, e))?;
        match output.attributes {
            Some(item) if !item.is_empty() => T::from_item(item).map(Some),
            _ => Ok(None),
        }
    }
}

super::into_future!(Remove, Option<T>);
