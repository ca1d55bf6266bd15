//! PutItem, optionally conditional, with optimistic locking for versioned types.

use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;

use super::stored::partition_key_path;
use super::versioning::{store_next_version, stored_version, version_conflict_or, version_is};
use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::expr::{all_of, Apply, Node, Rendered, Renderer};
use crate::item::DynamoItem;
use crate::observe::Call;
use crate::operations::TypedMapping;
use crate::path::AttrPath;
use crate::size::check_item_size;

use super::write_token::{self, WriteToken};

/// Stores one item; built by [`TypedMapping::insert`], sent by `.await`.
///
/// For a type with a `#[dynamo(version)]` field, the write succeeds only if the stored
/// version is the item's (for version 0: no item, or one stored without a version or at
/// 0), and stores the version plus one, which it returns (`None` for a type without a
/// version); a lost race is [`Error::VersionConflict`]. Keep the returned version in
/// your value to write it again.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, name: String, #[dynamo(version)] version: u64 }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let mut user = User { id: "u1".into(), name: "Ada".into(), version: 0 };
/// user.version = users.insert(&user).await?.unwrap_or_default(); // stored at 1
/// user.name = "Ada L.".into();
/// user.version = users.insert(&user).await?.unwrap_or_default(); // 1 -> 2
/// # Ok(()) }
/// ```
#[must_use = "an Insert does nothing until it is awaited"]
#[doc(alias = "PutItem")]
#[doc(alias = "put_item")]
pub struct Insert<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    item: &'a T,
    condition: Option<Node>,
    if_absent: bool,
}

impl<'a, T: DynamoItem> Insert<'a, T> {
    pub(super) fn new(mapping: &'a TypedMapping<T>, item: &'a T) -> Self {
        Insert {
            mapping,
            item,
            condition: None,
            if_absent: false,
        }
    }

