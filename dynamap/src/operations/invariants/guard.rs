//! Guard items: the item that holds one value of a unique attribute for its owner.
//!
//! A guard's key is `_unique#[Entity#]attribute#per..#value` in every key attribute
//! of the table (which must be strings), so a value has exactly one guard and guards
//! never share a partition with an item of the type. It stores the owner's key under
//! [`OWNER`], which scans of the type filter on.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use base64::Engine;

use crate::error::{ConversionError, Result};
use crate::expr::{Cmp, Node, Renderer};
use crate::item::{DynamoItem, UniqueAttribute};
use crate::path::{AttrPath, PathStep};
use crate::sdk_item::Item;

/// The attribute of a guard item that holds its owner's key (a map of the owner's key
/// attributes). Items of the type never have it.
pub(crate) const OWNER: &str = "_unique_owner";

const PREFIX: &str = "_unique#";

/// The guard of one value of one unique attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Guard {
    pub unique: &'static UniqueAttribute,
    /// The text of every key attribute of the guard.
    pub text: String,
    /// Its key: the text in each key attribute of the table.
    pub key: Item,
    /// The table's partition key attribute.
    partition: &'static str,
}

impl Guard {
    /// The guard of `unique`'s value in `image` (a stored or written item of `T`);
    /// `None` when the image holds no value (absent or null) or lacks a `per` attribute.
    pub(crate) fn of<T: DynamoItem>(
        unique: &'static UniqueAttribute,
        image: &Item,
    ) -> Result<Option<Guard>, ConversionError> {
        let mut text = String::from(PREFIX);
        if let Some(entity) = T::ENTITY {
            text.push_str(entity.name);
            text.push('#');
        }
        text.push_str(unique.attribute);
        for name in unique.per.iter().chain([&unique.attribute]) {
            match image.get(*name) {
                None | Some(AttributeValue::Null(_)) => return Ok(None),
                Some(value) => {
                    text.push('#');
                    push_value(&mut text, value).map_err(|e| e.in_attribute(*name))?;
                }
            }
        }
        let key = T::KEY_SCHEMA
            .names()
            .map(|name| (name.to_owned(), AttributeValue::S(text.clone())))
            .collect();
        Ok(Some(Guard {
            unique,
            text,
            key,
            partition: T::KEY_SCHEMA.partition_key.name,
        }))
    }

    /// Writes the guard for `owner` (an item's key), unless another item holds it.
    pub(crate) fn put(&self, table: &str, owner: &Item) -> Result<TransactWriteItem> {
        let mut item = self.key.clone();
        item.insert(OWNER.to_owned(), AttributeValue::M(owner.clone()));
        let mut renderer = Renderer::new("TransactWriteItems");
        renderer.condition(Some(&free_or_owned_by(self.partition, owner)))?;
        super::super::transact_actions::put(table, item, renderer.finish())
    }

    /// Deletes the guard if `owner` holds it (or it is already gone).
    pub(crate) fn delete(&self, table: &str, owner: &Item) -> Result<TransactWriteItem> {
        let mut renderer = Renderer::new("TransactWriteItems");
        renderer.condition(Some(&free_or_owned_by(self.partition, owner)))?;
        super::super::transact_actions::delete(table, self.key.clone(), renderer.finish())
    }
}

