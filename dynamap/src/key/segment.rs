//! Key-template segments: values written into a composed key (`ORDER#{placed_at}#{id}`)
//! so that the text's byte order is the values' order.
//!
//! - Unsigned integers are zero-padded to their type's widest value (`u32` to 10 digits).
//! - Signed integers are shifted by half their range first (`i64::MIN` is all zeros), so
//!   negative numbers sort below positive ones.
//! - Timestamps and dates are their stored fixed-width RFC 3339 text; uuids their
//!   lowercase hyphenated text. Both are fixed width, so they never need escaping.
//! - Strings (and unit enums, stored as their variant's name) are written as they are.
//!   A string that is followed by more of the template must not contain the character
//!   the template's next literal starts with: two different keys could otherwise render
//!   to one text. Such a value is refused with a typed error (see [`push_segment`]).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;
#[cfg(any(feature = "chrono", feature = "time"))]
use crate::value::DynamoValue;
use crate::value::KeyAttribute;

/// A type that can be a `{field}` segment of a key template.
///
/// ```
/// use dynamap::schema::KeySegment;
/// let mut key = String::from("ORDER#");
/// 42u32.write_segment(&mut key)?;
/// assert_eq!(key, "ORDER#0000000042");
/// let mut low = String::new();
/// (-1i8).write_segment(&mut low)?;
/// assert_eq!(low, "127"); // i8::MIN is "000", 0 is "128"
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a segment of a key template",
    label = "this field is named in a key template",
    note = "key templates take String, integers, uuid::Uuid, chrono/time timestamps and dates, unit enums and newtypes of those (derive DynamoValue), and an Option of those only in an index template (a sparse index)"
)]
pub trait KeySegment: KeyAttribute {
    /// Whether every value writes the same number of bytes: such a segment needs no
    /// separator check, and ranges on it are exact even when more segments follow.
    const FIXED_WIDTH: bool;

    /// Appends the value's segment text to `out`.
    fn write_segment(&self, out: &mut String) -> Result<(), ConversionError>;
}

impl KeySegment for String {
    const FIXED_WIDTH: bool = false;

    #[inline]
    fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
        out.push_str(self);
        Ok(())
    }
}

/// Writes `value` zero-padded to `width` digits (at most 39), without going through
/// `fmt`.
#[inline]
fn push_padded(out: &mut String, value: u128, width: usize) {
    let mut digits = [b'0'; 39];
    let mut rest = value;
    for slot in digits.iter_mut().rev() {
        if rest == 0 {
            break;
        }
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    push_digits(out, &digits, width);
}

/// Writes a u64 zero-padded (at most 20 digits); the common case, kept off the u128
/// path (division on u128 is a library call).
#[inline]
fn push_padded_u64(out: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut rest = value;
    for slot in digits.iter_mut().rev() {
        if rest == 0 {
            break;
        }
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    push_digits(out, &digits, width);
}

/// Appends the last `width` of `digits` (ASCII digits only).
#[inline]
fn push_digits(out: &mut String, digits: &[u8], width: usize) {
    let start = digits.len().saturating_sub(width);
    let text = digits.get(start..).unwrap_or_default();
    out.push_str(std::str::from_utf8(text).unwrap_or_default());
}

macro_rules! unsigned_segment {
    ($($t:ty => $width:expr),*) => {$(
        impl KeySegment for $t {
            const FIXED_WIDTH: bool = true;

            #[inline]
            fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
                push_padded_u64(out, *self as u64, $width);
                Ok(())
            }
        }
    )*};
}

unsigned_segment!(u8 => 3, u16 => 5, u32 => 10, u64 => 20, usize => 20);

macro_rules! signed_segment {
    ($($t:ty => $u:ty, $width:expr),*) => {$(
        impl KeySegment for $t {
            const FIXED_WIDTH: bool = true;

            #[inline]
            fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
                // Flipping the sign bit maps MIN..=MAX onto 0..=unsigned MAX in order.
                let shifted = (*self as $u) ^ (1 << (<$u>::BITS - 1));
                push_padded_u64(out, shifted as u64, $width);
                Ok(())
            }
        }
    )*};
}

signed_segment!(i8 => u8, 3, i16 => u16, 5, i32 => u32, 10, i64 => u64, 20, isize => u64, 20);

impl KeySegment for u128 {
    const FIXED_WIDTH: bool = true;

    #[inline]
    fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
        push_padded(out, *self, 39);
        Ok(())
    }
}

impl KeySegment for i128 {
    const FIXED_WIDTH: bool = true;

    #[inline]
    fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
        push_padded(out, (*self as u128) ^ (1 << 127), 39);
        Ok(())
    }
}

