//! The string form of times, shared by the `chrono` and `time` types and by
//! [`TimeText`](super::TimeText): RFC 3339 in UTC with a fixed number of fraction digits
//! (nine unless a `TimeText` says otherwise: `2024-05-01T09:30:00.000000000Z`), so that
//! string order is time order, which a sort key or a `between` needs. Dates are
//! `YYYY-MM-DD`. Years are 0000 to 9999: outside them the form, and the order, would break.

use crate::error::ConversionError;

/// A time of day in UTC on a date, as its parts.
pub(crate) struct Parts {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub nanosecond: u32,
}

#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) const EXPECTED_TIME: &str =
    "an RFC 3339 time (S), such as 2024-05-01T09:30:00.000000000Z, in years 0000 to 9999";
#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) const EXPECTED_DATE: &str = "a date (S) as YYYY-MM-DD, in years 0000 to 9999";
// Only `time`'s PrimitiveDateTime is a local time.
#[cfg(feature = "time")]
pub(crate) const EXPECTED_LOCAL: &str =
    "a date and time (S) as YYYY-MM-DDTHH:MM:SS.fffffffff, in years 0000 to 9999";

fn year_in_range(year: i32, expected: &'static str) -> Result<(), ConversionError> {
    if (0..=9999).contains(&year) {
        Ok(())
    } else {
        Err(ConversionError::new(expected, format!("year {year}")))
    }
}

/// `2024-05-01`.
#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) fn format_date(year: i32, month: u8, day: u8) -> Result<String, ConversionError> {
    year_in_range(year, EXPECTED_DATE)?;
    let mut text = String::with_capacity(10);
    push_digits(&mut text, year.unsigned_abs(), 4);
    text.push('-');
    push_digits(&mut text, month.into(), 2);
    text.push('-');
    push_digits(&mut text, day.into(), 2);
    Ok(text)
}

/// `2024-05-01T09:30:00.000000000`, without a zone.
#[cfg(feature = "time")]
pub(crate) fn format_local(parts: &Parts) -> Result<String, ConversionError> {
    year_in_range(parts.year, EXPECTED_LOCAL)?;
    Ok(local_text(parts, 9))
}

/// `2024-05-01T09:30:00.000000000Z`.
#[cfg(any(feature = "chrono", feature = "time"))]
pub(crate) fn format_utc(parts: &Parts) -> Result<String, ConversionError> {
    format_utc_digits(parts, 9, EXPECTED_TIME)
}

/// `2024-05-01T09:30:00` and `fraction_digits` digits of the second (the highest ones;
/// no `.` for none), then `Z`.
pub(crate) fn format_utc_digits(
    parts: &Parts,
    fraction_digits: u32,
    expected: &'static str,
) -> Result<String, ConversionError> {
    year_in_range(parts.year, expected)?;
    let mut text = local_text(parts, fraction_digits);
    text.push('Z');
    Ok(text)
}

fn local_text(p: &Parts, fraction_digits: u32) -> String {
    // Written digit by digit: this runs for every time stored, and `format!` costs
    // several times as much.
    let mut text = String::with_capacity(30);
    push_digits(&mut text, p.year.unsigned_abs(), 4);
    text.push('-');
    push_digits(&mut text, p.month.into(), 2);
    text.push('-');
    push_digits(&mut text, p.day.into(), 2);
    text.push('T');
    push_digits(&mut text, p.hour.into(), 2);
    text.push(':');
    push_digits(&mut text, p.minute.into(), 2);
    text.push(':');
    push_digits(&mut text, p.second.into(), 2);
    if fraction_digits > 0 {
        text.push('.');
        let dropped = 10_u32.pow(9 - fraction_digits);
        push_digits(&mut text, p.nanosecond / dropped, fraction_digits);
    }
    text
}

/// `value` in exactly `width` decimal digits (its lowest ones), zero-padded.
fn push_digits(text: &mut String, value: u32, width: u32) {
    let mut divisor = 10_u32.pow(width - 1);
    while divisor > 0 {
        text.push(char::from(b'0' + ((value / divisor) % 10) as u8));
        divisor /= 10;
    }
}

