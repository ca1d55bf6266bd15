//! `#[dynamo(serde)]` fields: any serde type, stored through serde_dynamo.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{de::DeserializeOwned, Serialize};

use crate::error::ConversionError;

const EXPECTED: &str = "a value serde can deserialize";

/// Encodes a field through serde_dynamo.
pub fn to_attribute_value<T: Serialize>(
    value: &T,
) -> Result<Option<AttributeValue>, ConversionError> {
    serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(value)
        .map(Some)
        .map_err(|e| ConversionError::new("a value serde can serialize", e.to_string()))
}

/// Decodes a field through serde_dynamo.
pub fn from_attribute_value<T: DeserializeOwned>(
    value: AttributeValue,
) -> Result<T, ConversionError> {
    let found = crate::error::describe_value(&value);
    serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(value)
        .map_err(|e| ConversionError::new(EXPECTED, format!("{found} ({e})")))
}

/// An absent serde field reads as serde reads `null`: `None` for an `Option`, an
/// error for a required value.
pub fn from_missing<T: DeserializeOwned>() -> Result<T, ConversionError> {
    serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(AttributeValue::Null(true))
        .map_err(|_| ConversionError::missing(EXPECTED))
}
