//! `TimeText<T, DIGITS>`: a time stored as RFC 3339 text in UTC with exactly `DIGITS`
//! fraction digits, so that a table shared with another library's service holds one text
//! per instant. JavaScript's `Date.toISOString()` (and so dynamodb-toolbox and ElectroDB)
//! writes 3 digits: [`Millis`]. dynamap's own times write 9: [`Nanos`].
//!
//! The value holds only what its text can say (a finer time is cut to the digits, toward
//! the past, when it is made), so what is read back is what was written, and a key
//! rendered from a value read is the key it was read from.

use std::fmt;
use std::ops::Deref;
use std::time::SystemTime;

use aws_sdk_dynamodb::types::AttributeValue;

use super::timestamp::{self, Parts};
use super::{DynamoValue, EpochTime, KeyAttribute, ScalarAttribute, ScalarType, TtlValue};
use crate::error::ConversionError;

const EXPECTED: &str = "an RFC 3339 time (S) in years 0000 to 9999 with no more fraction digits than its form keeps (or epoch seconds, N)";

/// A time that names one instant and so can be stored as [`TimeText`]: `SystemTime`, and
/// with their features chrono's `DateTime<Utc>` and `DateTime<FixedOffset>` and time's
/// `OffsetDateTime`.
///
/// ```
/// fn storable<T: dynamap::value::PointInTime>() {}
/// storable::<std::time::SystemTime>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored as time text",
    label = "Millis, Micros, Nanos and TimeText take SystemTime, chrono's DateTime or time's OffsetDateTime",
    note = "for a field that may hold no time, put the whole `Millis<..>` in an `Option`"
)]
pub trait PointInTime: EpochTime + Clone {}

impl PointInTime for SystemTime {}
#[cfg(feature = "chrono")]
impl PointInTime for chrono::DateTime<chrono::Utc> {}
#[cfg(feature = "chrono")]
impl PointInTime for chrono::DateTime<chrono::FixedOffset> {}
#[cfg(feature = "time")]
impl PointInTime for time::OffsetDateTime {}

/// A time stored as `2024-05-01T09:30:00.123Z`: RFC 3339 in UTC with exactly `DIGITS`
/// (0 to 9) fraction digits. One fixed width, so string order is time order in keys,
/// `between`s and conditions; usable wherever a time is (key templates and key fields,
/// `created_at`/`updated_at`, `ttl`, conditions, lists). Name it through [`Millis`],
/// [`Micros`] or [`Nanos`].
///
/// The value is cut to its digits (toward the past) when it is made, so it holds exactly
/// what is stored; like a value read, it is held in UTC (a `DateTime<FixedOffset>` or
/// an `OffsetDateTime` keeps its instant, not its offset). A time outside the years the
/// form holds is kept as given, and writing it is an error. Reading accepts any RFC 3339 offset (`Z`, `+00:00`, `+02:00`) and any
/// width whose digits past `DIGITS` are zeros; a stored time finer than the form, or one
/// whose UTC form leaves years 0000 to 9999, is an error, never silently cut (its key
/// could not be rendered back).
///
/// ```
/// use dynamap::value::Millis;
/// use dynamap::DynamoValue;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let placed = Millis::new(UNIX_EPOCH + Duration::from_nanos(1_714_555_800_123_456_789));
/// let stored = placed.to_attribute_value()?.unwrap();
/// assert_eq!(stored.as_s().unwrap(), "2024-05-01T09:30:00.123Z"); // as toISOString() writes it
/// assert_eq!(*placed, UNIX_EPOCH + Duration::from_millis(1_714_555_800_123));
/// assert_eq!(Millis::from_attribute_value(stored)?, placed);
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeText<T: PointInTime, const DIGITS: u32>(T);

/// A time stored with 3 fraction digits, as JavaScript's `Date.toISOString()` writes it
/// (dynamodb-toolbox's and ElectroDB's times and keys).
///
/// ```
/// # #[cfg(feature = "chrono")] {
/// use chrono::{DateTime, Utc};
/// use dynamap::{value::Millis, DynamoItem};
///
/// #[derive(DynamoItem)]
/// struct Order {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(created_at, rename = "_ct")]
///     created: Option<Millis<DateTime<Utc>>>,
///     placed_at: Millis<DateTime<Utc>>,
/// }
/// # }
/// ```
pub type Millis<T> = TimeText<T, 3>;

