//! `Value` and `Document`: DynamoDB's data model as plain Rust data, for tables whose
//! shape is not known at compile time.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::Number;
use crate::error::ConversionError;
use crate::sdk_item::Item;

/// One attribute value, of any DynamoDB type.
///
/// ```
/// use dynamap::{document::Document, document::Value};
/// let doc: Document = [("name", Value::from("Ada")), ("age", Value::from(36))].into_iter().collect();
/// assert_eq!(doc["age"], Value::from(36));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `S`
    S(String),
    /// `N`, kept as DynamoDB's exact decimal text.
    N(Number),
    /// `B`
    B(Vec<u8>),
    /// `BOOL`
    Bool(bool),
    /// `NULL`; in [`Mapping::modify`](crate::Mapping::modify), removes the attribute.
    Null,
    /// `L`
    L(Vec<Value>),
    /// `M`
    M(Document),
    /// `SS`
    Ss(Vec<String>),
    /// `NS`
    Ns(Vec<Number>),
    /// `BS`
    Bs(Vec<Vec<u8>>),
}

/// An item (or a map value) with attributes known only at run time.
///
/// Dereferences to a `BTreeMap<String, Value>`.
///
/// ```
/// use dynamap::{document::Document, document::Value};
/// let mut doc = Document::new();
/// doc.insert("id".into(), "u1".into());
/// doc.insert("tags".into(), Value::Ss(vec!["a".into()]));
/// assert_eq!(doc.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document(BTreeMap<String, Value>);

impl Document {
    /// An empty document.
    ///
    /// ```
    /// assert!(dynamap::document::Document::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Document(BTreeMap::new())
    }

    /// Converts an item as the SDK gives it. Fails only on attribute types this SDK
    /// version does not know.
    ///
    /// ```
    /// use aws_sdk_dynamodb::types::AttributeValue;
    /// let item = [("id".to_string(), AttributeValue::S("u1".into()))].into();
    /// let doc = dynamap::document::Document::from_item(item)?;
    /// assert_eq!(doc["id"], "u1".into());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    pub fn from_item(item: Item) -> Result<Self, ConversionError> {
        item.into_iter()
            .map(|(name, value)| match Value::from_attribute_value(value) {
                Ok(v) => Ok((name, v)),
                Err(e) => Err(e.in_attribute(name)),
            })
            .collect()
    }

    /// Converts to an item as the SDK takes it.
    ///
    /// ```
    /// let doc: dynamap::document::Document = [("id", "u1".into())].into_iter().collect();
    /// assert_eq!(doc.to_item().len(), 1);
    /// ```
    pub fn to_item(&self) -> Item {
        self.0
            .iter()
            .map(|(name, value)| (name.clone(), value.to_attribute_value()))
            .collect()
    }

    /// The attributes, owned.
    ///
    /// ```
    /// let doc: dynamap::document::Document = [("a", 1.into())].into_iter().collect();
    /// let map: std::collections::BTreeMap<String, dynamap::document::Value> = doc.into_inner();
    /// ```
    pub fn into_inner(self) -> BTreeMap<String, Value> {
        self.0
    }
}

impl Deref for Document {
    type Target = BTreeMap<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Document {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Document {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        Document(iter.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
}

impl From<BTreeMap<String, Value>> for Document {
    fn from(map: BTreeMap<String, Value>) -> Self {
        Document(map)
    }
}

impl IntoIterator for Document {
    type Item = (String, Value);
    type IntoIter = std::collections::btree_map::IntoIter<String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Value {
    /// Converts an SDK attribute value.
    ///
    /// ```
    /// use aws_sdk_dynamodb::types::AttributeValue;
    /// let v = dynamap::document::Value::from_attribute_value(AttributeValue::N("7".into()))?;
    /// assert_eq!(v, 7.into());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    pub fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        Ok(match value {
            AttributeValue::S(s) => Value::S(s),
            AttributeValue::N(n) => Value::N(Number::from_dynamodb(n)),
            AttributeValue::B(b) => Value::B(b.into_inner()),
            AttributeValue::Bool(b) => Value::Bool(b),
            AttributeValue::Null(_) => Value::Null,
            AttributeValue::L(list) => Value::L(
                list.into_iter()
                    .enumerate()
                    .map(|(i, v)| Value::from_attribute_value(v).map_err(|e| e.at_index(i)))
                    .collect::<Result<_, _>>()?,
            ),
            AttributeValue::M(map) => Value::M(Document::from_item(map)?),
            AttributeValue::Ss(set) => Value::Ss(set),
            AttributeValue::Ns(set) => {
                Value::Ns(set.into_iter().map(Number::from_dynamodb).collect())
            }
            AttributeValue::Bs(set) => Value::Bs(set.into_iter().map(Blob::into_inner).collect()),
            other => {
                return Err(ConversionError::unexpected(
                    "a DynamoDB attribute type",
                    &other,
                ))
            }
        })
    }

    /// Converts to an SDK attribute value.
    ///
    /// ```
    /// use aws_sdk_dynamodb::types::AttributeValue;
    /// assert_eq!(dynamap::document::Value::from(true).to_attribute_value(), AttributeValue::Bool(true));
    /// ```
    pub fn to_attribute_value(&self) -> AttributeValue {
        match self {
            Value::S(s) => AttributeValue::S(s.clone()),
            Value::N(n) => AttributeValue::N(n.as_str().to_owned()),
            Value::B(b) => AttributeValue::B(Blob::new(b.clone())),
            Value::Bool(b) => AttributeValue::Bool(*b),
            Value::Null => AttributeValue::Null(true),
            Value::L(list) => {
                AttributeValue::L(list.iter().map(Value::to_attribute_value).collect())
            }
            Value::M(doc) => AttributeValue::M(doc.to_item()),
            Value::Ss(set) => AttributeValue::Ss(set.clone()),
            Value::Ns(set) => {
                AttributeValue::Ns(set.iter().map(|n| n.as_str().to_owned()).collect())
            }
            Value::Bs(set) => {
                AttributeValue::Bs(set.iter().map(|b| Blob::new(b.clone())).collect())
            }
        }
    }

    /// The string, if this is an `S`.
    ///
    /// ```
    /// assert_eq!(dynamap::document::Value::from("x").as_str(), Some("x"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::S(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is an `N`.
    ///
    /// ```
    /// assert_eq!(dynamap::document::Value::from(5).as_number().and_then(|n| n.as_i64()), Some(5));
    /// ```
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::N(n) => Some(n),
            _ => None,
        }
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Value::N(Number::from(n))
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Any stored value, kept as it is: a typed item's field of no fixed shape (such as an
/// idempotency record's result).
impl crate::value::DynamoValue for Value {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = "a DynamoDB attribute value";

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(Value::to_attribute_value(self)))
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        Value::from_attribute_value(value)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::S(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::S(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Self {
        Value::B(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::N(n)
    }
}

impl From<Document> for Value {
    fn from(doc: Document) -> Self {
        Value::M(doc)
    }
}

impl From<Vec<Value>> for Value {
    fn from(list: Vec<Value>) -> Self {
        Value::L(list)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
