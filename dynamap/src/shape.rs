//! Item shapes: which version of a type stored an item, so that items stored by an
//! older version are read through its upgrade (`#[dynamo(shape(version = 2, from(V1)))]`).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, Result};
use crate::sdk_item::Item;

/// The shape a type stores its items in, and how it reads older ones: declared with
/// `#[dynamo(shape(version = N, from(V1, .., VN_1)))]`. Every whole item written
/// stores `version` in `attribute`; an item stored with an older version (or without
/// the attribute: version 1) is decoded as that version's type and upgraded through
/// `From` one version at a time, on every read path.
///
/// ```
/// use dynamap::{DynamoItem, DynamoValue};
///
/// /// How users were stored before the name was split.
/// #[derive(DynamoValue)]
/// struct UserV1 { id: String, name: String }
///
/// #[derive(DynamoItem, Debug, PartialEq)]
/// #[dynamo(shape(version = 2, from(UserV1)))]
/// struct User { #[dynamo(partition_key)] id: String, first: String, last: String }
///
/// impl From<UserV1> for User {
///     fn from(old: UserV1) -> User {
///         let (first, last) = old.name.split_once(' ').unwrap_or((&old.name, ""));
///         User { id: old.id, first: first.into(), last: last.into() }
///     }
/// }
///
/// let shape = User::SHAPE.unwrap();
/// assert_eq!((shape.attribute, shape.version), ("_shape", 2));
/// assert_eq!(shape.older_attributes(), ["id", "name"]);
///
/// // An item stored before the shape was declared reads as version 1.
/// let old = UserV1 { id: "u1".into(), name: "Ada Lovelace".into() }.to_attribute_value()?;
/// let Some(dynamap::aws_sdk_dynamodb::types::AttributeValue::M(item)) = old else { unreachable!() };
/// let user = User::from_item(item)?;
/// assert_eq!((user.first.as_str(), user.last.as_str()), ("Ada", "Lovelace"));
/// assert_eq!(user.to_item()?["_shape"], dynamap::aws_sdk_dynamodb::types::AttributeValue::N("2".into()));
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ItemShape {
    /// The attribute that holds an item's shape version (`_shape` unless
    /// `shape(attribute = "..")` names another).
    pub attribute: &'static str,
    /// The version the type writes: older ones are listed in `from(..)`, oldest first.
    pub version: u32,
    /// Adds the stored names of every older shape's attributes (what an upgrade that
    /// rewrites the item removes when today's shape no longer has them).
    #[doc(hidden)]
    pub older: fn(&mut Vec<&'static str>),
    /// The type's name, for errors.
    #[doc(hidden)]
    pub type_name: &'static str,
}

impl ItemShape {
    /// The stored names of the older shapes' attributes, each once, in declaration order.
    ///
    /// ```
    /// #[derive(dynamap::DynamoItem)]
    /// #[dynamo(shape(version = 1))]
    /// struct Note { #[dynamo(partition_key)] id: String }
    /// use dynamap::DynamoItem;
    /// assert!(Note::SHAPE.unwrap().older_attributes().is_empty());
    /// ```
    pub fn older_attributes(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        (self.older)(&mut names);
        let mut seen = Vec::with_capacity(names.len());
        for name in names {
            if !seen.contains(&name) {
                seen.push(name);
            }
        }
        seen
    }

    /// The stored version as an attribute value.
    pub(crate) fn current_value(&self) -> AttributeValue {
        AttributeValue::N(self.version.to_string())
    }

    /// Whether `stored` was written by an older shape than this one (an item without
    /// the attribute is version 1). An unreadable or newer version is not older.
    pub(crate) fn is_older(&self, stored: &Item) -> bool {
        matches!(stored_version(stored, self), Ok(v) if v < self.version)
    }
}

/// The shape version `item` was stored with: its attribute's number, 1 when absent;
/// a version this type does not know (newer than it, 0, or not a whole number) is an
/// error, never a guess.
pub(crate) fn stored_version(item: &Item, shape: &ItemShape) -> Result<u32> {
    let Some(value) = item.get(shape.attribute) else {
        return Ok(1);
    };
    let number = match value {
        AttributeValue::N(text) => text.parse::<u32>().ok().filter(|v| *v >= 1),
        _ => None,
    };
    match number {
        Some(v) if v <= shape.version => Ok(v),
        Some(v) => Err(Error::NewerShape {
            item: shape.type_name,
            stored: v,
            known: shape.version,
        }),
        None => Err(crate::error::ConversionError::new(
            "a shape version (a whole number from 1)",
            crate::error::describe_value(value),
        )
        .in_attribute(shape.attribute)
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(version: u32) -> ItemShape {
        ItemShape {
            attribute: "_shape",
            version,
            older: |out| out.extend(["id", "name", "id", "plan", "name"]),
            type_name: "Profile",
        }
    }

    fn stored(value: Option<AttributeValue>) -> Item {
        value
            .map(|v| Item::from([("_shape".to_owned(), v)]))
            .unwrap_or_default()
    }

    fn n(text: &str) -> Option<AttributeValue> {
        Some(AttributeValue::N(text.to_owned()))
    }

    #[test]
    fn an_item_without_the_attribute_is_version_one() {
        assert_eq!(stored_version(&stored(None), &shape(3)).unwrap(), 1);
        assert!(shape(3).is_older(&stored(None)));
        assert!(!shape(1).is_older(&stored(None)));
    }

    #[test]
    fn each_known_version_reads_as_itself_and_the_current_one_is_not_older() {
        for v in 1..=3 {
            let item = stored(n(&v.to_string()));
            assert_eq!(stored_version(&item, &shape(3)).unwrap(), v);
            assert_eq!(shape(3).is_older(&item), v < 3);
        }
    }

    #[test]
    fn a_newer_version_is_newer_shape() {
        match stored_version(&stored(n("4")), &shape(3)) {
            Err(Error::NewerShape {
                item,
                stored,
                known,
            }) => assert_eq!((item, stored, known), ("Profile", 4, 3)),
            other => panic!("{other:?}"),
        }
        assert!(!shape(3).is_older(&stored(n("4"))));
    }

    #[test]
    fn what_is_no_version_is_a_conversion_error_at_the_attribute() {
        let bad = [
            n("0"),
            n("-1"),
            n("2.5"),
            n("1e0"),
            n("4294967296"),
            Some(AttributeValue::S("2".into())),
            Some(AttributeValue::Null(true)),
        ];
        for value in bad {
            match stored_version(&stored(value.clone()), &shape(3)) {
                Err(Error::Conversion(e)) => assert_eq!(e.attribute(), "_shape", "{value:?}"),
                other => panic!("{value:?}: {other:?}"),
            }
            assert!(!shape(3).is_older(&stored(value)));
        }
    }

    #[test]
    fn older_attributes_are_listed_once_in_order() {
        assert_eq!(shape(3).older_attributes(), ["id", "name", "plan"]);
        assert_eq!(shape(3).current_value(), AttributeValue::N("3".into()));
    }
}
