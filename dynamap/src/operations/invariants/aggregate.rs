//! Counts and sums a child entity keeps on its parent: what a write of a child changes
//! in each parent, from the child as stored before and as written, sent as an update of
//! the parent in the child's own transaction.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use crate::entity_def::Aggregate;
use crate::error::{ConversionError, Error, Result};
use crate::expr::{Action, Renderer};
use crate::item::DynamoItem;
use crate::path::AttrPath;
use crate::sdk_item::Item;

/// One parent's change: its key and what to add to the aggregate.
#[derive(Debug, Clone)]
pub(crate) struct ParentChange {
    pub aggregate: &'static Aggregate,
    pub key: Item,
    pub delta: i128,
}

/// The parent key and the amount one image of a child adds to `aggregate`; `None` when
/// the image lacks a field of the parent's key (it has no parent).
fn share<T: DynamoItem>(
    aggregate: &'static Aggregate,
    image: &Item,
) -> Result<Option<(Item, i128)>> {
    let mut fields = Item::new();
    for (parent_field, child) in aggregate.key {
        match image.get(*child) {
            None | Some(AttributeValue::Null(_)) => return Ok(None),
            Some(value) => {
                fields.insert((*parent_field).to_owned(), value.clone());
            }
        }
    }
    let parent = aggregate.parent;
    let value = |i: usize| {
        let name = parent.segments.get(i).map_or("?", |s| s.name);
        fields.get(name).ok_or_else(|| {
            Error::Conversion(
                ConversionError::missing("a field of the parent's key").in_attribute(name),
            )
        })
    };
    let mut key = Item::new();
    let mut names = T::KEY_SCHEMA.names();
    let partition = parent.primary.partition.render(parent, None, value)?;
    key.insert(
        names.next().unwrap_or_default().to_owned(),
        AttributeValue::S(partition),
    );
    if let (Some(sort), Some(name)) = (&parent.primary.sort, names.next()) {
        key.insert(
            name.to_owned(),
            AttributeValue::S(sort.render(parent, None, value)?),
        );
    }
    let amount = match aggregate.of {
        None => 1,
        Some(of) => match image.get(of) {
            None | Some(AttributeValue::Null(_)) => 0,
            Some(AttributeValue::N(n)) => {
                whole(n).map_err(|e| Error::Conversion(e.in_attribute(of)))?
            }
            Some(other) => {
                return Err(Error::Conversion(
                    ConversionError::unexpected("a whole number (a summed field)", other)
                        .in_attribute(of),
                ))
            }
        },
    };
    Ok(Some((key, amount)))
}

/// A stored whole number, in any notation.
pub(crate) fn whole(text: &str) -> Result<i128, ConversionError> {
    let fail = || ConversionError::new("a whole number", format!("number {text}"));
    let (negative, digits, exponent) = crate::value::canonical_number(text).ok_or_else(fail)?;
    if digits.is_empty() {
        return Ok(0);
    }
    let exponent = u32::try_from(exponent).map_err(|_| fail())?;
    let magnitude = digits.parse::<i128>().map_err(|_| fail())?;
    let magnitude = 10i128
        .checked_pow(exponent)
        .and_then(|scale| magnitude.checked_mul(scale))
        .ok_or_else(fail)?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// What a child's write changes in its parents: the old image's share taken away, the
/// new one's added (one change per parent and aggregate; none where they cancel out).
pub(crate) fn changes<T: DynamoItem>(
    old: Option<&Item>,
    new: Option<&Item>,
) -> Result<Vec<ParentChange>> {
    let mut out: Vec<ParentChange> = Vec::new();
    for aggregate in T::AGGREGATES {
        let shares = [
            (
                old.map(|o| share::<T>(aggregate, o)).transpose()?.flatten(),
                -1,
            ),
            (
                new.map(|n| share::<T>(aggregate, n)).transpose()?.flatten(),
                1,
            ),
        ];
        for (share, sign) in shares {
            let Some((key, amount)) = share else { continue };
            match out
                .iter_mut()
                .find(|c| std::ptr::eq(c.aggregate, aggregate) && c.key == key)
            {
                Some(change) => change.delta += sign * amount,
                None => out.push(ParentChange {
                    aggregate,
                    key,
                    delta: sign * amount,
                }),
            }
        }
    }
    out.retain(|c| c.delta != 0);
    // Two aggregates on one parent: one update of it (a transaction acts on an item once).
    Ok(out)
}

/// The parents' updates: each adds its changes to its attributes (bumping the parent's
/// version), only if the parent exists as the parent entity.
pub(crate) fn updates(
    table: &str,
    changes: &[ParentChange],
) -> Result<Vec<(Item, TransactWriteItem)>> {
    let mut by_parent: Vec<(Item, Vec<&ParentChange>)> = Vec::new();
    for change in changes {
        match by_parent.iter_mut().find(|(key, _)| *key == change.key) {
            Some((_, list)) => list.push(change),
            None => by_parent.push((change.key.clone(), vec![change])),
        }
    }
    let mut out = Vec::new();
    for (key, list) in by_parent {
        let Some(first) = list.first() else { continue };
        let parent = first.aggregate.parent;
        let actions = list
            .iter()
            .map(|c| {
                (
                    AttrPath::top_level_name(c.aggregate.attribute),
                    Action::Add(AttributeValue::N(c.delta.to_string())),
                )
            })
            .collect();
        let version = first.aggregate.parent_version.map(AttrPath::top_level_name);
        let mut renderer = Renderer::new("TransactWriteItems");
        renderer
            .update(actions, version.as_ref())?
            .condition(Some(&super::super::entity_guard::own_entity(parent)))?;
        let action = super::super::transact_actions::update(table, key.clone(), renderer.finish())?;
        out.push((key, action));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::whole;
    use proptest::prelude::any;

    proptest::proptest! {
        /// No stored number text makes the sum's reader panic: a whole number or an error.
        #[test]
        fn any_number_text_reads_or_is_refused(text in "\\PC{0,40}", digits in "-?[0-9]{1,40}(\\.[0-9]{0,10})?([eE][-+]?[0-9]{1,25})?") {
            let _ = whole(&text);
            let _ = whole(&digits);
        }

        /// Integers read back as themselves, in plain and exponent notation.
        #[test]
        fn integers_read_back(n in any::<i64>(), zeros in 0u32..6) {
            proptest::prop_assert_eq!(whole(&n.to_string()).unwrap(), i128::from(n));
            let scaled = i128::from(n) * 10i128.pow(zeros);
            proptest::prop_assert_eq!(whole(&format!("{n}e{zeros}")).unwrap(), scaled);
        }
    }

    #[test]
    fn whole_numbers_read_in_every_notation_and_fractions_are_refused() {
        assert_eq!(whole("42").unwrap(), 42);
        assert_eq!(whole("-4.2e1").unwrap(), -42);
        assert_eq!(whole("1200").unwrap(), 1200);
        assert_eq!(whole("0.00").unwrap(), 0);
        assert!(whole("1.5").is_err());
        assert!(whole("1e60").is_err());
    }
}
