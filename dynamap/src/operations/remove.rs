//! DeleteItem, returning what was deleted.

use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};

use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::expr::{all_of, Apply, Node, Rendered, Renderer};
use crate::item::DynamoItem;
use crate::observe::Call;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

/// Deletes one item and returns it; built by [`TypedMapping::remove`], sent by `.await`.
///
/// When an answer is lost and the retry finds no item, the first attempt may have
/// deleted it: the result is then the lost-answer error ([`Error::Connection`] or
/// [`Error::Timeout`]), never `Ok(None)`, which would claim there was nothing to remove.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let key = "u1";
/// let request: dynamap::operations::Remove<'_, User> = users.remove(&key);
/// let answer = request.await?;
/// # Ok(()) }
/// ```
#[must_use = "a Remove does nothing until it is awaited"]
#[doc(alias = "DeleteItem")]
#[doc(alias = "delete_item")]
pub struct Remove<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    key: Result<Item>,
    condition: Option<Node>,
    /// `(attribute, version)` when removing an item only at the version it was read.
    expected_version: Option<(&'static str, u64)>,
}

impl<'a, T: DynamoItem> Remove<'a, T> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>) -> Self {
        Remove {
            mapping,
            key,
            condition: None,
            expected_version: None,
        }
    }

    /// Removes `item` only at its version: the remove of [`TypedMapping::remove_item`].
    pub(crate) fn of_item(mapping: &'a TypedMapping<T>, item: &T) -> Self {
        let mut remove = Remove::new(mapping, T::key_to_item(&item.key()));
        if let (Some(name), Some(version)) = (T::VERSION_ATTRIBUTE, item.version()) {
            remove.condition = Some(super::versioning::version_is(
                crate::path::AttrPath::top_level_name(name),
                version,
            ));
            remove.expected_version = Some((name, version));
        }
        remove
    }

    /// Deletes only if `condition` holds; otherwise [`Error::ConditionFailed`] (with
    /// the item as it is). A missing item has no attributes, so `exists` conditions
    /// fail on it.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Session { #[dynamo(partition_key)] id: String, expired: bool }
    /// # async fn f(sessions: TypedMapping<Session>) -> dynamap::Result<()> {
    /// let key = "s1";
    /// sessions.remove(&key).when(Session::fields().expired.eq(true)).await?;
    /// # Ok(()) }
    /// ```
    pub fn when(mut self, condition: Condition<T>) -> Self {
        let node = condition.into_node();
        self.condition = all_of(self.condition.take().into_iter().chain([node]).collect());
        self
    }

    /// Sends the request; the same as `.await` on the builder.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let old: Option<User> = users.remove("u1").send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<T>> {
        // A condition names today's attributes: it is judged on an item in today's
        // shape, an older one rewritten first (see `shape_guard`).
        let again = match (&self.key, &self.condition) {
            (Ok(key), Some(condition)) if super::shape_guard::current_shape::<T>().is_some() => {
                Some((key.clone(), condition.clone()))
            }
            _ => None,
        };
        let Some((key, condition)) = again else {
            return self.send_once().await;
        };
        let (mapping, expected_version) = (self.mapping, self.expected_version);
        let first = self.send_once();
        super::shape_guard::upgrading(mapping, first, || {
            let again = Remove {
                mapping,
                key: Ok(key.clone()),
                condition: Some(condition.clone()),
                expected_version,
            };
            Some(again.send_once())
        })
        .await
    }

    async fn send_once(self) -> Result<Option<T>> {
        if super::invariants::keeps::<T>() {
            return self.send_with_guards().await;
        }
        let table = self.mapping.table_name();
        let expressions = delete_expressions::<T>(self.condition)?;
        let key = self.key?;
        let client = self.mapping.client();
        // Retried here, not by the SDK: a retry after a lost answer finds the item
        // gone (taken by the first attempt), and must not be reported as "no item".
        let tracked = crate::resilience::send_tracked(client, || {
            let request = client
                .delete_item()
                .table_name(table)
                .set_key(Some(key.clone()))
                .return_values(ReturnValue::AllOld)
                .apply(expressions.clone())
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                );
            let call = Call::new(table, self.mapping.observer()).sdk_retries(false);
            async move { crate::observe::send_classified(request, call).await }
        })
        .await;
        let attributes = match (tracked.result, tracked.lost) {
            (Ok(output), None) => output.attributes,
            (Ok(output), Some(lost)) => match output.attributes {
                Some(item) if !item.is_empty() => Some(item),
                // The first attempt may have taken the item, its answer lost with it.
                _ => return Err(lost),
            },
            (Err(Error::ConditionFailed { item: None, .. }), Some(lost)) => return Err(lost),
            (Err(e), _) => return Err(failure::<T>(e, self.expected_version)),
        };
        removed(attributes)
    }

    /// The remove of a type with unique attributes: one transaction of the delete and
    /// of its values' guards, conditional on the whole item as read, which is what it
    /// returns (see `unique`).
    async fn send_with_guards(self) -> Result<Option<T>> {
        let Remove {
            mapping,
            key,
            condition,
            expected_version,
        } = self;
        let key = key?;
        let step = remove_step::<T>(
            mapping.table_name(),
            key,
            condition,
            super::invariants::Expect::Whole,
        );
        let result = super::invariants::write_one(mapping, step, "DeleteItem").await;
        match result {
            Ok(stored) => removed(stored),
            Err(e) => Err(failure::<T>(e, expected_version)),
        }
    }
}

