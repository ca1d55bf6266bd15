//! Strings, booleans and bytes.

use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_types::Blob;

use super::{DynamoValue, KeyAttribute, ScalarAttribute, ScalarType};
use crate::error::ConversionError;

impl DynamoValue for String {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = "a string (S)";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(AttributeValue::S(self.clone())))
    }

    #[inline]
    fn __into_attribute_value(self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(AttributeValue::S(self)))
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::S(s) => Ok(s),
            other => Err(ConversionError::unexpected(Self::EXPECTED, &other)),
        }
    }
}

impl ScalarAttribute for String {
    const SCALAR_TYPE: ScalarType = ScalarType::String;
}

impl KeyAttribute for String {}

impl DynamoValue for bool {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = "a boolean (BOOL)";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(AttributeValue::Bool(*self)))
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::Bool(b) => Ok(b),
            other => Err(ConversionError::unexpected(Self::EXPECTED, &other)),
        }
    }
}

/// `Vec<u8>` is a binary scalar (its `DynamoValue` comes from `u8`'s vector encoding).
impl ScalarAttribute for Vec<u8> {
    const SCALAR_TYPE: ScalarType = ScalarType::Binary;
}

impl KeyAttribute for Vec<u8> {}

impl DynamoValue for bytes::Bytes {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = "binary (B)";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(AttributeValue::B(Blob::new(self.to_vec()))))
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::B(blob) => Ok(bytes::Bytes::from(blob.into_inner())),
            other => Err(ConversionError::unexpected(Self::EXPECTED, &other)),
        }
    }
}

impl ScalarAttribute for bytes::Bytes {
    const SCALAR_TYPE: ScalarType = ScalarType::Binary;
}

impl KeyAttribute for bytes::Bytes {}

impl DynamoValue for Blob {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = "binary (B)";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(AttributeValue::B(self.clone())))
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::B(blob) => Ok(blob),
            other => Err(ConversionError::unexpected(Self::EXPECTED, &other)),
        }
    }
}

impl ScalarAttribute for Blob {
    const SCALAR_TYPE: ScalarType = ScalarType::Binary;
}

impl KeyAttribute for Blob {}