/// A time stored with 6 fraction digits: Python's `datetime.isoformat(timespec="microseconds")`
/// (written with `Z`, or read from its `+00:00`).
///
/// ```
/// use dynamap::value::Micros;
/// let _: Micros<std::time::SystemTime> = Micros::new(std::time::SystemTime::now());
/// ```
pub type Micros<T> = TimeText<T, 6>;

/// A time stored with 9 fraction digits, the form dynamap gives chrono's and time's times
/// by default; `Nanos<SystemTime>` stores a `SystemTime` so (a bare one is epoch seconds).
///
/// ```
/// use dynamap::value::Nanos;
/// let _: Nanos<std::time::SystemTime> = Nanos::new(std::time::SystemTime::now());
/// ```
pub type Nanos<T> = TimeText<T, 9>;

impl<T: PointInTime, const DIGITS: u32> TimeText<T, DIGITS> {
    const STEP: i128 = {
        assert!(DIGITS <= 9, "a time has at most 9 fraction digits");
        10_i128.pow(9 - DIGITS)
    };

    /// `time` cut to `DIGITS` fraction digits, toward the past.
    ///
    /// ```
    /// use dynamap::value::Millis;
    /// use std::time::{Duration, UNIX_EPOCH};
    /// let t = Millis::new(UNIX_EPOCH + Duration::from_micros(1_999));
    /// assert_eq!(t.into_inner(), UNIX_EPOCH + Duration::from_millis(1));
    /// ```
    pub fn new(time: T) -> Self {
        let cut = time
            .to_epoch_nanos()
            .map(|nanos| nanos.div_euclid(Self::STEP) * Self::STEP)
            .and_then(T::from_epoch_nanos);
        // Only a type's first instant could have no earlier whole step; it is whole.
        TimeText(cut.unwrap_or(time))
    }

    /// The time.
    ///
    /// ```
    /// use dynamap::value::Millis;
    /// use std::time::UNIX_EPOCH;
    /// assert_eq!(Millis::new(UNIX_EPOCH).into_inner(), UNIX_EPOCH);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }

    fn nanos(&self) -> Result<i128, ConversionError> {
        self.0
            .to_epoch_nanos()
            .ok_or_else(|| ConversionError::new(EXPECTED, "a time outside i128 nanoseconds"))
    }

    /// The stored text.
    pub(crate) fn text(&self) -> Result<String, ConversionError> {
        let nanos = self.nanos()?;
        let parts = Parts::from_epoch_nanos(nanos.div_euclid(Self::STEP) * Self::STEP).ok_or_else(
            || ConversionError::new(EXPECTED, format!("{nanos} nanoseconds since the epoch")),
        )?;
        timestamp::format_utc_digits(&parts, DIGITS, EXPECTED)
    }

    fn from_nanos(nanos: i128, found: impl FnOnce() -> String) -> Result<Self, ConversionError> {
        // A time whose UTC form leaves years 0000 to 9999 could not be written back.
        if !timestamp::in_text_range(nanos) {
            return Err(ConversionError::new(EXPECTED, found()));
        }
        if nanos.rem_euclid(Self::STEP) != 0 {
            return Err(ConversionError::new(
                format!("a time of at most {DIGITS} fraction digits"),
                found(),
            ));
        }
        T::from_epoch_nanos(nanos)
            .map(TimeText)
            .ok_or_else(|| ConversionError::new(EXPECTED, found()))
    }
}

impl<T: PointInTime, const DIGITS: u32> From<T> for TimeText<T, DIGITS> {
    fn from(time: T) -> Self {
        Self::new(time)
    }
}

