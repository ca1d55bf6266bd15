//! Times stored as epoch numbers (N), opted into per field with
//! `#[dynamo(epoch_seconds)]` or `#[dynamo(epoch_millis)]`: seconds or milliseconds
//! since 1970-01-01T00:00:00Z, with a decimal fraction when the time has one, so the
//! stored number is exact and sorts as the time does.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;

use super::DynamoValue;
use crate::error::ConversionError;

/// The unit of an epoch number: [`EpochSeconds`] or [`EpochMillis`].
///
/// ```
/// use dynamap::path::{EpochMillis, EpochUnit};
/// assert_eq!(EpochMillis::NANOS, 1_000_000);
/// ```
pub trait EpochUnit {
    /// Nanoseconds in one unit.
    const NANOS: i128;
    /// The unit, for error messages.
    const NAME: &'static str;
}

/// Epoch seconds: `#[dynamo(epoch_seconds)]`.
///
/// ```
/// let _: dynamap::path::EpochSeconds;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EpochSeconds;

/// Epoch milliseconds: `#[dynamo(epoch_millis)]`.
///
/// ```
/// let _: dynamap::path::EpochMillis;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EpochMillis;

impl EpochUnit for EpochSeconds {
    const NANOS: i128 = 1_000_000_000;
    const NAME: &'static str = "epoch seconds (N)";
}

impl EpochUnit for EpochMillis {
    const NANOS: i128 = 1_000_000;
    const NAME: &'static str = "epoch milliseconds (N)";
}

/// A time that can be stored as an epoch number: `SystemTime`, and with their features
/// chrono's `DateTime<Utc>` and `DateTime<FixedOffset>` and time's `OffsetDateTime`
/// (each also in an `Option`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored as an epoch number",
    label = "epoch_seconds and epoch_millis take SystemTime, chrono's DateTime or time's OffsetDateTime",
    note = "store a date without a time as a string (chrono's NaiveDate, time's Date)"
)]
pub trait EpochTime: DynamoValue {
    /// Nanoseconds since the epoch (`None`: absent, for an `Option`).
    #[doc(hidden)]
    fn to_epoch_nanos(&self) -> Option<i128>;
    /// The time `nanos` after the epoch, if the type can hold it.
    #[doc(hidden)]
    fn from_epoch_nanos(nanos: i128) -> Option<Self>;
    /// The value of an absent attribute.
    #[doc(hidden)]
    fn epoch_missing(expected: &'static str) -> Result<Self, ConversionError> {
        Err(ConversionError::missing(expected))
    }
}

/// Encodes a time as its epoch number in `U`.
pub(crate) fn encode<T: EpochTime, U: EpochUnit>(
    time: &T,
) -> Result<Option<AttributeValue>, ConversionError> {
    Ok(time
        .to_epoch_nanos()
        .map(|nanos| AttributeValue::N(text(nanos, U::NANOS))))
}

/// Decodes an epoch number in `U` (absent: `slot` is `None`).
pub(crate) fn decode<T: EpochTime, U: EpochUnit>(
    slot: Option<AttributeValue>,
) -> Result<T, ConversionError> {
    match slot {
        None | Some(AttributeValue::Null(_)) => T::epoch_missing(U::NAME),
        Some(AttributeValue::N(n)) => parse(&n, U::NANOS)
            .and_then(T::from_epoch_nanos)
            .ok_or_else(|| ConversionError::new(U::NAME, format!("number {n}"))),
        Some(other) => Err(ConversionError::unexpected(U::NAME, &other)),
    }
}

