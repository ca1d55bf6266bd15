//! What a shaped item's derived code calls: its stored version, and the read and
//! upgrade of an older shape.

use crate::item::Projection;
use crate::sdk_item::Item;
use crate::shape::ItemShape;
use aws_sdk_dynamodb::types::AttributeValue;

/// An older shape of an item, listed in `shape(from(..))`: read from stored items.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an older shape",
    label = "an older shape is read from stored items: a struct that derives DynamoValue (or DynamoItem)",
    note = "an item stored by an older version of the type is decoded as that version's struct, then upgraded with `From`"
)]
pub trait OlderShape: Projection {}

impl<T: Projection> OlderShape for T {}

/// The next shape, made from the one before it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be upgraded from `{Old}`",
    label = "implement `From<{Old}> for {Self}`",
    note = "each shape in `from(..)` is upgraded to the next one listed, the last to the type itself"
)]
pub trait UpgradeFrom<Old>: From<Old> {}

impl<Old, T: From<Old>> UpgradeFrom<Old> for T {}

/// The version `item` was stored with (1 without the attribute); an unknown one is an
/// error.
pub fn stored_shape(
    item: &Item,
    attribute: &'static str,
    version: u32,
    type_name: &'static str,
) -> crate::Result<u32> {
    let shape = ItemShape {
        attribute,
        version,
        older: |_| {},
        type_name,
    };
    crate::shape::stored_version(item, &shape)
}

/// The error for a version `stored_version` did not give (kept for the match's last arm).
pub fn unknown_shape(type_name: &'static str, stored: u32, known: u32) -> crate::Error {
    crate::Error::NewerShape {
        item: type_name,
        stored,
        known,
    }
}

/// Reads an item an older shape stored as that shape.
#[inline]
pub fn read_older_shape<T: OlderShape>(item: Item) -> crate::Result<T> {
    T::from_projected(item)
}

/// Upgrades one shape to the next.
#[inline]
pub fn upgrade_shape<Old, New: UpgradeFrom<Old>>(old: Old) -> New {
    New::from(old)
}

/// Adds an older shape's attribute names.
pub fn older_shape_names<T: OlderShape>(out: &mut Vec<&'static str>) {
    T::attribute_names(out);
}

/// Stores the shape's version in a whole item.
#[inline]
pub fn mark_shape(item: &mut Item, attribute: &'static str, version: u32) {
    item.insert(attribute.to_owned(), AttributeValue::N(version.to_string()));
}
