//! One stored item brought to the form its type stores today: what that form is, and
//! the conditional write that gets it there without overwriting another writer. The
//! backfill does it to every item; a write that needs an item in today's shape (an
//! update of an item an older shape stored) does it to that one first.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use crate::error::{Error, Result};
use crate::expr::{all_of, Action, Apply, Node, Renderer};
use crate::item::DynamoItem;
use crate::observe::{Call, RateLimiter};
use crate::operations::TypedMapping;
use crate::path::AttrPath;
use crate::sdk_item::Item;

use super::write_token::ATTRIBUTE as TOKEN;

/// What a stored item needs to be in today's form: attributes to set (new or changed)
/// and attributes to remove (old alias names, index keys today's templates no longer
/// render, an older shape's attributes today's no longer has). Attributes the type
/// does not declare (another client's) are kept.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Difference {
    pub(crate) sets: Vec<(String, AttributeValue)>,
    pub(crate) removes: Vec<String>,
}

impl Difference {
    pub(crate) fn is_empty(&self) -> bool {
        self.sets.is_empty() && self.removes.is_empty()
    }
}

/// How `stored` differs from the form `T` stores it in: decoded (reading alias names,
/// filling defaults, upgrading an older shape) and encoded again (index keys from
/// today's templates, the entity attribute, today's shape version). A stored item that
/// does not decode is an error: it is refused; so is an upgrade that changes the key
/// (an update cannot move an item: that is `move_item`).
pub(crate) fn difference<T: DynamoItem>(stored: &Item) -> Result<Difference> {
    let desired = T::from_item(stored.clone())?.to_item()?;
    if stored_key::<T>(&desired) != stored_key::<T>(stored) {
        return Err(Error::InvalidRequest {
            operation: "UpdateItem",
            problem: format!(
                "reading this item of `{}` in today's shape changes its key: an upgrade keeps the key (move the item with move_item)",
                crate::item::short_type_name::<T>()
            ),
        });
    }
    let mut sets: Vec<(String, AttributeValue)> = desired
        .iter()
        .filter(|(name, value)| stored.get(*name) != Some(value))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    sets.sort_by(|a, b| a.0.cmp(&b.0));
    let index_keys = T::INDEXES
        .iter()
        .flat_map(|i| i.key_attributes())
        .map(|k| k.name);
    let older = T::SHAPE
        .map(|shape| shape.older_attributes())
        .unwrap_or_default();
    let mut removes: Vec<String> = T::ALIASES
        .iter()
        .copied()
        .chain(index_keys)
        .chain(older)
        .filter(|name| stored.contains_key(*name) && !desired.contains_key(*name))
        .map(str::to_owned)
        .collect();
    removes.sort();
    removes.dedup();
    // A unique value (or its scope) or a counted or summed field moves a guard item or
    // a parent's aggregate: an in-place rewrite of this item alone cannot keep them.
    let changed = sets.iter().map(|(name, _)| name).chain(&removes);
    if let Some(kept) = changed
        .into_iter()
        .find(|name| super::invariants::kept_attributes::<T>().any(|k| k == name.as_str()))
    {
        return Err(Error::InvalidRequest {
            operation: "UpdateItem",
            problem: format!(
                "bringing this item of `{}` to today's form changes `{kept}`, whose guard or parent's count a rewrite in place cannot keep: write the item whole with insert",
                crate::item::short_type_name::<T>()
            ),
        });
    }
    Ok(Difference { sets, removes })
}

/// The table key of a stored item (its key attributes, nothing else).
pub(crate) fn stored_key<T: DynamoItem>(stored: &Item) -> Item {
    T::KEY_SCHEMA
        .names()
        .filter_map(|name| stored.get(name).map(|v| (name.to_owned(), v.clone())))
        .collect()
}

