//! The tag and content of a derived tagged enum.

use super::*;

/// Takes the variant name out of a tagged enum's map.
pub fn take_tag(item: &mut Item, tag: &'static str) -> Result<String, ConversionError> {
    match item.remove(tag) {
        Some(AttributeValue::S(name)) => Ok(name),
        Some(other) => {
            Err(ConversionError::unexpected("the name of a variant (S)", &other).in_attribute(tag))
        }
        None => Err(ConversionError::missing("the name of a variant (S)").in_attribute(tag)),
    }
}

/// Takes an adjacently tagged variant's fields (a map under `content`; absent when
/// every field is).
pub fn take_content(item: &mut Item, content: &'static str) -> Result<Item, ConversionError> {
    match item.remove(content) {
        Some(AttributeValue::M(map)) => Ok(map),
        None | Some(AttributeValue::Null(_)) => Ok(Item::new()),
        Some(other) => Err(ConversionError::unexpected(
            "the variant's fields as a map (M)",
            &other,
        )
        .in_attribute(content)),
    }
}

/// A tag naming no variant of the enum, read from the table.
pub fn unknown_variant(known: &'static str, found: &str, tag: &'static str) -> ConversionError {
    ConversionError::new(known, format!("unknown variant {found:?}")).in_attribute(tag)
}
