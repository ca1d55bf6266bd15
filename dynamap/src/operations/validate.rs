//! Validators (`#[dynamo(validate = "path")]`) on the writes that change part of an
//! item: a `modify` runs a field's validator on the whole value it sets there. Whole
//! items are checked by `DynamoItem::validate` where they are encoded for writing.

use crate::error::{Error, Result};
use crate::expr::Action;
use crate::item::DynamoItem;
use crate::path::AttrPath;

/// Checks what `actions` write into validated fields: a value set (or the field
/// removed) is decoded and given to the field's validator; any other change to such a
/// field (inside it, or by arithmetic, appending or a set operation) could not be
/// checked, so it is refused.
pub(crate) fn changes<T: DynamoItem>(actions: &[(AttrPath, Action)]) -> Result<()> {
    if T::VALIDATED_FIELDS.is_empty() {
        return Ok(());
    }
    for (path, action) in actions {
        let Some(field) = path
            .top_level()
            .and_then(|name| T::VALIDATED_FIELDS.iter().find(|f| **f == name))
        else {
            continue;
        };
        let whole = path.segments().len() == 1;
        match (whole, action) {
            (true, Action::Set(value) | Action::SetIfAbsent(value)) => {
                T::validate_attribute(field, Some(value))?;
            }
            (true, Action::Remove) => T::validate_attribute(field, None)?,
            _ => {
                return Err(Error::Invalid {
                    item: crate::item::short_type_name::<T>(),
                    field: Some(field),
                    reason: format!(
                        "`{path}` changes part of a validated field, which its validator cannot see: set the whole field"
                    ),
                })
            }
        }
    }
    Ok(())
}