/// Whether a key attribute's text is a guard's (the prefix is reserved).
pub(crate) fn is_guard_text(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// Whether a key attribute's value is a guard's: a change record of a guard names no
/// other attribute (a `KEYS_ONLY` stream).
pub(crate) fn is_guard_key(value: &AttributeValue) -> bool {
    matches!(value, AttributeValue::S(text) if is_guard_text(text))
}

/// The key of the item a guard (as stored) names as its owner.
pub(crate) fn owner_of(guard: &Item) -> Item {
    match guard.get(OWNER) {
        Some(AttributeValue::M(owner)) => owner.clone(),
        _ => Item::new(),
    }
}

/// No guard under the key, or one `owner` holds.
fn free_or_owned_by(partition: &'static str, owner: &Item) -> Node {
    let partition = AttrPath::top_level_name(partition);
    let mut owned = Vec::with_capacity(owner.len());
    let mut names: Vec<&String> = owner.keys().collect();
    names.sort();
    for name in names {
        let path = AttrPath::from(vec![
            PathStep::Name(OWNER.into()),
            PathStep::Name(name.clone().into()),
        ]);
        owned.push(Node::Compare(path, Cmp::Eq, owner[name].clone()));
    }
    match crate::expr::all_of(owned) {
        Some(owned) => Node::Or(vec![Node::NotExists(partition), owned]),
        None => Node::NotExists(partition),
    }
}

/// Appends a scalar value's text: strings with `\` and `#` escaped (so the segments
/// of a guard's key cannot run into each other), numbers in one canonical form for
/// every notation, binaries in base64.
fn push_value(out: &mut String, value: &AttributeValue) -> Result<(), ConversionError> {
    match value {
        AttributeValue::S(s) => {
            for c in s.chars() {
                if matches!(c, '\\' | '#') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        AttributeValue::N(n) => {
            let (negative, digits, exponent) = crate::value::canonical_number(n)
                .ok_or_else(|| ConversionError::new("a number", format!("number {n}")))?;
            if negative {
                out.push('-');
            }
            if digits.is_empty() {
                out.push('0');
            } else {
                out.push_str(&digits);
                if exponent != 0 {
                    out.push('e');
                    out.push_str(itoa::Buffer::new().format(exponent));
                }
            }
        }
        AttributeValue::B(b) => {
            base64::engine::general_purpose::STANDARD.encode_string(b.as_ref(), out);
        }
        other => {
            return Err(ConversionError::unexpected(
                "a string, number or binary (a unique attribute's value)",
                other,
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: AttributeValue) -> String {
        let mut out = String::new();
        push_value(&mut out, &value).unwrap();
        out
    }

    #[test]
    fn strings_escape_the_separator_so_segments_cannot_run_together() {
        assert_eq!(text(AttributeValue::S("a#b".into())), "a\\#b");
        assert_eq!(text(AttributeValue::S("a\\".into())), "a\\\\");
        assert_ne!(
            text(AttributeValue::S("a#".into())) + "#" + &text(AttributeValue::S("b".into())),
            text(AttributeValue::S("a".into())) + "#" + &text(AttributeValue::S("#b".into())),
        );
    }

    #[test]
    fn every_notation_of_a_number_has_one_text() {
        for n in ["15", "1.50e1", "015", "150e-1"] {
            assert_eq!(text(AttributeValue::N(n.into())), "15", "{n}");
        }
        assert_eq!(text(AttributeValue::N("-2.5".into())), "-25e-1");
        assert_eq!(text(AttributeValue::N("0.00".into())), "0");
        assert_eq!(text(AttributeValue::N("1200".into())), "12e2");
    }

    proptest::proptest! {
        /// No stored number text makes the guard's key panic: it renders or is refused.
        #[test]
        fn any_number_text_renders_or_is_refused(text in "\\PC{0,40}", digits in "-?[0-9]{1,40}(\\.[0-9]{0,10})?([eE][-+]?[0-9]{1,25})?") {
            for n in [text, digits] {
                let mut out = String::new();
                let _ = push_value(&mut out, &AttributeValue::N(n));
            }
        }

        /// Two different strings never render one text, whatever they hold.
        #[test]
        fn string_segments_stay_apart(a in "\\PC{0,12}", b in "\\PC{0,12}", c in "\\PC{0,12}", d in "\\PC{0,12}") {
            let pair = |x: &str, y: &str| {
                text(AttributeValue::S(x.to_owned())) + "#" + &text(AttributeValue::S(y.to_owned()))
            };
            proptest::prop_assert_eq!(pair(&a, &b) == pair(&c, &d), a == c && b == d);
        }
    }

    #[test]
    fn binaries_are_base64_and_other_types_are_refused() {
        let b = AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(vec![0xff, 0]));
        assert_eq!(text(b), "/wA=");
        let mut out = String::new();
        assert!(push_value(&mut out, &AttributeValue::Bool(true)).is_err());
        assert!(push_value(
            &mut out,
            &AttributeValue::N("1e999999999999999999999".into())
        )
        .is_err());
    }
}
