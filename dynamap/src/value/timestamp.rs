//! The string form of times, shared by the `chrono` and `time` types: RFC 3339 in UTC
//! with all nine fraction digits (`2024-05-01T09:30:00.000000000Z`), so that string
//! order is time order, which a sort key or a `between` needs. Dates are `YYYY-MM-DD`.
//! Years are 0000 to 9999: outside them the form, and the order, would break.

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

pub(crate) const EXPECTED_TIME: &str =
    "an RFC 3339 time (S), such as 2024-05-01T09:30:00.000000000Z, in years 0000 to 9999";
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
    Ok(local_text(parts))
}

/// `2024-05-01T09:30:00.000000000Z`.
pub(crate) fn format_utc(parts: &Parts) -> Result<String, ConversionError> {
    year_in_range(parts.year, EXPECTED_TIME)?;
    let mut text = local_text(parts);
    text.push('Z');
    Ok(text)
}

fn local_text(p: &Parts) -> String {
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
    text.push('.');
    push_digits(&mut text, p.nanosecond, 9);
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
    let (year, month, day) = parse_date(date)?;
    let (clock, fraction) = match time.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (time, None),
    };
    let bytes = clock.as_bytes();
    if bytes.len() != 8 || bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
        return None;
    }
    let nanosecond = match fraction {
        None => 0,
        Some(f) if (1..=9).contains(&f.len()) => digits(&format!("{f:0<9}"))?,
        Some(_) => return None,
    };
    Some(Parts {
        year,
        month,
        day,
        hour: digits(clock.get(0..2)?)?.try_into().ok()?,
        minute: digits(clock.get(3..5)?)?.try_into().ok()?,
        second: digits(clock.get(6..8)?)?.try_into().ok()?,
        nanosecond,
    })
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
