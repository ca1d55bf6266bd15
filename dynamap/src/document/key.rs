//! Keys of untyped tables, checked against the key schema read from DynamoDB.

use aws_sdk_dynamodb::types::AttributeValue;

use std::borrow::Cow;

use crate::key::{check_key_value, KeyLike, KeyRole};

use super::{Number, Value};
use crate::error::Error;
use crate::sdk_item::Item;
use crate::value::ScalarType;

/// A key for a [`Mapping`](crate::Mapping): one value for a table with a partition key
/// only, a pair for a table with a sort key too.
///
/// ```
/// use dynamap::document::DocumentKey;
/// let simple: DocumentKey = "user-1".into();
/// let composite: DocumentKey = ("alice", 7).into();
/// assert!(matches!(composite, DocumentKey::Composite(_, _)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentKey {
    /// A partition key.
    Simple(Value),
    /// A partition key and a sort key.
    Composite(Value, Value),
}

impl<V: Into<Value>> From<V> for DocumentKey {
    fn from(value: V) -> Self {
        DocumentKey::Simple(value.into())
    }
}

impl<A: Into<Value>, B: Into<Value>> From<(A, B)> for DocumentKey {
    fn from((partition, sort): (A, B)) -> Self {
        DocumentKey::Composite(partition.into(), sort.into())
    }
}

/// A document key names itself, so `get(&key)` takes it by reference as a typed
/// mapping's `get` takes its key.
impl KeyLike<DocumentKey> for DocumentKey {
    #[inline]
    fn to_key(&self) -> Cow<'_, DocumentKey> {
        Cow::Borrowed(self)
    }
}

/// One value names the item of a table with a partition key only: `get("u1")`,
/// `get(&7)`.
impl<Q: DocumentKeyPart + ?Sized> KeyLike<DocumentKey> for Q {
    #[inline]
    fn to_key(&self) -> Cow<'_, DocumentKey> {
        Cow::Owned(DocumentKey::Simple(self.to_part().into_owned()))
    }
}

/// A pair names the item of a table with a sort key too: `get(&("alice", 7))`.
impl<A: DocumentKeyPart, B: DocumentKeyPart> KeyLike<DocumentKey> for (A, B) {
    #[inline]
    fn to_key(&self) -> Cow<'_, DocumentKey> {
        Cow::Owned(DocumentKey::Composite(
            self.0.to_part().into_owned(),
            self.1.to_part().into_owned(),
        ))
    }
}

/// One value of a [`DocumentKey`], as a [`Mapping`](crate::Mapping)'s `get` takes it:
/// a string, an integer or bytes, owned or borrowed, or a [`Value`].
///
/// ```
/// use dynamap::document::{DocumentKeyPart, Value};
/// assert_eq!(*"alice".to_part(), Value::S("alice".into()));
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be a value of an untyped table's key",
    label = "give a string, an integer or bytes"
)]
pub trait DocumentKeyPart {
    /// The value, borrowed when it already is one.
    fn to_part(&self) -> Cow<'_, Value>;
}

impl DocumentKeyPart for Value {
    #[inline]
    fn to_part(&self) -> Cow<'_, Value> {
        Cow::Borrowed(self)
    }
}

/// The key values an untyped table takes: strings, integers and bytes, owned or
/// borrowed.
macro_rules! document_key_part {
    ($($t:ty),*) => {$(
        impl DocumentKeyPart for $t {
            #[inline]
            fn to_part(&self) -> Cow<'_, Value> {
                Cow::Owned(Value::from(self.to_owned()))
            }
        }
    )*};
}

document_key_part!(
    str,
    &str,
    String,
    Number,
    Vec<u8>,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64
);

impl DocumentKeyPart for [u8] {
    #[inline]
    fn to_part(&self) -> Cow<'_, Value> {
        Cow::Owned(Value::from(self.to_vec()))
    }
}

/// One key attribute of a table, as DescribeTable reports it.
///
/// ```
/// let pk = dynamap::document::TableKey { name: "id".into(), scalar_type: dynamap::value::ScalarType::String };
/// assert_eq!(pk.name, "id");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableKey {
    /// The attribute name.
    pub name: String,
    /// S, N or B.
    pub scalar_type: ScalarType,
}

fn type_of(value: &Value) -> Option<ScalarType> {
    match value {
        Value::S(_) => Some(ScalarType::String),
        Value::N(_) => Some(ScalarType::Number),
        Value::B(_) => Some(ScalarType::Binary),
        _ => None,
    }
}

fn type_name(kind: ScalarType) -> &'static str {
    match kind {
        ScalarType::String => "a string",
        ScalarType::Number => "a number",
        ScalarType::Binary => "binary",
    }
}

/// Checks one key value against its attribute: its type here, DynamoDB's rules in the
/// key module.
pub(super) fn key_value(
    key: &TableKey,
    value: &Value,
    role: KeyRole,
) -> Result<AttributeValue, Error> {
    let encoded = value.to_attribute_value();
    if type_of(value) != Some(key.scalar_type) {
        return Err(Error::Key(format!(
            "key attribute `{}` is {}, not {}",
            key.name,
            type_name(key.scalar_type),
            crate::error::describe_value(&encoded)
        )));
    }
    check_key_value(&key.name, &encoded, Some(role))?;
    Ok(encoded)
}

impl DocumentKey {
    /// The key as an item, checked against the table's key schema.
    pub(super) fn to_item(
        &self,
        partition: &TableKey,
        sort: Option<&TableKey>,
    ) -> Result<Item, Error> {
        match (self, sort) {
            (DocumentKey::Simple(pk), None) => Ok([(
                partition.name.clone(),
                key_value(partition, pk, KeyRole::Partition)?,
            )]
            .into()),
            (DocumentKey::Composite(pk, sk), Some(sort)) => Ok([
                (
                    partition.name.clone(),
                    key_value(partition, pk, KeyRole::Partition)?,
                ),
                (sort.name.clone(), key_value(sort, sk, KeyRole::Sort)?),
            ]
            .into()),
            (DocumentKey::Simple(_), Some(sort)) => Err(Error::Key(format!(
                "the table's key is (`{}`, `{}`): give a (partition, sort) pair",
                partition.name, sort.name
            ))),
            (DocumentKey::Composite(_, _), None) => Err(Error::Key(format!(
                "the table's key is `{}` alone: give one value, not a pair",
                partition.name
            ))),
        }
    }
}