    /// Writes only if no item has this key (`attribute_not_exists` on the key);
    /// otherwise [`Error::ConditionFailed`].
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// users.insert(&user).if_absent(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn if_absent(mut self, on: bool) -> Self {
        self.if_absent = on;
        self
    }

    /// Writes only if `condition` holds for the item stored now (a missing item has
    /// no attributes); otherwise [`Error::ConditionFailed`].
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, plan: String }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into(), plan: "pro".into() };
    /// users.insert(&user).when(User::fields().plan.ne("enterprise")).await?;
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
    /// users.insert(&User { id: "u1".into() }).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<u64>> {
        self.send_stored(false).await.map(|(version, _)| version)
    }

    /// Sends the put; returns the version it stored and, when `keep`, the item as
    /// stored (a plain put moves the item into its request otherwise: no copy).
    pub(crate) async fn send_stored(
        self,
        keep: bool,
    ) -> Result<(Option<u64>, Option<crate::sdk_item::Item>)> {
        // A condition names today's attributes: it is judged on an item in today's
        // shape, an older one rewritten first (see `shape_guard`).
        if self.condition.is_none() || super::shape_guard::current_shape::<T>().is_none() {
            return self.send_stored_once(keep).await;
        }
        let (mapping, item, if_absent) = (self.mapping, self.item, self.if_absent);
        let condition = self.condition.clone();
        let first = self.send_stored_once(keep);
        super::shape_guard::upgrading(mapping, first, || {
            let again = Insert {
                mapping,
                item,
                condition: condition.clone(),
                if_absent,
            };
            Some(again.send_stored_once(keep))
        })
        .await
    }

    async fn send_stored_once(
        self,
        keep: bool,
    ) -> Result<(Option<u64>, Option<crate::sdk_item::Item>)> {
        if super::invariants::keeps::<T>() {
            return self.send_with_guards(keep).await;
        }
        let mapping = self.mapping;
        let PutRequest {
            item,
            expressions,
            expected_version,
            token,
        } = put_request(
            self.item,
            self.condition,
            self.if_absent,
            mapping.stamp_time(),
            Marked::Yes,
        )?;
        let table = mapping.table_name();
        // A put names no key of its own: its span gets the item's key when asked for.
        let key = match mapping.observer().record_keys {
            true => Some(T::key_to_item(&self.item.key())?),
            false => None,
        };
        let mut call = Call::new(table, mapping.observer());
        call.key = key.as_ref();
        let put = |item: crate::sdk_item::Item| {
            mapping
                .client()
                .put_item()
                .table_name(table)
                .set_item(Some(item))
                .apply(expressions.clone())
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
        };
        let kept = keep.then(|| item.clone());
        let result = if let Some(token) = token {
            // A conditional put retried after a lost answer can fail on its own first
            // success: retry here, and recognise our write by its token.
            let tracked = crate::resilience::send_tracked(mapping.client(), || {
                let request = put(item.clone());
                async move {
                    crate::observe::send(request, call.sdk_retries(false))
                        .await
                        .map(|_| ())
                        .map_err(|e| Error::from_sdk("PutItem", table, e))
                }
            })
            .await;
            match (tracked.result, tracked.lost) {
                (
                    Err(Error::ConditionFailed {
                        item: Some(stored), ..
                    }),
                    Some(_),
                ) if token.is_on(&stored) => Ok(()),
                (Err(e @ Error::ConditionFailed { .. }), Some(lost)) => {
                    // Not ours now: ours never landed only if the stored version is the
                    // one ours would have written (one write per version can land).
                    match (&e, expected_version) {
                        (
                            Error::ConditionFailed {
                                item: Some(stored), ..
                            },
                            Some((name, v)),
                        ) if stored_version(stored, name) == Some(v.saturating_add(1)) => Err(e),
                        _ => return Err(lost),
                    }
                }
                (result, _) => result,
            }
        } else {
            // Putting the same item twice leaves the same state (the entity guard holds
            // again after our own put): the SDK may retry.
            crate::observe::send(put(item), call)
                .await
                .map(|_| ())
                .map_err(|e| Error::from_sdk("PutItem", table, e))
        };
        Ok((outcome::<T>(result, expected_version)?, kept))
    }

    /// The insert of a type with unique attributes: one transaction of the put and its
    /// guards' moves (see `unique`). Over a stored item, its old values' guards go.
    async fn send_with_guards(
        self,
        keep: bool,
    ) -> Result<(Option<u64>, Option<crate::sdk_item::Item>)> {
        let mapping = self.mapping;
        let key = T::key_to_item(&self.item.key())?;
        let parts = put_parts(
            self.item,
            self.condition,
            self.if_absent,
            mapping.stamp_time(),
        )?;
        let expected_version = parts.expected_version;
        let stored = keep.then(|| parts.item.clone());
        let step = parts.into_step::<T>(mapping.table_name(), key, self.if_absent);
        let result = super::invariants::write_one(mapping, step, "PutItem").await;
        Ok((outcome::<T>(result.map(|_| ()), expected_version)?, stored))
    }
}

