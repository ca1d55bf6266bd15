//! `serde_json::Value` as DynamoDB's own types: objects as maps (M), arrays as lists
//! (L), strings (S), numbers (N), booleans (BOOL) and `null` (NULL). Numbers are exact
//! both ways (the feature turns on serde_json's `arbitrary_precision`): a number
//! DynamoDB cannot hold (over 38 digits) is refused when written, and sets read back as
//! arrays. Binary values, which JSON has no form for, are refused when read.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value as Json;

use super::DynamoValue;
use crate::document::{Number, Value};
use crate::error::ConversionError;

const EXPECTED: &str = "a value JSON can hold (M, L, S, N, BOOL, NULL, or a string or number set)";

fn to_attribute(json: &Json) -> Result<AttributeValue, ConversionError> {
    Ok(match json {
        Json::Null => AttributeValue::Null(true),
        Json::Bool(b) => AttributeValue::Bool(*b),
        Json::Number(n) => AttributeValue::N(n.to_string().parse::<Number>()?.as_str().to_owned()),
        Json::String(s) => AttributeValue::S(s.clone()),
        Json::Array(items) => AttributeValue::L(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_attribute(v).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()?,
        ),
        Json::Object(map) => AttributeValue::M(
            map.iter()
                .map(|(k, v)| {
                    to_attribute(v)
                        .map(|v| (k.clone(), v))
                        .map_err(|e| e.in_attribute(k.clone()))
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}

impl DynamoValue for Json {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        to_attribute(self).map(Some)
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        Value::from_attribute_value(value)?.to_json()
    }
}

impl crate::path::ListElement for Json {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trips_exactly() {
        let value = json!({
            "name": "Ada",
            "tags": ["a", "b"],
            "nested": {"deep": [1, {"x": null}], "flag": true},
            "big": 12345678901234567890123456789012345678u128,
            "tiny": -0.000000000000000000000000000001,
            "empty": {},
            "none": null
        });
        let stored = value.to_attribute_value().unwrap().unwrap();
        let AttributeValue::M(map) = &stored else {
            panic!("{stored:?}")
        };
        assert_eq!(
            map["big"],
            AttributeValue::N("12345678901234567890123456789012345678".into())
        );
        assert_eq!(map["none"], AttributeValue::Null(true));
        assert_eq!(Json::from_attribute_value(stored).unwrap(), value);
    }

    #[test]
    fn what_dynamodb_or_json_cannot_hold_is_refused() {
        let too_long: Json =
            serde_json::from_str("123456789012345678901234567890123456789").unwrap();
        let err = json!({"n": too_long}).to_attribute_value().unwrap_err();
        assert_eq!(err.attribute(), "n");
        assert!(Json::from_attribute_value(AttributeValue::B(vec![1].into())).is_err());
        assert_eq!(
            Json::from_attribute_value(AttributeValue::Ns(vec!["1".into(), "2.5".into()])).unwrap(),
            json!([1, 2.5])
        );
    }
}
