//! `TypedMapping<T>`: a table seen as a map from `T::Key` to `T`, and the request
//! builders its methods return (each sent by `.await`).

mod contains;
mod encryption_guard;
mod entity_guard;
mod get;
mod insert;
pub(crate) mod invariants;
mod modify;
mod move_item;
pub(crate) mod patch;
mod remove;
mod rewrite;
mod shape_guard;
mod stored;
pub(crate) mod transact_actions;
mod update_with;
mod validate;
mod versioning;
pub(crate) mod write_token;

use std::fmt;
use std::marker::PhantomData;

use aws_sdk_dynamodb::Client;

use crate::item::DynamoItem;

pub use contains::ContainsKey;
pub(crate) use entity_guard::{is_other_entity, own_entity, write_guard};
pub use get::Get;
pub use insert::Insert;
pub(crate) use insert::{put_parts, put_request, Marked};
#[cfg(feature = "lambda")]
pub(crate) use invariants::is_guard_text;
pub(crate) use invariants::{expectation, keeps, transact as transact_kept, Expect, Fixed, Step};
pub(crate) use invariants::{is_guard_key, own_items, refuse_unguarded};
pub use modify::{Modify, ReturnNew, ReturnNothing, ReturnOld, Returning};
pub use move_item::MoveItem;
pub use patch::Patch;
pub use remove::Remove;
pub(crate) use remove::{delete_expressions, remove_step};
pub(crate) use rewrite::{difference, rewrite, stored_key, upgrade_older, Outcome};
pub(crate) use shape_guard::{absent_or_current, current_shape, UPGRADE_ATTEMPTS};
pub use update_with::UpdateWith;
pub(crate) use versioning::store_next_version;
pub(crate) use write_token::WriteToken;

/// A DynamoDB table used as a typed map from `T::Key` to `T`.
///
/// Cheap to clone: clones share the SDK client and its connection pool.
///
/// ```no_run
/// use dynamap::{DynamoItem, TypedMapping};
///
/// #[derive(DynamoItem, Debug, Clone, PartialEq)]
/// struct User {
///     #[dynamo(partition_key)]
///     id: String,
///     name: String,
///     age: u8,
/// }
///
/// # async fn demo(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
/// let users: TypedMapping<User> = TypedMapping::new(client, "users");
/// users.create_table().await?;
/// let ada = User { id: "u1".into(), name: "Ada".into(), age: 36 };
/// users.insert(&ada).await?;
/// assert_eq!(users.get("u1").await?, Some(ada.clone()));
/// assert!(users.contains_key("u1").await?);
/// assert_eq!(users.remove("u1").await?, Some(ada));
/// assert_eq!(users.get("u1").await?, None);
/// # Ok(()) }
/// ```
pub struct TypedMapping<T> {
    handle: crate::handle::TableHandle,
    item: PhantomData<fn() -> T>,
}