/// `nanos` in units of `unit` nanoseconds, exactly: `1732473600.123456789`.
fn text(nanos: i128, unit: i128) -> String {
    let negative = nanos < 0;
    let magnitude = nanos.unsigned_abs();
    let unit = unit.unsigned_abs();
    let (whole, fraction) = (magnitude / unit, magnitude % unit);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&whole.to_string());
    if fraction > 0 {
        let width = unit.to_string().len() - 1;
        let digits = format!("{fraction:0width$}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out
}

/// The nanoseconds an epoch number in units of `unit` nanoseconds stands for; `None`
/// for what is not such a number, or is finer than a nanosecond.
fn parse(text: &str, unit: i128) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let width = unit.to_string().len() - 1;
    if whole.is_empty()
        || fraction.len() > width
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i128 = whole.parse().ok()?;
    let fraction: i128 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<width$}").parse().ok()?
    };
    let nanos = whole.checked_mul(unit)?.checked_add(fraction)?;
    Some(if negative { -nanos } else { nanos })
}

impl EpochTime for SystemTime {
    fn to_epoch_nanos(&self) -> Option<i128> {
        match self.duration_since(UNIX_EPOCH) {
            Ok(after) => Some(after.as_nanos() as i128),
            Err(before) => Some(-(before.duration().as_nanos() as i128)),
        }
    }

    fn from_epoch_nanos(nanos: i128) -> Option<Self> {
        let magnitude = nanos.unsigned_abs();
        let span = Duration::new(
            u64::try_from(magnitude / 1_000_000_000).ok()?,
            u32::try_from(magnitude % 1_000_000_000).ok()?,
        );
        if nanos < 0 {
            UNIX_EPOCH.checked_sub(span)
        } else {
            UNIX_EPOCH.checked_add(span)
        }
    }
}

impl<T: EpochTime> EpochTime for Option<T> {
    fn to_epoch_nanos(&self) -> Option<i128> {
        self.as_ref().and_then(EpochTime::to_epoch_nanos)
    }

    fn from_epoch_nanos(nanos: i128) -> Option<Self> {
        T::from_epoch_nanos(nanos).map(Some)
    }

    fn epoch_missing(_: &'static str) -> Result<Self, ConversionError> {
        Ok(None)
    }
}

#[cfg(feature = "chrono")]
mod chrono_epoch {
    use chrono::{DateTime, FixedOffset, Utc};

    use super::EpochTime;

    fn nanos(time: &DateTime<Utc>) -> i128 {
        i128::from(time.timestamp()) * 1_000_000_000 + i128::from(time.timestamp_subsec_nanos())
    }

    fn utc(nanos: i128) -> Option<DateTime<Utc>> {
        let seconds = i64::try_from(nanos.div_euclid(1_000_000_000)).ok()?;
        let rest = u32::try_from(nanos.rem_euclid(1_000_000_000)).ok()?;
        DateTime::from_timestamp(seconds, rest)
    }

    impl EpochTime for DateTime<Utc> {
        fn to_epoch_nanos(&self) -> Option<i128> {
            Some(nanos(self))
        }

        fn from_epoch_nanos(n: i128) -> Option<Self> {
            utc(n)
        }
    }

    impl EpochTime for DateTime<FixedOffset> {
        fn to_epoch_nanos(&self) -> Option<i128> {
            Some(nanos(&self.to_utc()))
        }

        fn from_epoch_nanos(n: i128) -> Option<Self> {
            utc(n).map(|t| t.fixed_offset())
        }
    }
}

#[cfg(feature = "time")]
impl EpochTime for time::OffsetDateTime {
    fn to_epoch_nanos(&self) -> Option<i128> {
        Some(self.unix_timestamp_nanos())
    }