/// Reads `YYYY-MM-DD` into (year, month, day); the calendar check is the caller's.
pub(crate) fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    Some((
        digits(text.get(0..4)?)?.try_into().ok()?,
        digits(text.get(5..7)?)?.try_into().ok()?,
        digits(text.get(8..10)?)?.try_into().ok()?,
    ))
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.f{1,9}]`, without a zone.
#[cfg(feature = "time")]
pub(crate) fn parse_local(text: &str) -> Option<Parts> {
    let (date, time) = text.split_once('T')?;
    parts_of(date, time)
}

/// The parts of a date (`YYYY-MM-DD`) and a time of day (`HH:MM:SS[.f{1,9}]`), without
/// a zone; the calendar check is the caller's.
fn parts_of(date: &str, time: &str) -> Option<Parts> {
    let (year, month, day) = parse_date(date)?;
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) if (1..=9).contains(&fraction.len()) => (clock, fraction),
        Some(_) => return None,
        None => (time, ""),
    };
    let bytes = clock.as_bytes();
    if bytes.len() != 8 || bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
        return None;
    }
    Some(Parts {
        year,
        month,
        day,
        hour: digits(clock.get(0..2)?)?.try_into().ok()?,
        minute: digits(clock.get(3..5)?)?.try_into().ok()?,
        second: digits(clock.get(6..8)?)?.try_into().ok()?,
        nanosecond: fraction_nanos(fraction)?,
    })
}

/// Nanoseconds of up to nine fraction digits (`"5"` is 500,000,000), read without an
/// allocation: this runs for every time read.
fn fraction_nanos(fraction: &str) -> Option<u32> {
    if fraction.len() > 9 {
        return None;
    }
    let mut nanos: u32 = 0;
    for byte in fraction.bytes() {
        if !byte.is_ascii_digit() {
            return None;
        }
        nanos = nanos * 10 + u32::from(byte - b'0');
    }
    let width = u32::try_from(fraction.len()).ok()?;
    Some(nanos * 10_u32.pow(9 - width))
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const SECONDS_PER_DAY: i128 = 86_400;
// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z: the years the form holds.
const FIRST_NANO: i128 = -62_167_219_200 * NANOS_PER_SECOND;
const LAST_NANO: i128 = 253_402_300_800 * NANOS_PER_SECOND - 1;

/// Whether the time `nanos` after the epoch is in years 0000 to 9999 (in UTC): the times
/// the text form holds, so the only ones a reader may give back.
pub(crate) fn in_text_range(nanos: i128) -> bool {
    (FIRST_NANO..=LAST_NANO).contains(&nanos)
}

impl Parts {
    /// The time `nanos` after 1970-01-01T00:00:00Z, if it is in years 0000 to 9999.
    pub(crate) fn from_epoch_nanos(nanos: i128) -> Option<Parts> {
        if !in_text_range(nanos) {
            return None;
        }
        let seconds = nanos.div_euclid(NANOS_PER_SECOND);
        let of_day = seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY) as i64);
        Some(Parts {
            year: year as i32,
            month,
            day,
            hour: (of_day / 3600) as u8,
            minute: (of_day / 60 % 60) as u8,
            second: (of_day % 60) as u8,
            nanosecond: nanos.rem_euclid(NANOS_PER_SECOND) as u32,
        })
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z, if these parts name a time (a real date,
    /// hours to 23, minutes and seconds to 59: a leap second names no instant of its own).
    fn epoch_nanos(&self) -> Option<i128> {
        let days = days_from_civil(self.year.into(), self.month, self.day)?;
        if self.hour > 23 || self.minute > 59 || self.second > 59 || self.nanosecond > 999_999_999 {
            return None;
        }
        let seconds = i128::from(days) * SECONDS_PER_DAY
            + i128::from(self.hour) * 3600
            + i128::from(self.minute) * 60
            + i128::from(self.second);
        Some(seconds * NANOS_PER_SECOND + i128::from(self.nanosecond))
    }
}

/// Days since 1970-01-01 of a date, if it is one (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u8, day: u8) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u8;
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// Reads an RFC 3339 time (`YYYY-MM-DDTHH:MM:SS[.f{1,9}]` then `Z` or `±HH:MM`) as
/// nanoseconds since the epoch.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i128> {
    let (date, rest) = text.split_once(['T', 't'])?;
    let zone_at = rest.find(['Z', 'z', '+', '-'])?;
    let (time, zone) = rest.split_at(zone_at);
    let parts = parts_of(date, time)?;
    let offset_seconds = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let hhmm = zone.get(1..)?;
            let (hours, minutes) = (hhmm.get(0..2)?, hhmm.get(3..5)?);
            if hhmm.len() != 5 || hhmm.as_bytes().get(2) != Some(&b':') {
                return None;
            }
            let (hours, minutes) = (digits(hours)?, digits(minutes)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * i128::from(hours * 3600 + minutes * 60)
        }
    };
    Some(parts.epoch_nanos()? - offset_seconds * NANOS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text form's range ends at its last nanosecond on either side: one more is a
    /// year of five digits (or before year 0), which no reader may give back.
    #[test]
    fn the_range_of_the_text_form_is_exact_at_both_ends() {
        let first = parse_rfc3339("0000-01-01T00:00:00Z").unwrap();
        let last = parse_rfc3339("9999-12-31T23:59:59.999999999Z").unwrap();
        assert!(in_text_range(first) && in_text_range(last));
        assert!(!in_text_range(first - 1) && !in_text_range(last + 1));
        assert!(Parts::from_epoch_nanos(last).is_some());
        assert!(Parts::from_epoch_nanos(last + 1).is_none());
        assert!(Parts::from_epoch_nanos(first - 1).is_none());
    }

    #[cfg(any(feature = "chrono", feature = "time"))]
    fn parts(year: i32, nanosecond: u32) -> Parts {
        Parts {
            year,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            nanosecond,
        }
    }

    #[cfg(any(feature = "chrono", feature = "time"))]
    #[test]
    fn times_have_one_width_so_strings_sort_as_times() {
        assert_eq!(
            format_utc(&parts(2024, 7)).unwrap(),
            "2024-01-02T03:04:05.000000007Z"
        );
        assert_eq!(
            format_utc(&parts(1, 0)).unwrap(),
            "0001-01-02T03:04:05.000000000Z"
        );
        let mut texts: Vec<String> = [(1969, 5), (2024, 0), (1969, 4), (0, 0), (9999, 999_999_999)]
            .iter()
            .map(|&(y, n)| format_utc(&parts(y, n)).unwrap())
            .collect();
        texts.sort();
        assert!(texts[0].starts_with("0000") && texts[4].starts_with("9999"));
        assert!(texts[1] < texts[2], "{texts:?}");
        assert!(format_utc(&parts(10_000, 0)).is_err());
        assert!(format_utc(&parts(-1, 0)).is_err());
        assert!(format_date(-5, 1, 1).is_err());
    }

    // Local times are the `time` feature's; with `chrono` alone there is no parser.
    #[cfg(feature = "time")]
    #[test]
    fn parsing_takes_what_formatting_writes_and_refuses_the_rest() {
        let p = parse_local("2024-01-02T03:04:05.5").unwrap();
        assert_eq!((p.year, p.second, p.nanosecond), (2024, 5, 500_000_000));
        assert_eq!(parse_local("2024-01-02T03:04:05").unwrap().nanosecond, 0);
        for bad in [
            "2024-1-02T03:04:05",
            "2024-01-02 03:04:05",
            "2024-01-02T03:04:05.",
            "2024-01-02T03:04:05.1234567890",
            "2024-01-02T3:04:05",
            "+024-01-02T03:04:05",
        ] {
            assert!(parse_local(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_date("0999-12-31"), Some((999, 12, 31)));
        assert!(parse_date("999-12-31").is_none());
        // The separators and the length are each checked on their own.
        assert!(parse_date("2024/01/02").is_none());
        assert!(parse_date("2024-01/02").is_none());
        assert!(parse_date("2024-01-022").is_none());
        assert!(parse_local("2024-01-02T03-04-05").is_none());
        assert!(parse_local("2024-01-02T03:04-05").is_none());
        assert!(parse_local("2024-01-02T03:04:055").is_none());
    }

    /// The zone of a time read is its offset's: hours to 23 and minutes to 59, the sign
    /// first, the colon between; anything else is not RFC 3339.
    #[test]
    fn offsets_are_read_in_full_or_not_at_all() {
        let utc = parse_rfc3339("2024-05-01T09:30:00Z").unwrap();
        assert_eq!(parse_rfc3339("2024-05-01t09:30:00z"), Some(utc));
        assert_eq!(parse_rfc3339("2024-05-01T09:30:00+00:00"), Some(utc));
        assert_eq!(parse_rfc3339("2024-05-01T11:30:00+02:00"), Some(utc));
        assert_eq!(parse_rfc3339("2024-05-01T07:00:00-02:30"), Some(utc));
        assert_eq!(parse_rfc3339("2024-05-02T09:29:00+23:59"), Some(utc));
        assert_eq!(parse_rfc3339("2024-04-30T09:31:00-23:59"), Some(utc));
        for bad in [
            "2024-05-01T09:30:00",
            "2024-05-01T09:30:00+",
            "2024-05-01T09:30:00+2:00",
            "2024-05-01T09:30:00+02:0",
            "2024-05-01T09:30:00+0200",
            "2024-05-01T09:30:00+02:000",
            "2024-05-01T09:30:00+02;00",
            "2024-05-01T09:30:00+24:00",
            "2024-05-01T09:30:00+02:60",
            "2024-05-01T09:30:00+0a:00",
            "2024-05-01T09:30:00ZZ",
            "2024-05-01 09:30:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    /// Hours to 23, minutes and seconds to 59 (a leap second names no instant of its
    /// own), and the fraction's digits are the highest of the nanoseconds.
    #[test]
    fn a_time_of_day_is_read_only_when_it_names_one() {
        let midnight = parse_rfc3339("2024-05-01T00:00:00Z").unwrap();
        let at = |text: &str| parse_rfc3339(text).map(|nanos| nanos - midnight);
        assert_eq!(at("2024-05-01T23:59:59Z"), Some(86_399 * NANOS_PER_SECOND));
        assert_eq!(at("2024-05-01T00:00:00.5Z"), Some(500_000_000));
        assert_eq!(at("2024-05-01T00:00:00.123Z"), Some(123_000_000));
        assert_eq!(at("2024-05-01T00:00:00.000000001Z"), Some(1));
        assert_eq!(at("2024-05-01T00:00:00.999999999Z"), Some(999_999_999));
        assert_eq!(at("2024-05-01T00:01:00Z"), Some(60 * NANOS_PER_SECOND));
        assert_eq!(at("2024-05-01T01:00:00Z"), Some(3600 * NANOS_PER_SECOND));
        for bad in [
            "2024-05-01T24:00:00Z",
            "2024-05-01T23:60:00Z",
            "2024-05-01T23:59:60Z",
            "2024-05-01T00:00:00.12a4Z",
            "2024-05-01T00:00:00.Z",
            "2024-05-00T00:00:00Z",
            "2024-05-32T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        for leap_day in [
            "2024-02-29",
            "2000-02-29",
            "0000-02-29",
            "2023-12-31",
            "2023-01-31",
        ] {
            assert!(
                parse_rfc3339(&format!("{leap_day}T00:00:00Z")).is_some(),
                "{leap_day}"
            );
        }
    }

    /// The calendar arithmetic is written by hand (it runs for every time stored):
    /// checked against chrono's, every day of years 0000 to 9999 and any instant.
    #[cfg(feature = "chrono")]
    mod against_chrono {
        use super::super::*;
        use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};
        use proptest::prelude::*;

        const FIRST_SECOND: i64 = -62_167_219_200;
        const LAST_SECOND: i64 = 253_402_300_799;
        const DAY: i64 = 86_400;

        fn nanos_of(seconds: i64, nanos: u32) -> i128 {
            i128::from(seconds) * NANOS_PER_SECOND + i128::from(nanos)
        }

        #[test]
        fn every_day_of_the_form_is_chronos_day() {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
            let mut date = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
            let mut days = FIRST_SECOND / DAY;
            while date.year() <= 9999 {
                let (month, day) = (date.month() as u8, date.day() as u8);
                assert_eq!(
                    civil_from_days(days),
                    (i64::from(date.year()), month, day),
                    "{date}"
                );
                assert_eq!(days_from_civil(date.year().into(), month, day), Some(days));
                assert_eq!((date - epoch).num_days(), days);
                if day == 1 || days % 997 == 0 {
                    let text = format_date(date.year(), month, day).unwrap();
                    assert_eq!(text, date.format("%Y-%m-%d").to_string());
                    assert_eq!(parse_date(&text), Some((date.year(), month, day)));
                }
                date = date.succ_opt().unwrap();
                days += 1;
            }
            assert_eq!(days, LAST_SECOND / DAY + 1);
        }

        proptest! {
            #[test]
            fn a_date_is_one_when_chrono_says_it_is(
                year in 0..=9999_i32,
                month in 0..=13_u8,
                day in 0..=32_u8,
            ) {
                let chrono = NaiveDate::from_ymd_opt(year, month.into(), day.into());
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
                prop_assert_eq!(
                    days_from_civil(year.into(), month, day),
                    chrono.map(|date| (date - epoch).num_days())
                );
            }

            #[test]
            fn any_instant_is_written_and_read_as_chrono_does(
                seconds in FIRST_SECOND..=LAST_SECOND,
                nanos in 0..1_000_000_000_u32,
            ) {
                let epoch_nanos = nanos_of(seconds, nanos);
                let parts = Parts::from_epoch_nanos(epoch_nanos).unwrap();
                let text = format_utc(&parts).unwrap();
                let chrono = DateTime::from_timestamp(seconds, nanos).unwrap();
                prop_assert_eq!(&text, &chrono.to_rfc3339_opts(SecondsFormat::Nanos, true));
                prop_assert_eq!(parse_rfc3339(&text), Some(epoch_nanos));
                prop_assert_eq!(parts.epoch_nanos(), Some(epoch_nanos));
            }

            #[test]
            fn any_offset_names_the_instant_chrono_says(
                seconds in FIRST_SECOND + DAY..=LAST_SECOND - DAY,
                nanos in 0..1_000_000_000_u32,
                offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59_i32),
            ) {
                let zone = FixedOffset::east_opt(offset_minutes * 60).unwrap();
                let there = DateTime::<Utc>::from_timestamp(seconds, nanos)
                    .unwrap()
                    .with_timezone(&zone);
                let text = there.to_rfc3339_opts(SecondsFormat::AutoSi, false);
                prop_assert_eq!(parse_rfc3339(&text), Some(nanos_of(seconds, nanos)), "{}", text);
            }
        }
    }
}