/// Writes the stored text of a type stored as a fixed-width string.
#[cfg(any(feature = "chrono", feature = "time"))]
fn push_stored_text<T: DynamoValue>(value: &T, out: &mut String) -> Result<(), ConversionError> {
    match value.to_attribute_value()? {
        Some(AttributeValue::S(text)) => {
            out.push_str(&text);
            Ok(())
        }
        other => Err(ConversionError::new(
            "a value stored as a string",
            format!("{other:?}"),
        )),
    }
}

#[cfg(feature = "uuid")]
impl KeySegment for uuid::Uuid {
    const FIXED_WIDTH: bool = true;

    #[inline]
    fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
        let mut buffer = uuid::Uuid::encode_buffer();
        out.push_str(self.hyphenated().encode_lower(&mut buffer));
        Ok(())
    }
}

#[cfg(any(feature = "chrono", feature = "time"))]
macro_rules! text_segment {
    ($($t:ty),*) => {$(
        impl KeySegment for $t {
            const FIXED_WIDTH: bool = true;

            fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
                push_stored_text(self, out)
            }
        }
    )*};
}

#[cfg(feature = "chrono")]
text_segment!(chrono::NaiveDate);

/// A chrono time in a key: a leap second (nanoseconds past 1e9) is stored as the
/// second's last instant, which would give it another time's key, so it is refused.
#[cfg(feature = "chrono")]
macro_rules! chrono_time_segment {
    ($($t:ty),*) => {$(
        impl KeySegment for $t {
            const FIXED_WIDTH: bool = true;

            fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
                if chrono::Timelike::nanosecond(self) >= 1_000_000_000 {
                    return Err(ConversionError::new(
                        "a time that is not a leap second (a key must name one instant)",
                        self.to_rfc3339(),
                    ));
                }
                push_stored_text(self, out)
            }
        }
    )*};
}

#[cfg(feature = "chrono")]
chrono_time_segment!(
    chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::FixedOffset>
);

#[cfg(feature = "time")]
text_segment!(time::OffsetDateTime, time::PrimitiveDateTime, time::Date);

/// A time of a fixed number of fraction digits: its stored text, fixed width.
#[diagnostic::do_not_recommend]
impl<T: crate::value::PointInTime, const DIGITS: u32> KeySegment
    for crate::value::TimeText<T, DIGITS>
{
    const FIXED_WIDTH: bool = true;

    fn write_segment(&self, out: &mut String) -> Result<(), ConversionError> {
        out.push_str(&self.text()?);
        Ok(())
    }
}

/// Appends `value` to a composed key; `separator` is the first character of the
/// template text after this segment (`None` for the last segment), which a variable-width
/// value may not contain.
///
/// ```
/// let mut key = String::from("TENANT#");
/// dynamap::__private::push_segment(&mut key, &"acme".to_string(), "tenant", Some('#'))?;
/// assert_eq!(key, "TENANT#acme");
/// let refused = dynamap::__private::push_segment(&mut key, &"a#b".to_string(), "tenant", Some('#'));
/// assert!(refused.is_err());
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[inline]
pub fn push_segment<S: KeySegment>(
    out: &mut String,
    value: &S,
    name: &'static str,
    separator: Option<char>,
) -> Result<(), ConversionError> {
    let start = out.len();
    value.write_segment(out).map_err(|e| e.in_attribute(name))?;
    if !S::FIXED_WIDTH {
        check_separator(&out[start..], name, separator)?;
    }
    Ok(())
}

/// Refuses a variable-width segment that holds the character separating it from the
/// rest of the key.
pub(crate) fn check_separator(
    text: &str,
    name: &'static str,
    separator: Option<char>,
) -> Result<(), ConversionError> {
    match separator {
        Some(c) if text.contains(c) => Err(ConversionError::new(
            format!("a key segment without `{c}`, the character that ends this segment in the key template"),
            text.to_owned(),
        )
        .in_attribute(name)),
        _ => Ok(()),
    }
}

