//! Naming an item by its key without building the owned key type: `get("u1")`,
//! `get(&("alice", 7))`, as well as `get(&key)`.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;
use crate::error::{Error, Result};
use crate::item::KeySchema;
use crate::sdk_item::Item;
use crate::value::KeyAttribute;

/// One key attribute given as `A` or a borrowed form of it (`&str` for `String`,
/// `&[u8]` for `Vec<u8>`).
///
/// ```
/// use dynamap::KeyPart;
/// let v = "alice".key_part("customer")?;
/// assert_eq!(v, aws_sdk_dynamodb::types::AttributeValue::S("alice".into()));
/// # Ok::<(), dynamap::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot name a key attribute of type `{A}`",
    label = "expected a `{A}` (or a borrowed form of it) here"
)]
pub trait KeyPart<A> {
    /// The attribute value, refused if empty (DynamoDB keys cannot be).
    fn key_part(&self, name: &'static str) -> Result<AttributeValue, ConversionError>;
}

impl<A: KeyAttribute> KeyPart<A> for A {
    fn key_part(&self, name: &'static str) -> Result<AttributeValue, ConversionError> {
        crate::__private::encode_key(name, self)
    }
}

impl KeyPart<String> for str {
    fn key_part(&self, name: &'static str) -> Result<AttributeValue, ConversionError> {
        crate::__private::encode_key(name, &self.to_owned())
    }
}

impl KeyPart<String> for &str {
    fn key_part(&self, name: &'static str) -> Result<AttributeValue, ConversionError> {
        crate::__private::encode_key(name, &(*self).to_owned())
    }
}

impl KeyPart<Vec<u8>> for [u8] {
    fn key_part(&self, name: &'static str) -> Result<AttributeValue, ConversionError> {
        crate::__private::encode_key(name, &self.to_vec())
    }
}

impl KeyPart<Vec<u8>> for &[u8] {
    fn key_part(&self, name: &'static str) -> Result<AttributeValue, ConversionError> {
        crate::__private::encode_key(name, &self.to_vec())
    }
}

/// A value that names an item of a table whose key is `K`: `K` itself, a borrowed form
/// of a one-attribute key (`"u1"` for `String`), or a pair of parts for a two-attribute
/// key (`("alice", 7)` for `(String, u64)`).
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct Order { #[dynamo(partition_key)] customer: String, #[dynamo(sort_key)] id: u64 }
/// use dynamap::{DynamoItem, KeyLike};
/// let by_parts = ("alice", 7).key_item(&Order::KEY_SCHEMA)?;
/// let owned = ("alice".to_string(), 7u64).key_item(&Order::KEY_SCHEMA)?;
/// assert_eq!(by_parts, owned);
/// # Ok::<(), dynamap::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot name an item whose key is `{K}`",
    label = "give the key (`{K}`), or its parts as borrowed values"
)]
pub trait KeyLike<K: ?Sized> {
    /// The key attributes, as GetItem and DeleteItem take them.
    fn key_item(&self, schema: &KeySchema) -> Result<Item>;
}

impl<K: KeyAttribute, Q: KeyPart<K> + ?Sized> KeyLike<K> for Q {
    fn key_item(&self, schema: &KeySchema) -> Result<Item> {
        let name = schema.partition_key.name;
        Ok(Item::from([(name.to_owned(), self.key_part(name)?)]))
    }
}

impl<A, B, QA: KeyPart<A>, QB: KeyPart<B>> KeyLike<(A, B)> for (QA, QB) {
    fn key_item(&self, schema: &KeySchema) -> Result<Item> {
        let (partition, sort) = (schema.partition_key.name, schema.sort_key.map(|k| k.name));
        let sort = sort.ok_or_else(|| {
            Error::Key(format!(
                "the key schema has no sort key, but a pair was given for `{partition}`"
            ))
        })?;
        Ok(Item::from([
            (partition.to_owned(), self.0.key_part(partition)?),
            (sort.to_owned(), self.1.key_part(sort)?),
        ]))
    }
}