impl<T: DynamoItem> TypedMapping<T> {
    /// A mapping over the table `table_name`, reached through `client`.
    ///
    /// Nothing is sent: a missing table shows up on the first call (or create it
    /// with [`create_table`](Self::create_table)).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn demo() -> dynamap::Result<()> {
    /// let client = dynamap::connect().region("eu-west-1").await?;
    /// let users = dynamap::TypedMapping::<User>::new(client, "users");
    /// # Ok(()) }
    /// ```
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        Self::on(crate::handle::TableHandle::new(client, table_name.into()))
    }

    /// A mapping over the table a handle names, with its settings (an entity's, from
    /// its `Table`).
    pub(crate) fn on(handle: crate::handle::TableHandle) -> Self {
        TypedMapping {
            handle: encryption_guard::guard_encryption::<T>(handle),
            item: PhantomData,
        }
    }

    fn with_handle(&self, handle: crate::handle::TableHandle) -> Self {
        Self::on(handle)
    }

    /// The handle it is a view of.
    pub(crate) fn handle(&self) -> &crate::handle::TableHandle {
        &self.handle
    }

    /// What the mapping's calls report to.
    pub(crate) fn observer(&self) -> &crate::observe::Observer {
        self.handle.observer()
    }

    crate::handle::table_handle_settings!(
        "# #[derive(dynamap::DynamoItem)]\n# struct User { #[dynamo(partition_key)] id: String }\n# fn f(handle: dynamap::TypedMapping<User>) {"
    );

    /// The time a write stamps on its items, by the mapping's clock. Types without
    /// `created_at` or `updated_at` never look at it, so for them the clock is not read
    /// (the epoch stands in): one clock read less per item written.
    pub(crate) fn stamp_time(&self) -> std::time::SystemTime {
        if T::HAS_STAMPS {
            self.handle.now()
        } else {
            std::time::UNIX_EPOCH
        }
    }

    /// Reads the item stored under `key` (GetItem); `None` when there is none.
    /// Eventually consistent unless [`Get::consistent_read`] is set.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let maybe_user = users.get("u1").consistent_read(true).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetItem")]
    #[doc(alias = "get_item")]
    pub fn get<Q: crate::key::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> Get<'_, T> {
        Get::new(self, crate::key::key_item::<T, _>(key))
    }

    /// Stores `item`, replacing any item with the same key (PutItem).
    ///
    /// Fails with [`Error::ItemTooLarge`](crate::Error::ItemTooLarge) before sending an
    /// item over 400 KB.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.insert(&User { id: "u1".into() }).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "PutItem")]
    #[doc(alias = "put_item")]
    pub fn insert<'a>(&'a self, item: &'a T) -> Insert<'a, T> {
        Insert::new(self, item)
    }

    /// Deletes the item under `key` and returns it, in one DeleteItem call
    /// (`ReturnValues=ALL_OLD`); `Ok(None)` when there was none.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// if let Some(old) = users.remove("u1").await? {
    ///     println!("removed {}", old.id);
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DeleteItem")]
    #[doc(alias = "delete_item")]
    pub fn remove<Q: crate::key::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> Remove<'_, T> {
        Remove::new(self, crate::key::key_item::<T, _>(key))
    }

    /// Whether an item is stored under `key`. Reads only the key attributes, so a
    /// large item costs no more than a small one to check.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let known = users.contains_key("u1").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetItem")]
    pub fn contains_key<Q: crate::key::KeyLike<T::Key> + ?Sized>(
        &self,
        key: &Q,
    ) -> ContainsKey<'_, T> {
        ContainsKey::new(self, crate::key::key_item::<T, _>(key))
    }

    /// Changes attributes of the item under `key` without reading it: one UpdateItem
    /// built from typed paths. Fails with [`Error::NotFound`](crate::Error::NotFound)
    /// if there is no such item, unless [`Modify::upsert`] is set.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/";
    /// pages.modify(&key).add(Page::fields().views, 1).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "UpdateItem")]
    #[doc(alias = "update_item")]
    pub fn modify<Q: crate::key::KeyLike<T::Key> + ?Sized>(&self, key: &Q) -> Modify<'_, T> {
        Modify::of_key(self, key)
    }

    /// Reads the item under `key`, applies `apply` to it, and writes it back only if
    /// nobody changed it meanwhile (by its version with `#[dynamo(version)]`, otherwise
    /// by every attribute), retrying on conflict. Returns the item as written;
    /// [`Error::NotFound`](crate::Error::NotFound) if there is none.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, Clone)]
    /// # struct Profile { #[dynamo(partition_key)] id: String, bio: String }
    /// # async fn f(profiles: TypedMapping<Profile>) -> dynamap::Result<()> {
    /// let key = "p1";
    /// let profile = profiles.update_with(&key, |p| p.bio.push_str(" (edited)")).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "compute")]
    #[doc(alias = "read_modify_write")]
    pub fn update_with<Q, F>(&self, key: &Q, apply: F) -> UpdateWith<'_, T, F>
    where
        Q: crate::key::KeyLike<T::Key> + ?Sized,
        T: Clone + crate::item::UpdatesInPlace,
        F: FnMut(&mut T) + Send,
    {
        UpdateWith::new(self, crate::key::key_item::<T, _>(key), apply)
    }

    /// Moves the item under `key` to the key `apply` gives it (a key field, or a field
    /// of an entity's primary-key template): the old item deleted and the new one put in
    /// one transaction, the delete conditional on the old item being as read, the put
    /// on the new key being free; see [`MoveItem`]. Returns the item as stored under
    /// its new key.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, Clone)]
    /// # struct User { #[dynamo(partition_key)] handle: String, name: String }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let renamed = users.move_item("ada", |u| u.handle = "ada.l".into()).await?;
    /// assert!(!users.contains_key("ada").await?);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "rename_key")]
    #[doc(alias = "TransactWriteItems")]
    pub fn move_item<Q, F>(&self, key: &Q, apply: F) -> MoveItem<'_, T, F>
    where
        Q: crate::key::KeyLike<T::Key> + ?Sized,
        T: Clone + crate::item::UpdatesInPlace,
        F: FnMut(&mut T) + Send,
    {
        MoveItem::new(self, crate::key::key_item::<T, _>(key), apply)
    }

    /// Stores `item` only if no item has its key; otherwise
    /// [`Error::ConditionFailed`](crate::Error::ConditionFailed). The same as
    /// `insert(item).if_absent(true)`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// users.insert_if_absent(&user).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_if_absent<'a>(&'a self, item: &'a T) -> Insert<'a, T> {
        Insert::new(self, item).if_absent(true)
    }

    /// Creates `item`: fills its `#[dynamo(generate = "..")]` fields that hold no id
    /// (a nil `Uuid`, an empty `String`, `None`) with new ones, stores it only if no
    /// item has its key (as [`insert_if_absent`](Self::insert_if_absent), which also
    /// stamps `created_at`), and returns it as stored: its ids, its write-time stamps,
    /// its version.
    ///
    /// ```no_run
    /// # #[cfg(feature = "uuid")] {
    /// #[derive(dynamap::DynamoItem, Debug)]
    /// struct Ticket {
    ///     #[dynamo(partition_key, generate = "uuid_v7")]
    ///     id: uuid::Uuid,
    ///     title: String,
    /// }
    /// # async fn f(tickets: dynamap::TypedMapping<Ticket>) -> dynamap::Result<()> {
    /// let ticket = tickets.create(Ticket { id: uuid::Uuid::nil(), title: "Printer".into() }).await?;
    /// assert!(!ticket.id.is_nil());
    /// # Ok(()) }
    /// # }
    /// ```
    pub async fn create(&self, mut item: T) -> crate::error::Result<T> {
        item.fill_generated();
        let (_, stored) = Insert::new(self, &item)
            .if_absent(true)
            .send_stored(true)
            .await?;
        match stored {
            Some(stored) => T::from_item(stored),
            None => Ok(item),
        }
    }

    /// Stores `item` only if `condition` holds for what is stored now. The same as
    /// `insert(item).when(condition)`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, plan: String }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into(), plan: "pro".into() };
    /// users.insert_when(&user, User::fields().plan.eq("free")).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_when<'a>(
        &'a self,
        item: &'a T,
        condition: crate::condition::Condition<T>,
    ) -> Insert<'a, T> {
        Insert::new(self, item).when(condition)
    }

    /// Deletes the item under `key` only if `condition` holds, returning it. The same
    /// as `remove(key).when(condition)`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Session { #[dynamo(partition_key)] id: String, expired: bool }
    /// # async fn f(sessions: TypedMapping<Session>) -> dynamap::Result<()> {
    /// let key = "s1";
    /// let gone = sessions.remove_when(&key, Session::fields().expired.eq(true)).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_when<Q: crate::key::KeyLike<T::Key> + ?Sized>(
        &self,
        key: &Q,
        condition: crate::condition::Condition<T>,
    ) -> Remove<'_, T> {
        Remove::new(self, crate::key::key_item::<T, _>(key)).when(condition)
    }

    /// Deletes `item` only if it is stored as read: for a type with a
    /// `#[dynamo(version)]` field, only at the item's version (another writer's change
    /// in between is [`Error::VersionConflict`](crate::Error::VersionConflict), and
    /// nothing is deleted); for other types, the same as `remove(&item.key())`.
    /// Returns the item deleted.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Doc { #[dynamo(partition_key)] id: String, #[dynamo(version)] version: u64 }
    /// # async fn f(docs: dynamap::TypedMapping<Doc>) -> dynamap::Result<()> {
    /// if let Some(doc) = docs.get("d1").await? {
    ///     match docs.remove_item(&doc).await {
    ///         Err(dynamap::Error::VersionConflict { .. }) => println!("changed meanwhile; kept"),
    ///         other => { other?; }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DeleteItem")]
    pub fn remove_item<'a>(&'a self, item: &T) -> Remove<'a, T> {
        Remove::of_item(self, item)
    }
}

impl<T> Clone for TypedMapping<T> {
    fn clone(&self) -> Self {
        TypedMapping {
            handle: self.handle.clone(),
            item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for TypedMapping<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedMapping")
            .field("table", &self.handle.table_name())
            .field("item", &std::any::type_name::<T>())
            .finish()
    }
}

/// Implements `IntoFuture` for an operation builder with an `async fn send(self)`, so
/// that `.await` sends it, as in the AWS SDK.
macro_rules! into_future {
    ($builder:ident, $output:ty) => {
        impl<'a, T: $crate::item::DynamoItem> std::future::IntoFuture for $builder<'a, T> {
            type Output = $crate::error::Result<$output>;
            type IntoFuture = futures::future::BoxFuture<'a, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use into_future;