impl<T: PointInTime, const DIGITS: u32> Deref for TimeText<T, DIGITS> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: PointInTime + fmt::Debug, const DIGITS: u32> fmt::Debug for TimeText<T, DIGITS> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[diagnostic::do_not_recommend]
impl<T: PointInTime, const DIGITS: u32> DynamoValue for TimeText<T, DIGITS> {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str = EXPECTED;

    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        self.text().map(|text| Some(AttributeValue::S(text)))
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::S(text) => match timestamp::parse_rfc3339(&text) {
                Some(nanos) => Self::from_nanos(nanos, || text),
                None => Err(ConversionError::new(EXPECTED, text)),
            },
            // The form a `ttl` field is stored in: whole epoch seconds, or another
            // writer's fraction.
            AttributeValue::N(number) => {
                let since = SystemTime::from_attribute_value(AttributeValue::N(number.clone()))
                    .map_err(|_| ConversionError::new(EXPECTED, format!("number {number}")))?;
                match since.to_epoch_nanos() {
                    Some(nanos) => Self::from_nanos(nanos, || format!("number {number}")),
                    None => Err(ConversionError::new(EXPECTED, format!("number {number}"))),
                }
            }
            other => Err(ConversionError::unexpected(EXPECTED, &other)),
        }
    }

    fn __time_to_live(&self) -> Option<Result<Option<AttributeValue>, ConversionError>> {
        Some(self.to_ttl_attribute())
    }
}

#[diagnostic::do_not_recommend]
impl<T: PointInTime, const DIGITS: u32> ScalarAttribute for TimeText<T, DIGITS> {
    const SCALAR_TYPE: ScalarType = ScalarType::String;
}

#[diagnostic::do_not_recommend]
impl<T: PointInTime, const DIGITS: u32> KeyAttribute for TimeText<T, DIGITS> {}

#[diagnostic::do_not_recommend]
impl<T: PointInTime, const DIGITS: u32> crate::path::ListElement for TimeText<T, DIGITS> {}

/// Whole epoch seconds, rounded up: when DynamoDB's time to live deletes the item.
#[diagnostic::do_not_recommend]
impl<T: PointInTime, const DIGITS: u32> TtlValue for TimeText<T, DIGITS> {
    fn to_ttl_attribute(&self) -> Result<Option<AttributeValue>, ConversionError> {
        let nanos = self.nanos()?;
        let seconds =
            nanos.div_euclid(1_000_000_000) + i128::from(nanos.rem_euclid(1_000_000_000) > 0);
        Ok(Some(AttributeValue::N(seconds.to_string())))
    }
}

