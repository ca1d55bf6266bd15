//! `SystemTime` as epoch seconds (`N`): the form DynamoDB's TTL reads.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;

use super::{DynamoValue, ScalarAttribute, ScalarType};
use crate::error::ConversionError;

const EXPECTED: &str = "epoch seconds (N) within SystemTime's range";

/// Stored as seconds since 1970-01-01T00:00:00Z, with the fraction (to the nanosecond)
/// when there is one, so nothing is rounded.
impl DynamoValue for SystemTime {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let (negative, span) = match self.duration_since(UNIX_EPOCH) {
            Ok(after) => (false, after),
            Err(before) => (true, before.duration()),
        };
        let mut text = String::new();
        if negative && span > Duration::ZERO {
            text.push('-');
        }
        text.push_str(itoa::Buffer::new().format(span.as_secs()));
        if span.subsec_nanos() > 0 {
            let fraction = format!("{:09}", span.subsec_nanos());
            text.push('.');
            text.push_str(fraction.trim_end_matches('0'));
        }
        Ok(Some(AttributeValue::N(text)))
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        let text = match value {
            AttributeValue::N(n) => n,
            other => return Err(ConversionError::unexpected(EXPECTED, &other)),
        };
        let invalid = || ConversionError::new(EXPECTED, format!("number {text}"));
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (seconds, fraction) = body.split_once('.').unwrap_or((body, ""));
        if fraction.len() > 9 || !fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid());
        }
        let seconds: u64 = seconds.parse().map_err(|_| invalid())?;
        let nanos: u32 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<9}").parse().map_err(|_| invalid())?
        };
        let span = Duration::new(seconds, nanos);
        let time = if negative {
            UNIX_EPOCH.checked_sub(span)
        } else {
            UNIX_EPOCH.checked_add(span)
        };
        time.ok_or_else(invalid)
    }
}

impl ScalarAttribute for SystemTime {
    const SCALAR_TYPE: ScalarType = ScalarType::Number;
}

impl crate::path::ListElement for SystemTime {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_round_trip_exactly() {
        for time in [
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::new(1_732_473_600, 0),
            UNIX_EPOCH + Duration::new(1_732_473_600, 120_000_000),
            UNIX_EPOCH + Duration::new(5, 1),
            UNIX_EPOCH - Duration::new(86_400, 500_000_000),
        ] {
            let stored = time.to_attribute_value().unwrap().unwrap();
            assert_eq!(SystemTime::from_attribute_value(stored).unwrap(), time);
        }
        let stored = (UNIX_EPOCH + Duration::new(10, 120_000_000))
            .to_attribute_value()
            .unwrap();
        assert_eq!(stored, Some(AttributeValue::N("10.12".into())));
        assert!(SystemTime::from_attribute_value(AttributeValue::N("1e3".into())).is_err());
        assert!(
            SystemTime::from_attribute_value(AttributeValue::N("1.0000000001".into())).is_err()
        );
    }
}
