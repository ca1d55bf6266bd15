//! `Serde<T>`: any serde type where a `DynamoValue` is asked for (a list element, an
//! idempotent handler's result), stored through serde_dynamo as `#[dynamo(serde)]`
//! fields are.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{de::DeserializeOwned, Serialize};

use super::{serde_bridge, DynamoValue};
use crate::error::ConversionError;

/// A serde type stored as a DynamoDB value (through serde_dynamo): what
/// `#[dynamo(serde)]` does for a field, for places that take a [`DynamoValue`], such as
/// the result of an [`Idempotency::run`](crate::idempotency::Idempotency::run).
///
/// ```
/// use dynamap::{value::Serde, DynamoValue};
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Receipt { id: String, cents: u64 }
///
/// let receipt = Serde(Receipt { id: "r1".into(), cents: 1250 });
/// let stored = receipt.to_attribute_value()?.unwrap();
/// assert_eq!(Serde::<Receipt>::from_attribute_value(stored)?, receipt);
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Serde<T>(pub T);

impl<T: Serialize + DeserializeOwned> DynamoValue for Serde<T> {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = "a value serde can deserialize";

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        serde_bridge::to_attribute_value(&self.0)
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        serde_bridge::from_attribute_value(value).map(Serde)
    }

    fn from_missing() -> Result<Self, ConversionError> {
        serde_bridge::from_missing().map(Serde)
    }
}

impl<T: Serialize + DeserializeOwned> crate::path::ListElement for Serde<T> {}
