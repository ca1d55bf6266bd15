//! GetItem.

use crate::error::Result;
use crate::item::DynamoItem;
use crate::observe::Call;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

/// Reads one item; built by [`TypedMapping::get`], sent by `.await`.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let key = "u1";
/// let request: dynamap::operations::Get<'_, User> = users.get(&key);
/// let answer = request.await?;
/// # Ok(()) }
/// ```
#[must_use = "a Get does nothing until it is awaited"]
#[doc(alias = "GetItem")]
#[doc(alias = "get_item")]
pub struct Get<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    key: Result<Item>,
    consistent_read: bool,
    hide_expired: bool,
}

impl<'a, T: DynamoItem> Get<'a, T> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>) -> Self {
        Get {
            mapping,
            key,
            consistent_read: false,
            hide_expired: T::HIDE_EXPIRED,
        }
    }

    crate::expiry::hide_expired_setter!("sessions.get(\"s1\")");

    /// Reads the latest committed write (strongly consistent; twice the read cost).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = users.get("u1").consistent_read(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn consistent_read(mut self, on: bool) -> Self {
        self.consistent_read = on;
        self
    }

    /// Sends the request; the same as `.await` on the builder.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = users.get("u1").send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<T>> {
        let hide_expired = self.hide_expired.then(|| self.mapping.handle().now());
        let item = self.send_raw().await?;
        let item = item.filter(|item| {
            hide_expired.is_none_or(|now| !crate::expiry::is_expired::<T>(item, now))
        });
        item.map(T::from_item).transpose()
    }

    /// The item as stored, not decoded (a read-modify-write conditions on it).
    pub(crate) async fn send_raw(self) -> Result<Option<Item>> {
        let table = self.mapping.table_name();
        let call = Call::new(table, self.mapping.observer());
        let request = self
            .mapping
            .client()
            .get_item()
            .table_name(table)
            .set_key(Some(self.key?))
            .consistent_read(self.consistent_read);
        let output = crate::observe::send_classified(request, call).await?;
        Ok(output.item)
    }
}

super::into_future!(Get, Option<T>);