    fn from_epoch_nanos(nanos: i128) -> Option<Self> {
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_numbers_are_exact_both_ways() {
        for (nanos, seconds, millis) in [
            (0, "0", "0"),
            (1_732_473_600_000_000_000, "1732473600", "1732473600000"),
            (
                1_732_473_600_123_456_789,
                "1732473600.123456789",
                "1732473600123.456789",
            ),
            (1_500_000, "0.0015", "1.5"),
            (-86_400_500_000_000, "-86400.5", "-86400500"),
        ] {
            assert_eq!(text(nanos, EpochSeconds::NANOS), seconds);
            assert_eq!(text(nanos, EpochMillis::NANOS), millis);
            assert_eq!(parse(seconds, EpochSeconds::NANOS), Some(nanos));
            assert_eq!(parse(millis, EpochMillis::NANOS), Some(nanos));
        }
        // Finer than a nanosecond, exponents, junk: not epoch numbers.
        for bad in ["1.0000000001", "1e3", "", "-", "1.2.3", "x"] {
            assert_eq!(parse(bad, EpochSeconds::NANOS), None, "{bad}");
        }
        assert_eq!(parse("1.0000001", EpochMillis::NANOS), None);
    }

    /// Each time type through each unit and back, before and after 1970, with and
    /// without a fraction, alone and in an `Option`.
    fn round_trips<T: EpochTime + PartialEq + std::fmt::Debug + Clone>(
        times: &[T],
        stored_seconds: &[&str],
    ) {
        for (time, seconds) in times.iter().zip(stored_seconds) {
            let stored = encode::<T, EpochSeconds>(time).unwrap().unwrap();
            assert_eq!(stored, AttributeValue::N((*seconds).to_owned()), "{time:?}");
            assert_eq!(&decode::<T, EpochSeconds>(Some(stored)).unwrap(), time);
            let millis = encode::<T, EpochMillis>(time).unwrap();
            assert_eq!(&decode::<T, EpochMillis>(millis).unwrap(), time);
            let some = Some(time.clone());
            let stored = encode::<Option<T>, EpochSeconds>(&some).unwrap();
            assert_eq!(stored, Some(AttributeValue::N((*seconds).to_owned())));
            assert_eq!(decode::<Option<T>, EpochSeconds>(stored).unwrap(), some);
        }
        assert!(
            decode::<T, EpochSeconds>(None).is_err(),
            "absent is an error"
        );
        assert_eq!(decode::<Option<T>, EpochSeconds>(None).unwrap(), None);
        assert!(decode::<T, EpochSeconds>(Some(AttributeValue::S("1".into()))).is_err());
    }

    #[test]
    fn every_time_type_round_trips_in_both_units() {
        let seconds = ["1700000000.5", "-86400.25", "0"];
        round_trips(
            &[
                UNIX_EPOCH + Duration::new(1_700_000_000, 500_000_000),
                UNIX_EPOCH - Duration::new(86_400, 250_000_000),
                UNIX_EPOCH,
            ],
            &seconds,
        );
        #[cfg(feature = "chrono")]
        {
            use chrono::{DateTime, FixedOffset, Utc};
            let utc = [
                DateTime::<Utc>::from_timestamp(1_700_000_000, 500_000_000).unwrap(),
                DateTime::<Utc>::from_timestamp(-86_401, 750_000_000).unwrap(),
                DateTime::<Utc>::from_timestamp(0, 0).unwrap(),
            ];
            round_trips(&utc, &seconds);
            let offset: Vec<DateTime<FixedOffset>> = utc.iter().map(|t| t.fixed_offset()).collect();
            round_trips(&offset, &seconds);
        }
        #[cfg(feature = "time")]
        {
            let t = |nanos: i128| time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
            round_trips(
                &[t(1_700_000_000_500_000_000), t(-86_400_250_000_000), t(0)],
                &seconds,
            );
        }
    }

    #[test]
    fn system_time_goes_through_nanoseconds() {
        let t = UNIX_EPOCH + Duration::new(5, 7);
        let stored = encode::<_, EpochMillis>(&t).unwrap().unwrap();
        assert_eq!(stored, AttributeValue::N("5000.000007".into()));
        assert_eq!(decode::<SystemTime, EpochMillis>(Some(stored)).unwrap(), t);
        assert!(decode::<SystemTime, EpochSeconds>(None).is_err());
        assert_eq!(
            decode::<Option<SystemTime>, EpochSeconds>(None).unwrap(),
            None
        );
        assert_eq!(
            encode::<Option<SystemTime>, EpochSeconds>(&None).unwrap(),
            None
        );
    }
}