/// Writes the segment of a value given as a stored attribute (a query's partition, a
/// condition's operand): decoded as the field's type, then written as a segment.
pub fn segment_from_value<S: KeySegment>(
    value: &AttributeValue,
    out: &mut String,
) -> Result<(), ConversionError> {
    S::from_attribute_value(value.clone())?.write_segment(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<S: KeySegment>(value: S) -> String {
        let mut out = String::new();
        value.write_segment(&mut out).unwrap();
        out
    }

    #[test]
    fn integers_are_padded_to_their_widest_value() {
        assert_eq!(text(0u8), "000");
        assert_eq!(text(u8::MAX), "255");
        assert_eq!(text(7u16), "00007");
        assert_eq!(text(u32::MAX), "4294967295");
        assert_eq!(text(1u64), "00000000000000000001");
        assert_eq!(text(u64::MAX), "18446744073709551615");
        assert_eq!(text(u128::MAX).len(), 39);
        assert_eq!(text(0u128), "0".repeat(39));
    }

    #[test]
    fn signed_integers_shift_by_half_their_range() {
        assert_eq!(text(i8::MIN), "000");
        assert_eq!(text(0i8), "128");
        assert_eq!(text(i8::MAX), "255");
        assert_eq!(text(i64::MIN), "00000000000000000000");
        assert_eq!(text(-1i64), "09223372036854775807");
        assert_eq!(text(0i64), "09223372036854775808");
        assert_eq!(text(i128::MIN), "0".repeat(39));
        assert_eq!(text(i32::MAX), "4294967295");
    }

    #[test]
    fn a_variable_width_segment_may_not_hold_its_separator() {
        let mut out = String::new();
        let err = push_segment(&mut out, &"a#b".to_string(), "name", Some('#')).unwrap_err();
        assert_eq!(err.attribute(), "name");
        assert!(err.expected().contains('#'), "{err}");
        let mut out = String::new();
        push_segment(&mut out, &"a#b".to_string(), "name", None).unwrap();
        assert_eq!(out, "a#b");
        let mut out = String::new();
        push_segment(&mut out, &5u64, "n", Some('0')).unwrap();
        assert_eq!(out, "00000000000000000005");
    }

    mod order {
        //! Byte order is value order, for every segment type: `a < b ⇔ enc(a) < enc(b)`.

        use proptest::prelude::*;

        use super::text;
        use crate::key::KeySegment;

        fn same_order<S: KeySegment + Ord + Clone>(a: S, b: S) -> Result<(), TestCaseError> {
            let (x, y) = (text(a.clone()), text(b.clone()));
            prop_assert_eq!(a.cmp(&b), x.cmp(&y), "{} vs {}", x, y);
            if S::FIXED_WIDTH {
                prop_assert_eq!(x.len(), y.len());
            }
            Ok(())
        }

        macro_rules! integer_order {
            ($($name:ident: $t:ty),*) => {$(
                proptest! {
                    #[test]
                    fn $name(a in any::<$t>(), b in any::<$t>()) {
                        same_order(a, b)?;
                    }
                }
            )*};
        }

        integer_order!(
            u8_order: u8, u16_order: u16, u32_order: u32, u64_order: u64, u128_order: u128,
            usize_order: usize, i8_order: i8, i16_order: i16, i32_order: i32,
            i64_order: i64, i128_order: i128, isize_order: isize
        );

        proptest! {
            /// A string as the last segment, behind the template's text, orders as the
            /// strings do (empty ones and separators included); before more of the
            /// template it is refused exactly when it holds the separator.
            #[test]
            fn string_segments_order_behind_their_prefix_and_refuse_their_separator(
                a in "[a-c#|]{0,4}", b in "[a-c#|]{0,4}", sep in prop::sample::select(vec!['#', '|', ':'])
            ) {
                let last = |s: &str| {
                    let mut out = format!("TAG{sep}");
                    super::super::push_segment(&mut out, &s.to_owned(), "s", None).map(|()| out)
                };
                prop_assert_eq!(a.cmp(&b), last(&a).unwrap().cmp(&last(&b).unwrap()));
                let mut out = String::new();
                let inner = super::super::push_segment(&mut out, &a.clone(), "s", Some(sep));
                prop_assert_eq!(inner.is_err(), a.contains(sep));
            }

            #[test]
            fn integer_edges_keep_their_order(a in prop::sample::select(vec![i64::MIN, -1, 0, 1, i64::MAX]), b in any::<i64>()) {
                same_order(a, b)?;
            }

            /// A string before another segment (`{s}{sep}{n}`): keys order as the pairs
            /// do unless one string is a proper prefix of the other (then the separator
            /// meets the longer string's next character, which is why ranges on such a
            /// segment are refused), and two different pairs never share a key.
            #[test]
            fn a_string_before_a_segment_orders_as_its_pair_unless_a_prefix(
                s1 in "[a-c]{0,3}", n1 in 0u32..4, s2 in "[a-c]{0,3}", n2 in 0u32..4,
                sep in prop::sample::select(vec!['#', '|', ':', 'b'])
            ) {
                let key = |s: &str, n: u32| {
                    let mut out = String::from("K");
                    out.push(sep);
                    super::super::push_segment(&mut out, &s.to_owned(), "s", Some(sep)).ok()?;
                    out.push(sep);
                    super::super::push_segment(&mut out, &n, "n", None).ok()?;
                    Some(out)
                };
                if let (Some(k1), Some(k2)) = (key(&s1, n1), key(&s2, n2)) {
                    prop_assert_eq!(k1 == k2, (&s1, n1) == (&s2, n2));
                    let prefix = s1 != s2 && (s1.starts_with(&s2) || s2.starts_with(&s1));
                    if !prefix {
                        prop_assert_eq!((&s1, n1).cmp(&(&s2, n2)), k1.cmp(&k2));
                    }
                }
            }

            /// Composed keys (`{a}#{b}` with fixed-width `a`) order as the pairs do.
            #[test]
            fn composed_keys_order_as_their_fields(a1 in any::<u32>(), b1 in "[a-z]{0,6}", a2 in any::<u32>(), b2 in "[a-z]{0,6}") {
                let key = |a: u32, b: &str| {
                    let mut out = String::from("ORDER#");
                    super::super::push_segment(&mut out, &a, "a", Some('#')).unwrap();
                    out.push('#');
                    super::super::push_segment(&mut out, &b.to_owned(), "b", None).unwrap();
                    out
                };
                prop_assert_eq!((a1, &b1).cmp(&(a2, &b2)), key(a1, &b1).cmp(&key(a2, &b2)));
            }

            /// Two different pairs never render to one key: a variable-width segment
            /// holding its separator is refused instead.
            #[test]
            fn different_pairs_never_collide(a1 in "[a-c#]{0,4}", b1 in "[a-c#]{0,4}", a2 in "[a-c#]{0,4}", b2 in "[a-c#]{0,4}") {
                let key = |a: &str, b: &str| {
                    let mut out = String::from("T#");
                    super::super::push_segment(&mut out, &a.to_owned(), "a", Some('#')).ok()?;
                    out.push('#');
                    super::super::push_segment(&mut out, &b.to_owned(), "b", None).ok()?;
                    Some(out)
                };
                if let (Some(k1), Some(k2)) = (key(&a1, &b1), key(&a2, &b2)) {
                    prop_assert_eq!(k1 == k2, (a1, b1) == (a2, b2));
                }
            }
        }

        #[cfg(feature = "uuid")]
        proptest! {
            #[test]
            fn uuid_order(a in any::<u128>(), b in any::<u128>()) {
                same_order(uuid::Uuid::from_u128(a), uuid::Uuid::from_u128(b))?;
            }
        }

        #[cfg(feature = "chrono")]
        proptest! {
            #[test]
            fn chrono_order(a in -62_135_596_800i64..253_402_300_799, an in 0u32..1_000_000_000, b in -62_135_596_800i64..253_402_300_799, bn in 0u32..1_000_000_000) {
                let time = |s, n| chrono::DateTime::from_timestamp(s, n).unwrap();
                same_order(time(a, an), time(b, bn))?;
                let offset = chrono::FixedOffset::east_opt(3600).unwrap();
                same_order(time(a, an).with_timezone(&offset), time(b, bn).with_timezone(&offset))?;
                same_order(time(a, an).date_naive(), time(b, bn).date_naive())?;
            }
        }

        #[cfg(feature = "time")]
        proptest! {
            #[test]
            fn time_order(a in -62_135_596_800i64..253_402_300_798, an in 0u32..1_000_000_000, b in -62_135_596_800i64..253_402_300_798, bn in 0u32..1_000_000_000) {
                let time = |s: i64, n: u32| {
                    time::OffsetDateTime::from_unix_timestamp(s).unwrap() + time::Duration::nanoseconds(i64::from(n))
                };
                same_order(time(a, an), time(b, bn))?;
                let local = |t: time::OffsetDateTime| time::PrimitiveDateTime::new(t.date(), t.time());
                same_order(local(time(a, an)), local(time(b, bn)))?;
                same_order(time(a, an).date(), time(b, bn).date())?;
            }
        }
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn a_leap_second_is_refused_in_a_key_and_its_neighbour_is_not() {
        use chrono::{NaiveDate, TimeZone, Utc};
        let day = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
        let leap = Utc.from_utc_datetime(&day.and_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap());
        let last = Utc.from_utc_datetime(&day.and_hms_nano_opt(23, 59, 59, 999_999_999).unwrap());
        let mut out = String::new();
        assert!(leap.write_segment(&mut out).is_err());
        assert!(leap.fixed_offset().write_segment(&mut out).is_err());
        assert_eq!(text(last), "2016-12-31T23:59:59.999999999Z");
    }
}
