//! Typed partial updates: `#[derive(DynamoPatch)]` on an item type makes a struct of
//! its changeable fields, each optional, that a `modify` applies (`.patch(p)`): the
//! body of an HTTP `PATCH`, deserialized and applied in one line.

use super::Modify;
use crate::item::DynamoItem;

/// A partial update of `T`: the fields to set (and, for optional fields, to remove).
/// Derived with `#[derive(DynamoPatch)]`, which names it `{T}Patch`.
///
/// ```
/// use dynamap::prelude::*;
/// use dynamap::operations::Patch;
/// #[derive(DynamoItem, DynamoPatch, Debug)]
/// struct User {
///     #[dynamo(partition_key)]
///     id: String,
///     name: String,
///     nickname: Option<String>,
/// }
/// let patch: UserPatch = serde_json::from_str(r#"{"name": "Ada", "nickname": null}"#)?;
/// assert_eq!(patch.name.as_deref(), Some("Ada"));
/// assert_eq!(patch.nickname, Some(None)); // null removes the attribute
/// assert!(!patch.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Patch<T: DynamoItem> {
    /// Adds the patch's changes to `modify`: `set` for each field given, `remove` for
    /// an optional field given as `null`.
    fn apply<'a, Ret>(self, modify: Modify<'a, T, Ret>) -> Modify<'a, T, Ret>;

    /// Whether the patch changes nothing (every field absent).
    fn is_empty(&self) -> bool;
}

impl<'a, T: DynamoItem, Ret> Modify<'a, T, Ret> {
    /// Applies a [`Patch`]: the fields it gives are set, the optional ones it gives as
    /// `null` removed, in this one UpdateItem (with any other change and condition).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem, DynamoPatch)]
    /// # struct User { #[dynamo(partition_key)] id: String, name: String }
    /// # async fn f(users: TypedMapping<User>, body: UserPatch) -> dynamap::Result<()> {
    /// users.modify("u1").patch(body).await?;
    /// # Ok(()) }
    /// ```
    pub fn patch(self, patch: impl Patch<T>) -> Self {
        patch.apply(self)
    }
}

/// Deserializes a field given in a patch: a value is `Some(Some(v))`, `null` is
/// `Some(None)`; an absent field stays `None` (`#[serde(default)]`).
#[doc(hidden)]
pub fn present_or_null<'de, D, V>(deserializer: D) -> Result<Option<Option<V>>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: serde::Deserialize<'de>,
{
    <Option<V> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