/// A failed remove as the caller can match it (another entity's item, a version
/// conflict).
fn failure<T: DynamoItem>(e: Error, expected_version: Option<(&'static str, u64)>) -> Error {
    match (
        super::entity_guard::other_entity_or::<T>(e),
        expected_version,
    ) {
        (e @ Error::OtherEntity { .. }, _) => e,
        (e, Some((name, expected))) => super::versioning::version_conflict_or(e, name, expected),
        (e, None) => e,
    }
}

/// A delete of the item `key` as a kept write of a transaction (see `invariants`):
/// its guards and its share of its parents go with it.
pub(crate) fn remove_step<T: DynamoItem>(
    table: &str,
    key: Item,
    condition: Option<Node>,
    expect: super::invariants::Expect,
) -> super::invariants::Step<'static> {
    let (owned_table, owned_key) = (table.to_owned(), key.clone());
    super::invariants::Step {
        kind: super::invariants::Kind::of::<T>(),
        table: table.to_owned(),
        key,
        read: Some(expect),
        plan: Box::new(move |_, expect| {
            let condition = all_of(condition.iter().cloned().chain(expect).collect());
            Ok(super::invariants::Planned {
                action: super::transact_actions::delete(
                    &owned_table,
                    owned_key.clone(),
                    delete_expressions::<T>(condition)?,
                )?,
                new: None,
            })
        }),
        label: format!("Delete on `{table}`"),
    }
}

/// What a remove took: the item, if there was one.
fn removed<T: DynamoItem>(attributes: Option<Item>) -> Result<Option<T>> {
    match attributes {
        Some(item) if !item.is_empty() => T::from_item(item).map(Some),
        _ => Ok(None),
    }
}

/// The expressions of a DeleteItem (its condition, if any, and an entity's guard: it
/// never deletes another entity's item); shared with transactions.
pub(crate) fn delete_expressions<T: DynamoItem>(condition: Option<Node>) -> Result<Rendered> {
    // The caller's condition is judged on today's shape (or on no item).
    let shape = condition
        .as_ref()
        .and_then(|_| super::shape_guard::absent_or_current::<T>());
    let condition = all_of(
        condition
            .into_iter()
            .chain(shape)
            .chain(super::entity_guard::write_guard::<T>())
            .collect(),
    );
    let mut renderer = Renderer::new("DeleteItem");
    renderer.condition(condition.as_ref())?;
    Ok(renderer.finish())
}

super::into_future!(Remove, Option<T>);
