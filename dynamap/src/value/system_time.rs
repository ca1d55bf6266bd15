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

    fn __time_to_live(&self) -> Option<Result<Option<AttributeValue>, ConversionError>> {
        Some(self.to_ttl_attribute())
    }
}

impl ScalarAttribute for SystemTime {
    const SCALAR_TYPE: ScalarType = ScalarType::Number;
}

impl crate::path::ListElement for SystemTime {}

/// A field type usable as `#[dynamo(ttl)]`: what DynamoDB's time to live reads.
///
/// The TTL attribute is stored as whole epoch seconds, a `SystemTime` rounded **up**
/// (an item never expires before its time; DynamoDB documents TTL in seconds, and
/// some emulators never expire a number with a fraction). It reads back as those
/// whole seconds.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use dynamap::value::TtlValue;
/// let at = UNIX_EPOCH + Duration::from_millis(10_001);
/// let stored = at.to_ttl_attribute().unwrap().unwrap();
/// assert_eq!(stored.as_n().unwrap(), "11");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a time-to-live attribute",
    label = "#[dynamo(ttl)] needs a SystemTime, a chrono or time UTC date-time, or an integer of epoch seconds (optionally in an Option)",
    note = "DynamoDB expires an item once the number in its TTL attribute, in epoch seconds, is past"
)]
pub trait TtlValue: DynamoValue {
    /// The attribute stored for the TTL field (`None`: no attribute).
    fn to_ttl_attribute(&self) -> Result<Option<AttributeValue>, ConversionError> {
        self.to_attribute_value()
    }
}

impl TtlValue for SystemTime {
    fn to_ttl_attribute(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let whole = match self.duration_since(UNIX_EPOCH) {
            Ok(after) => {
                let up = u64::from(after.subsec_nanos() > 0);
                after
                    .as_secs()
                    .checked_add(up)
                    .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
            }
            // Before 1970: dropping the fraction moves toward 1970, which is up.
            Err(before) => UNIX_EPOCH.checked_sub(Duration::from_secs(before.duration().as_secs())),
        };
        match whole {
            Some(time) => time.to_attribute_value(),
            None => Err(ConversionError::new(EXPECTED, format!("{self:?}"))),
        }
    }
}
impl TtlValue for i64 {}
impl TtlValue for u64 {}
impl TtlValue for i32 {}
impl TtlValue for u32 {}
impl<T: TtlValue> TtlValue for Option<T> {
    fn to_ttl_attribute(&self) -> Result<Option<AttributeValue>, ConversionError> {
        match self {
            Some(value) => value.to_ttl_attribute(),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_is_whole_seconds_rounded_up() {
        let n = |t: SystemTime| {
            t.to_ttl_attribute()
                .unwrap()
                .unwrap()
                .as_n()
                .unwrap()
                .clone()
        };
        assert_eq!(n(UNIX_EPOCH + Duration::new(10, 0)), "10");
        assert_eq!(n(UNIX_EPOCH + Duration::new(10, 1)), "11");
        assert_eq!(n(UNIX_EPOCH + Duration::new(10, 999_999_999)), "11");
        assert_eq!(n(UNIX_EPOCH - Duration::new(10, 500_000_000)), "-10");
        assert_eq!(
            Some(UNIX_EPOCH + Duration::new(3, 5))
                .to_ttl_attribute()
                .unwrap(),
            Some(AttributeValue::N("4".into()))
        );
        assert_eq!(None::<SystemTime>.to_ttl_attribute().unwrap(), None);
        assert_eq!(
            7_u64.to_ttl_attribute().unwrap(),
            Some(AttributeValue::N("7".into()))
        );
    }

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