/// An insert's answer: the version it stored, or its failure as the caller can match
/// it (another entity's item, a version conflict).
fn outcome<T: DynamoItem>(
    result: Result<()>,
    expected_version: Option<(&'static str, u64)>,
) -> Result<Option<u64>> {
    let result = result.map_err(super::entity_guard::other_entity_or::<T>);
    match (result, expected_version) {
        (Ok(()), expected) => Ok(expected.map(|(_, version)| version.saturating_add(1))),
        (Err(e @ Error::OtherEntity { .. }), _) => Err(e),
        (Err(e), Some((name, expected))) => Err(version_conflict_or(e, name, expected)),
        (Err(e), None) => Err(e),
    }
}

/// The PutItem of `item` as DynamoDB will receive it, for `insert` and transactions:
/// the item with its next version, and the condition (`condition`, no item under the
/// key if `if_absent`, the version read).
pub(crate) fn put_request<T: DynamoItem>(
    item: &T,
    condition: Option<Node>,
    if_absent: bool,
    now: std::time::SystemTime,
    marked: Marked,
) -> Result<PutRequest> {
    let mut parts = put_parts(item, condition, if_absent, now)?;
    // The caller's conditions may fail on this very write when a lost answer is
    // retried (the entity guard cannot: it holds again after our own put): such a put
    // is retried by dynamap and marked, to be recognised.
    let token = match marked {
        Marked::Yes if !parts.conditions.is_empty() => {
            let token = WriteToken::new();
            parts
                .item
                .insert(write_token::ATTRIBUTE.to_owned(), token.value());
            check_item_size(&parts.item)?;
            Some(token)
        }
        _ => None,
    };
    let expressions = parts.render::<T>(None)?;
    Ok(PutRequest {
        item: parts.item,
        expressions,
        expected_version: parts.expected_version,
        token,
    })
}

/// A put before its condition is rendered: the item as stored (validated, stamped, at
/// its next version, within the size limit) and the caller's conditions (`condition`,
/// `if_absent`, the version read). A transaction that keeps guards or parents adds its
/// own condition when it sends.
pub(crate) fn put_parts<T: DynamoItem>(
    item: &T,
    condition: Option<Node>,
    if_absent: bool,
    now: std::time::SystemTime,
) -> Result<PutParts> {
    item.validate()?;
    let mut attributes = item.to_item()?;
    T::stamps(now)?.apply_to(&mut attributes, if_absent);
    let mut conditions: Vec<Node> = condition.into_iter().collect();
    if !conditions.is_empty() {
        // The caller's condition is judged on today's shape (or on no item).
        conditions.extend(super::shape_guard::absent_or_current::<T>());
    }
    if if_absent {
        conditions.push(Node::NotExists(partition_key_path::<T>()));
    }
    let expected_version = match (T::VERSION_ATTRIBUTE, item.version()) {
        (Some(name), Some(current)) => {
            conditions.push(version_is(AttrPath::top_level_name(name), current));
            store_next_version::<T>(&mut attributes, name, current)?;
            Some((name, current))
        }
        _ => None,
    };
    check_item_size(&attributes)?;
    Ok(PutParts {
        item: attributes,
        conditions,
        expected_version,
    })
}

/// A put's item and the caller's conditions (see [`put_parts`]).
pub(crate) struct PutParts {
    pub item: crate::sdk_item::Item,
    conditions: Vec<Node>,
    /// `(attribute, version the write is based on)` for versioned items.
    pub expected_version: Option<(&'static str, u64)>,
}

impl PutParts {
    /// The put's condition: the caller's, `more`, and an entity's guard.
    pub(crate) fn render<T: DynamoItem>(&self, more: Option<Node>) -> Result<Rendered> {
        let conditions = self
            .conditions
            .iter()
            .cloned()
            .chain(more)
            .chain(super::entity_guard::write_guard::<T>())
            .collect();
        let mut renderer = Renderer::new("PutItem");
        renderer.condition(all_of(conditions).as_ref())?;
        Ok(renderer.finish())
    }

    /// The put as a kept write of a transaction (see `invariants`): read first unless
    /// it is `if_absent` (then nothing can be there).
    pub(crate) fn into_step<T: DynamoItem>(
        self,
        table: &str,
        key: crate::sdk_item::Item,
        if_absent: bool,
    ) -> super::invariants::Step<'static> {
        let owned_table = table.to_owned();
        super::invariants::Step {
            kind: super::invariants::Kind::of::<T>(),
            table: table.to_owned(),
            key,
            read: (!if_absent).then_some(super::invariants::Expect::Unique),
            plan: Box::new(move |_, expect| {
                let expressions = self.render::<T>(expect)?;
                Ok(super::invariants::Planned {
                    new: Some(self.item.clone()),
                    action: super::transact_actions::put(
                        &owned_table,
                        self.item.clone(),
                        expressions,
                    )?,
                })
            }),
            label: format!("Put on `{table}`"),
        }
    }
}

/// Whether a conditional put carries a [`WriteToken`]: `insert` retries its own
/// conditional puts and needs it; a transaction is made idempotent by its request token.
pub(crate) enum Marked {
    Yes,
    No,
}

/// A PutItem ready to send.
pub(crate) struct PutRequest {
    pub item: crate::sdk_item::Item,
    pub expressions: Rendered,
    /// `(attribute, version the write is based on)` for versioned items.
    pub expected_version: Option<(&'static str, u64)>,
    /// The put's token when the caller's conditions apply (not only the entity
    /// guard) and it was asked for.
    pub token: Option<WriteToken>,
}

super::into_future!(Insert, Option<u64>);