impl<T: PointInTime + serde::Serialize, const DIGITS: u32> serde::Serialize
    for TimeText<T, DIGITS>
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: PointInTime + serde::Deserialize<'de>, const DIGITS: u32> serde::Deserialize<'de>
    for TimeText<T, DIGITS>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn at(nanos: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(nanos)
    }

    fn stored<const D: u32>(time: SystemTime) -> String {
        let value = TimeText::<_, D>::new(time)
            .to_attribute_value()
            .unwrap()
            .unwrap();
        value.as_s().unwrap().clone()
    }

    fn read<const D: u32>(text: &str) -> Result<TimeText<SystemTime, D>, ConversionError> {
        TimeText::from_attribute_value(AttributeValue::S(text.into()))
    }

    #[test]
    fn each_form_writes_its_digits_and_reads_them_back() {
        let t = at(1_714_555_800_123_456_789);
        assert_eq!(stored::<0>(t), "2024-05-01T09:30:00Z");
        assert_eq!(stored::<3>(t), "2024-05-01T09:30:00.123Z");
        assert_eq!(stored::<6>(t), "2024-05-01T09:30:00.123456Z");
        assert_eq!(stored::<9>(t), "2024-05-01T09:30:00.123456789Z");
        assert_eq!(
            read::<3>("2024-05-01T09:30:00.123Z").unwrap(),
            Millis::new(t)
        );
        assert_eq!(*read::<9>("2024-05-01T09:30:00.123456789Z").unwrap(), t);
        assert_eq!(stored::<3>(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn before_the_epoch_is_cut_toward_the_past() {
        let t = UNIX_EPOCH - Duration::from_nanos(1);
        assert_eq!(stored::<3>(t), "1969-12-31T23:59:59.999Z");
        assert_eq!(*Millis::new(t), UNIX_EPOCH - Duration::from_millis(1));
        assert_eq!(
            stored::<0>(UNIX_EPOCH - Duration::from_secs(86_400 * 365)),
            "1969-01-01T00:00:00Z"
        );
    }

    #[test]
    fn other_writers_forms_read_when_they_say_no_more_than_the_digits() {
        let t = Millis::new(at(1_714_555_800_123_000_000));
        for same in [
            "2024-05-01T09:30:00.123Z",
            "2024-05-01T09:30:00.123000000Z",
            "2024-05-01T09:30:00.123+00:00",
            "2024-05-01T11:30:00.123+02:00",
            "2024-05-01T06:00:00.123-03:30",
            "2024-05-01t09:30:00.123z",
        ] {
            assert_eq!(read::<3>(same).unwrap(), t, "{same}");
        }
        assert_eq!(
            *read::<3>("2024-05-01T09:30:00Z").unwrap(),
            at(1_714_555_800_000_000_000)
        );
        let finer = read::<3>("2024-05-01T09:30:00.1234Z").unwrap_err();
        assert!(
            finer.to_string().contains("at most 3 fraction digits"),
            "{finer}"
        );
        assert!(read::<0>("2024-05-01T09:30:00.5Z").is_err());
        let n = |n: &str| Millis::<SystemTime>::from_attribute_value(AttributeValue::N(n.into()));
        assert_eq!(*n("1714555800").unwrap(), at(1_714_555_800_000_000_000));
        assert_eq!(*n("1714555800.123").unwrap(), at(1_714_555_800_123_000_000));
        assert!(n("1714555800.1234").is_err());
        assert!(n("1e400").is_err());
    }

    #[test]
    fn what_is_not_a_time_is_a_typed_error() {
        for bad in [
            "",
            "2024-05-01",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T23:60:00Z",
            "2024-05-01T23:59:60Z",
            "2024-05-01T23:59:59",
            "2024-05-01T23:59:59.Z",
            "2024-05-01T23:59:59.1234567890Z",
            "2024-05-01T23:59:59+0200",
            "2024-05-01T23:59:59+24:00",
            "2024-05-01T23:59:59+02:00x",
            "+2024-05-01T23:59:59Z",
            "2024-05-01T23:59:59ZZ",
            "２０２４-05-01T23:59:59Z",
        ] {
            assert!(read::<9>(bad).is_err(), "{bad}");
        }
        assert!(read::<9>("2024-02-29T00:00:00Z").is_ok());
        // Whose UTC form is year -1 or 10000: no text form of those could be written back.
        assert!(read::<9>("0000-01-01T00:00:00+14:00").is_err());
        assert!(read::<9>("9999-12-31T23:59:59-00:01").is_err());
        assert!(read::<9>("0000-01-01T00:00:00-14:00").is_ok());
    }

    #[test]
    fn only_years_0000_to_9999_are_written() {
        let far = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
        assert!(Millis::new(far).to_attribute_value().is_err());
        let last = far - Duration::from_millis(1);
        assert_eq!(stored::<3>(last), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn strings_sort_as_times() {
        let mut times: Vec<SystemTime> = [0, 1, 999, 1_000_000, 86_400_000_000]
            .iter()
            .map(|&n| at(n * 1_000_000))
            .chain([
                UNIX_EPOCH - Duration::from_secs(3),
                UNIX_EPOCH - Duration::from_millis(1),
            ])
            .collect();
        times.sort();
        let texts: Vec<String> = times.iter().map(|&t| stored::<3>(t)).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn time_to_live_is_whole_seconds_rounded_up() {
        let ttl = |t: SystemTime| Millis::new(t).to_ttl_attribute().unwrap().unwrap();
        assert_eq!(ttl(at(1_500_000_000)), AttributeValue::N("2".into()));
        assert_eq!(ttl(at(2_000_000_000)), AttributeValue::N("2".into()));
        assert_eq!(
            ttl(UNIX_EPOCH - Duration::from_millis(1500)),
            AttributeValue::N("-1".into())
        );
    }

    /// Beside its stored form, a `TimeText` is the time it holds, cut to its digits on
    /// the way in: its `Debug`, its serde form (the inner type's) and, as a `ttl` field,
    /// its whole seconds rounded up.
    #[test]
    fn elsewhere_it_is_the_time_it_holds() {
        let (t, cut) = (at(1_714_555_800_123_456_789), at(1_714_555_800_123_000_000));
        let millis: Millis<SystemTime> = t.into();
        assert_eq!(millis.into_inner(), cut);
        assert_eq!(format!("{millis:?}"), format!("{cut:?}"));
        assert_eq!(
            serde_json::to_string(&millis).unwrap(),
            serde_json::to_string(&cut).unwrap()
        );
        let read: Millis<SystemTime> =
            serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(*read, cut);
        assert_eq!(
            millis.__time_to_live().unwrap().unwrap(),
            Some(AttributeValue::N("1714555801".into()))
        );
    }
}
