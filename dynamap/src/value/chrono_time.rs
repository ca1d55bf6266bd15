//! `chrono`'s times: `DateTime<Utc>` and `DateTime<FixedOffset>` as RFC 3339 strings in
//! UTC with nine fraction digits (string order is time order), `NaiveDate` as
//! `YYYY-MM-DD`. A time also reads from epoch seconds (N), the form a
//! `#[dynamo(ttl)]` attribute is stored in.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

use super::timestamp::{self, Parts, EXPECTED_DATE, EXPECTED_TIME};
use super::{DynamoValue, EpochTime, KeyAttribute, ScalarAttribute, ScalarType, TtlValue};
use crate::error::ConversionError;

fn to_text(time: &DateTime<Utc>) -> Result<String, ConversionError> {
    timestamp::format_utc(&Parts {
        year: time.year(),
        month: time.month() as u8,
        day: time.day() as u8,
        hour: time.hour() as u8,
        minute: time.minute() as u8,
        second: time.second() as u8,
        // A leap second (nanosecond ≥ 1e9) is written as the second's last instant.
        nanosecond: time.nanosecond().min(999_999_999),
    })
}

fn from_value(value: AttributeValue) -> Result<DateTime<Utc>, ConversionError> {
    match value {
        AttributeValue::S(s) => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| ConversionError::unexpected(EXPECTED_TIME, &AttributeValue::S(s))),
        AttributeValue::N(n) => {
            // Checked all the way: an epoch number past chrono's range (milliseconds
            // stored where seconds belong, say) is an error, never a panic.
            <std::time::SystemTime as DynamoValue>::from_attribute_value(AttributeValue::N(
                n.clone(),
            ))
            .ok()
            .and_then(|since| since.to_epoch_nanos())
            .and_then(DateTime::<Utc>::from_epoch_nanos)
            .ok_or_else(|| ConversionError::unexpected(EXPECTED_TIME, &AttributeValue::N(n)))
        }
        other => Err(ConversionError::unexpected(EXPECTED_TIME, &other)),
    }
}

/// Whole epoch seconds, rounded up: when DynamoDB's time to live deletes the item.
fn ttl(time: &DateTime<Utc>) -> Result<Option<AttributeValue>, ConversionError> {
    let up = i64::from(time.timestamp_subsec_nanos() > 0);
    let seconds = time.timestamp().checked_add(up).ok_or_else(|| {
        ConversionError::new("a time within epoch seconds' range", time.to_string())
    })?;
    Ok(Some(AttributeValue::N(seconds.to_string())))
}

macro_rules! utc_storage {
    ($ty:ty, $from_utc:expr) => {
        impl DynamoValue for $ty {
            type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

            const EXPECTED: &'static str = EXPECTED_TIME;

            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
                Ok(Some(AttributeValue::S(to_text(&self.with_timezone(&Utc))?)))
            }

            #[inline]
            fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
                super::parse_or_owned(text, |t| match t {
                    super::ScalarText::S(s) => DateTime::parse_from_rfc3339(s)
                        .ok()
                        .map(|t| $from_utc(t.with_timezone(&Utc))),
                    super::ScalarText::N(_) => None,
                })
            }

            fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
                from_value(value).map($from_utc)
            }

            fn __time_to_live(&self) -> Option<Result<Option<AttributeValue>, ConversionError>> {
                Some(self.to_ttl_attribute())
            }
        }

        impl ScalarAttribute for $ty {
            const SCALAR_TYPE: ScalarType = ScalarType::String;
        }

        impl KeyAttribute for $ty {}

        impl crate::path::ListElement for $ty {}

        impl TtlValue for $ty {
            fn to_ttl_attribute(&self) -> Result<Option<AttributeValue>, ConversionError> {
                ttl(&self.with_timezone(&Utc))
            }
        }
    };
}

utc_storage!(DateTime<Utc>, |t| t);
// Stored in UTC so that order is time order; the instant is kept exactly, the offset is
// not (it reads back as +00:00).
utc_storage!(DateTime<FixedOffset>, |t: DateTime<Utc>| t.fixed_offset());

impl DynamoValue for NaiveDate {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED_DATE;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let text = timestamp::format_date(self.year(), self.month() as u8, self.day() as u8)?;
        Ok(Some(AttributeValue::S(text)))
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::S(s) => timestamp::parse_date(&s)
                .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m.into(), d.into()))
                .ok_or_else(|| ConversionError::unexpected(EXPECTED_DATE, &AttributeValue::S(s))),
            other => Err(ConversionError::unexpected(EXPECTED_DATE, &other)),
        }
    }
}

impl ScalarAttribute for NaiveDate {
    const SCALAR_TYPE: ScalarType = ScalarType::String;
}

impl KeyAttribute for NaiveDate {}

impl crate::path::ListElement for NaiveDate {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn s(value: Option<AttributeValue>) -> String {
        value.unwrap().as_s().unwrap().clone()
    }

    #[test]
    fn times_are_fixed_width_utc_and_read_back_exactly() {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap()
            + chrono::Duration::nanoseconds(120);
        assert_eq!(
            s(t.to_attribute_value().unwrap()),
            "2024-05-01T09:30:00.000000120Z"
        );
        assert_eq!(
            DateTime::<Utc>::from_attribute_value(t.to_attribute_value().unwrap().unwrap())
                .unwrap(),
            t
        );
        let offset = t.with_timezone(&FixedOffset::east_opt(2 * 3600).unwrap());
        assert_eq!(
            s(offset.to_attribute_value().unwrap()),
            "2024-05-01T09:30:00.000000120Z"
        );
        let back = DateTime::<FixedOffset>::from_attribute_value(
            offset.to_attribute_value().unwrap().unwrap(),
        )
        .unwrap();
        assert_eq!(back, offset, "the same instant");
        let old = Utc.with_ymd_and_hms(1901, 12, 13, 20, 45, 52).unwrap();
        assert!(s(old.to_attribute_value().unwrap()) < s(t.to_attribute_value().unwrap()));
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert!(far.to_attribute_value().is_err());
        // Other RFC 3339 forms, and epoch seconds, read too.
        let read =
            |text: &str| DateTime::<Utc>::from_attribute_value(AttributeValue::S(text.into()));
        assert_eq!(
            read("2024-05-01T11:30:00+02:00").unwrap(),
            Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap()
        );
        assert!(read("yesterday").is_err());
        assert_eq!(
            DateTime::<Utc>::from_attribute_value(AttributeValue::N("10.5".into())).unwrap(),
            Utc.timestamp_opt(10, 500_000_000).unwrap()
        );
    }

    #[test]
    fn ttl_is_whole_seconds_rounded_up() {
        let t = Utc.timestamp_opt(10, 1).unwrap();
        assert_eq!(
            t.to_ttl_attribute().unwrap(),
            Some(AttributeValue::N("11".into()))
        );
        let before = Utc.timestamp_opt(-10, 500_000_000).unwrap();
        assert_eq!(
            before.to_ttl_attribute().unwrap(),
            Some(AttributeValue::N("-9".into()))
        );
    }

    #[test]
    fn dates_are_iso() {
        let d = NaiveDate::from_ymd_opt(987, 6, 5).unwrap();
        assert_eq!(s(d.to_attribute_value().unwrap()), "0987-06-05");
        assert_eq!(
            NaiveDate::from_attribute_value(AttributeValue::S("0987-06-05".into())).unwrap(),
            d
        );
        assert!(NaiveDate::from_attribute_value(AttributeValue::S("2023-02-29".into())).is_err());
    }
}