/// Rewrites `stored`, an item an older shape of `T` stored, in today's shape, unless
/// another writer changed it since it was read (then the caller's next attempt reads
/// what that writer left). What a write that needs today's shape does first.
pub(crate) async fn upgrade<T: DynamoItem>(mapping: &TypedMapping<T>, stored: &Item) -> Result<()> {
    let difference = difference::<T>(stored)?;
    if difference.is_empty() {
        return Ok(());
    }
    let key = stored_key::<T>(stored);
    rewrite(mapping, &key, stored, difference, None).await?;
    Ok(())
}

/// Rewrites `stored` in today's shape when an older shape of `T` stored it: `true`
/// then (a write that found it may be sent again), `false` for an item in today's
/// shape; a version `T` cannot read (a newer one) is its error.
pub(crate) async fn upgrade_older<T: DynamoItem>(
    mapping: &TypedMapping<T>,
    stored: &Item,
) -> Result<bool> {
    let Some(shape) = T::SHAPE else {
        return Ok(false);
    };
    if crate::shape::stored_version(stored, &shape)? >= shape.version {
        return Ok(false);
    }
    upgrade(mapping, stored).await?;
    Ok(true)
}

/// What a conditional rewrite found.
pub(crate) enum Outcome {
    /// The rewrite landed (its answer, or its token on the item, says so).
    Written,
    /// Another writer changed or removed the item after it was read: read it again.
    Changed,
}

/// Writes `difference` to the item `key`, conditional on the item being as `stored`
/// and, for an entity, of its own entity. The version is not bumped and nothing is stamped: the
/// item means what it meant. A lost answer is told apart by the write's token.
pub(crate) async fn rewrite<T: DynamoItem>(
    mapping: &TypedMapping<T>,
    key: &Item,
    stored: &Item,
    difference: Difference,
    rate: Option<&RateLimiter>,
) -> Result<Outcome> {
    let token = super::WriteToken::new();
    let mut actions: Vec<(AttrPath, Action)> = Vec::new();
    for (name, value) in difference.sets {
        actions.push((AttrPath::from(name), Action::Set(value)));
    }
    for name in difference.removes {
        actions.push((AttrPath::from(name), Action::Remove));
    }
    actions.push((AttrPath::top_level_name(TOKEN), Action::Set(token.value())));
    let mut renderer = Renderer::new("UpdateItem");
    renderer
        .update(actions, None)?
        .condition(as_read::<T>(stored).as_ref())?;
    let rendered = renderer.finish();
    let table = mapping.table_name();
    let client = mapping.client();
    let tracked = crate::resilience::send_tracked(client, || {
        let request = client
            .update_item()
            .table_name(table)
            .set_key(Some(key.clone()))
            .apply(rendered.clone())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let call = Call::new(table, mapping.observer())
            .sdk_retries(false)
            .rate(rate);
        async move {
            crate::observe::send(request, call)
                .await
                .map(|_| ())
                .map_err(|e| Error::from_sdk("UpdateItem", table, e))
        }
    })
    .await;
    match tracked.result {
        Ok(()) => Ok(Outcome::Written),
        Err(Error::ConditionFailed { item, .. }) => {
            // After a lost answer the condition may have failed on our own write.
            let ours = item.as_deref().is_some_and(|found| token.is_on(found));
            Ok(match ours && tracked.lost.is_some() {
                true => Outcome::Written,
                false => Outcome::Changed,
            })
        }
        Err(e) => Err(e),
    }
}

/// The condition that the item is still as read: every attribute (the key's and the
/// write token aside, the version included) with each attribute the type declares and
/// the item lacked still absent, as a kept write expects it whole; and, for an entity,
/// its own entity. Not the version alone: a writer around dynamap may change an
/// attribute without bumping it.
fn as_read<T: DynamoItem>(stored: &Item) -> Option<Node> {
    let whole = super::expectation::<T>(Some(stored), super::Expect::Whole);
    all_of(
        std::iter::once(whole)
            .chain(T::ENTITY.map(super::own_entity))
            .collect(),
    )
}
