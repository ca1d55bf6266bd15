//! GetItem projected onto the key attributes.

use crate::error::Result;
use crate::expr::{Apply, Renderer};
use crate::item::DynamoItem;
use crate::observe::Call;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

/// Checks whether a key is present; built by [`TypedMapping::contains_key`].
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let key = "u1";
/// let request: dynamap::operations::ContainsKey<'_, User> = users.contains_key(&key);
/// let answer = request.await?;
/// # Ok(()) }
/// ```
#[must_use = "a ContainsKey does nothing until it is awaited"]
#[doc(alias = "GetItem")]
#[doc(alias = "get_item")]
pub struct ContainsKey<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    key: Result<Item>,
    consistent_read: bool,
    hide_expired: bool,
}

impl<'a, T: DynamoItem> ContainsKey<'a, T> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>) -> Self {
        ContainsKey {
            mapping,
            key,
            consistent_read: false,
            hide_expired: T::HIDE_EXPIRED,
        }
    }

    crate::expiry::hide_expired_setter!("sessions.contains_key(\"s1\")");

    /// Sees the latest committed write (strongly consistent read).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let there = users.contains_key("u1").consistent_read(true).await?;
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
    /// let there = users.contains_key("u1").send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<bool> {
        let table = self.mapping.table_name();
        // Names go through placeholders: key attributes may be reserved words.
        let mut renderer = Renderer::new("GetItem");
        let mut paths = T::KEY_SCHEMA.paths();
        let hide_expired = self.hide_expired.then(|| self.mapping.handle().now());
        if let (Some(_), Some(ttl)) = (hide_expired, T::TTL_ATTRIBUTE) {
            paths.push(crate::attr_path::AttrPath::top_level_name(ttl));
        }
        renderer.projection(&paths)?;
        let request = self
            .mapping
            .client()
            .get_item()
            .table_name(table)
            .set_key(Some(self.key?))
            .apply(renderer.finish())
            .consistent_read(self.consistent_read);
        let output =
            crate::observe::send_classified(request, Call::new(table, self.mapping.observer()))
                .await?;
        Ok(output.item.is_some_and(|item| {
            !item.is_empty()
                && hide_expired.is_none_or(|now| !crate::expiry::is_expired::<T>(&item, now))
        }))
    }
}

super::into_future!(ContainsKey, bool);
