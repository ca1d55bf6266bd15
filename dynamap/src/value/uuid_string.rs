//! `uuid::Uuid` as a string (S), lowercase and hyphenated: the form most systems
//! print, and one form only, so a key written here is found by any client.

use aws_sdk_dynamodb::types::AttributeValue;
use uuid::Uuid;

use super::{DynamoValue, KeyAttribute, ScalarAttribute, ScalarType};
use crate::error::ConversionError;

impl DynamoValue for Uuid {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str =
        "a UUID string (S), such as 67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let mut buffer = Uuid::encode_buffer();
        let text = self.hyphenated().encode_lower(&mut buffer);
        Ok(Some(AttributeValue::S((*text).to_owned())))
    }

    #[inline]
    fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
        super::parse_or_owned(text, |t| match t {
            super::ScalarText::S(s) => Uuid::try_parse(s).ok(),
            super::ScalarText::N(_) => None,
        })
    }

    #[inline]
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::S(s) => Uuid::try_parse(&s)
                .map_err(|_| ConversionError::unexpected(Self::EXPECTED, &AttributeValue::S(s))),
            other => Err(ConversionError::unexpected(Self::EXPECTED, &other)),
        }
    }
}

impl ScalarAttribute for Uuid {
    const SCALAR_TYPE: ScalarType = ScalarType::String;
}

impl KeyAttribute for Uuid {}

impl crate::path::ListElement for Uuid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_lowercase_hyphenated_and_read_back() {
        let id = Uuid::from_u128(0x67E5_5044_10B1_426F_9247_BB68_0E5F_E0C8);
        let stored = id.to_attribute_value().unwrap().unwrap();
        assert_eq!(
            stored,
            AttributeValue::S("67e55044-10b1-426f-9247-bb680e5fe0c8".into())
        );
        assert_eq!(Uuid::from_attribute_value(stored).unwrap(), id);
        let err = Uuid::from_attribute_value(AttributeValue::S("not-a-uuid".into())).unwrap_err();
        assert!(err.to_string().contains("UUID"), "{err}");
        assert!(Uuid::from_attribute_value(AttributeValue::N("1".into())).is_err());
    }
}
