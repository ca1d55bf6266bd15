//! The `time` crate's types, stored as `chrono`'s are: `OffsetDateTime` as an RFC 3339
//! string in UTC with nine fraction digits, `PrimitiveDateTime` the same without a zone,
//! `Date` as `YYYY-MM-DD`. An `OffsetDateTime` also reads from epoch seconds (N), the
//! form of a `#[dynamo(ttl)]` attribute.

use aws_sdk_dynamodb::types::AttributeValue;
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::timestamp::{self, Parts, EXPECTED_DATE, EXPECTED_LOCAL, EXPECTED_TIME};
use super::{DynamoValue, EpochTime, KeyAttribute, ScalarAttribute, ScalarType, TtlValue};
use crate::error::ConversionError;

fn parts(date: Date, time: Time) -> Parts {
    Parts {
        year: date.year(),
        month: u8::from(date.month()),
        day: date.day(),
        hour: time.hour(),
        minute: time.minute(),
        second: time.second(),
        nanosecond: time.nanosecond(),
    }
}

fn from_parts(p: &Parts) -> Option<PrimitiveDateTime> {
    let date = Date::from_calendar_date(p.year, Month::try_from(p.month).ok()?, p.day).ok()?;
    let time = Time::from_hms_nano(p.hour, p.minute, p.second, p.nanosecond).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

impl DynamoValue for OffsetDateTime {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED_TIME;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        // Checked: a time near the edge of `time`'s range may have no UTC form
        // (9999-12-31 23:00 -02:00 is year 10000 in UTC).
        let utc = self.checked_to_offset(UtcOffset::UTC).ok_or_else(|| {
            ConversionError::new(
                "a time whose UTC form is within year 9999",
                self.to_string(),
            )
        })?;
        let text = timestamp::format_utc(&parts(utc.date(), utc.time()))?;
        Ok(Some(AttributeValue::S(text)))
    }

    #[inline]
    fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
        super::parse_or_owned(text, |t| match t {
            super::ScalarText::S(s) => OffsetDateTime::parse(s, &Rfc3339)
                .ok()
                .and_then(|t| t.checked_to_offset(UtcOffset::UTC)),
            super::ScalarText::N(_) => None,
        })
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            // Checked both ways: a stored time whose UTC form is past year 9999, or an
            // epoch number past `time`'s range (milliseconds where seconds belong), is
            // an error, never a panic.
            AttributeValue::S(s) => OffsetDateTime::parse(&s, &Rfc3339)
                .ok()
                .and_then(|t| t.checked_to_offset(UtcOffset::UTC))
                .ok_or_else(|| ConversionError::unexpected(EXPECTED_TIME, &AttributeValue::S(s))),
            AttributeValue::N(n) => <std::time::SystemTime as DynamoValue>::from_attribute_value(
                AttributeValue::N(n.clone()),
            )
            .ok()
            .and_then(|since| since.to_epoch_nanos())
            .and_then(OffsetDateTime::from_epoch_nanos)
            .ok_or_else(|| ConversionError::unexpected(EXPECTED_TIME, &AttributeValue::N(n))),
            other => Err(ConversionError::unexpected(EXPECTED_TIME, &other)),
        }
    }

    fn __time_to_live(&self) -> Option<Result<Option<AttributeValue>, ConversionError>> {
        Some(self.to_ttl_attribute())
    }
}

impl TtlValue for OffsetDateTime {
    fn to_ttl_attribute(&self) -> Result<Option<AttributeValue>, ConversionError> {
        // Whole epoch seconds, rounded up: when DynamoDB's time to live deletes the item.
        let time = self;
        let up = i64::from(time.nanosecond() > 0);
        let seconds = time.unix_timestamp().checked_add(up).ok_or_else(|| {
            ConversionError::new("a time within epoch seconds' range", time.to_string())
        })?;
        Ok(Some(AttributeValue::N(seconds.to_string())))
    }
}

impl DynamoValue for PrimitiveDateTime {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED_LOCAL;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let text = timestamp::format_local(&parts(self.date(), self.time()))?;
        Ok(Some(AttributeValue::S(text)))
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::S(s) => timestamp::parse_local(&s)
                .and_then(|p| from_parts(&p))
                .ok_or_else(|| ConversionError::unexpected(EXPECTED_LOCAL, &AttributeValue::S(s))),
            other => Err(ConversionError::unexpected(EXPECTED_LOCAL, &other)),
        }
    }
}

impl DynamoValue for Date {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED_DATE;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let text = timestamp::format_date(self.year(), u8::from(self.month()), self.day())?;
        Ok(Some(AttributeValue::S(text)))
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::S(s) => timestamp::parse_date(&s)
                .and_then(|(y, m, d)| Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok())
                .ok_or_else(|| ConversionError::unexpected(EXPECTED_DATE, &AttributeValue::S(s))),
            other => Err(ConversionError::unexpected(EXPECTED_DATE, &other)),
        }
    }
}

macro_rules! string_scalar {
    ($($ty:ty),*) => {$(
        impl ScalarAttribute for $ty {
            const SCALAR_TYPE: ScalarType = ScalarType::String;
        }

        impl KeyAttribute for $ty {}

        impl crate::path::ListElement for $ty {}
    )*};
}

string_scalar!(OffsetDateTime, PrimitiveDateTime, Date);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn s(value: Option<AttributeValue>) -> String {
        value.unwrap().as_s().unwrap().clone()
    }

    #[test]
    fn stored_as_chrono_stores_them() {
        let t = datetime!(2024-05-01 11:30:00.000000120 +02:00);
        assert_eq!(
            s(t.to_attribute_value().unwrap()),
            "2024-05-01T09:30:00.000000120Z"
        );
        let back =
            OffsetDateTime::from_attribute_value(t.to_attribute_value().unwrap().unwrap()).unwrap();
        assert_eq!(back, t);
        let local = datetime!(1969-07-20 20:17:40.5);
        assert_eq!(
            s(local.to_attribute_value().unwrap()),
            "1969-07-20T20:17:40.500000000"
        );
        assert_eq!(
            PrimitiveDateTime::from_attribute_value(local.to_attribute_value().unwrap().unwrap())
                .unwrap(),
            local
        );
        let date = local.date();
        assert_eq!(s(date.to_attribute_value().unwrap()), "1969-07-20");
        assert_eq!(
            Date::from_attribute_value(date.to_attribute_value().unwrap().unwrap()).unwrap(),
            date
        );
        assert!(Date::from_attribute_value(AttributeValue::S("2023-02-29".into())).is_err());
        assert_eq!(
            t.to_ttl_attribute().unwrap(),
            Some(AttributeValue::N((t.unix_timestamp() + 1).to_string()))
        );
    }
}
