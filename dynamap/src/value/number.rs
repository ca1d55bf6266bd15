//! Numbers: DynamoDB's `N` is a decimal string of up to 38 significant digits with a
//! magnitude between 1e-130 and 1e126. Nothing is truncated: a value that does not fit
//! either side is an error.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{DynamoValue, KeyAttribute, ScalarAttribute, ScalarType};
use crate::error::ConversionError;

/// 10^38: the first integer DynamoDB cannot store exactly (it keeps 38 digits).
const TEN_POW_38: u128 = 100_000_000_000_000_000_000_000_000_000_000_000_000;

/// A decimal as (negative, significant digits, exponent), for exact comparisons: one
/// form for every notation of a number (`1.50e1` and `15`), `None` when the exponent
/// would overflow.
pub(crate) fn canonical_number(text: &str) -> Option<(bool, String, i64)> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (body, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = int_part.chars().chain(frac_part.chars()).collect();
    // Checked: an exponent near i64's ends, read from the table, must not overflow.
    let mut exponent = exponent.checked_sub(i64::try_from(frac_part.len()).ok()?)?;
    let trimmed = digits.trim_start_matches('0').to_owned();
    digits = trimmed;
    while digits.ends_with('0') {
        digits.pop();
        exponent = exponent.checked_add(1)?;
    }
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((negative, digits, exponent))
}

/// Reads an integer written in any notation DynamoDB (or another client) may use:
/// `42`, `-7`, `4.2E+1`, `4200e-2`. Returns the sign and magnitude, or `None` when the
/// number is not a whole number or does not fit in a `u128`.
fn parse_whole(text: &str) -> Option<(bool, u128)> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut magnitude: u128 = 0;
    let mut scale = exponent;
    let digits = int_part.bytes().chain(frac_part.bytes());
    for (position, digit) in digits.enumerate() {
        if !digit.is_ascii_digit() {
            return None;
        }
        let d = u128::from(digit - b'0');
        let is_fraction = position >= int_part.len();
        // A fraction digit counts only if the exponent moves it left of the point.
        if is_fraction {
            if scale > 0 {
                scale -= 1;
            } else if d != 0 {
                return None;
            } else {
                continue;
            }
        }
        magnitude = magnitude.checked_mul(10)?.checked_add(d)?;
    }
    // Zero stays zero whatever the exponent; answering now also keeps `0e-2000000000`
    // from costing two billion loop turns.
    if magnitude == 0 {
        return Some((negative, 0));
    }
    while scale > 0 {
        magnitude = magnitude.checked_mul(10)?;
        scale -= 1;
    }
    while scale < 0 {
        if !magnitude.is_multiple_of(10) {
            return None;
        }
        magnitude /= 10;
        scale += 1;
    }
    Some((negative, magnitude))
}

fn number_text(value: AttributeValue, expected: &'static str) -> Result<String, ConversionError> {
    match value {
        AttributeValue::N(n) => Ok(n),
        other => Err(ConversionError::unexpected(expected, &other)),
    }
}

macro_rules! integer {
    ($($t:ty $({ $($extra:tt)* })?),*) => {$(
        impl DynamoValue for $t {
            type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

            const EXPECTED: &'static str = concat!("an integer that fits ", stringify!($t));

            #[inline]
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
                Ok(Some(AttributeValue::N(itoa::Buffer::new().format(*self).to_owned())))
            }

            #[inline]
            fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
                super::parse_or_owned(text, |t| match t {
                    super::ScalarText::N(n) => n.parse::<$t>().ok(),
                    super::ScalarText::S(_) => None,
                })
            }

            #[inline]
            fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
                let text = number_text(value, Self::EXPECTED)?;
                if let Ok(n) = text.parse::<$t>() {
                    return Ok(n);
                }
                let out_of_range = || ConversionError::new(Self::EXPECTED, format!("number {text}"));
                let (negative, magnitude) = parse_whole(&text).ok_or_else(out_of_range)?;
                let signed = if negative {
                    0i128.checked_sub_unsigned(magnitude)
                } else {
                    i128::try_from(magnitude).ok()
                };
                match signed {
                    Some(v) => <$t>::try_from(v).map_err(|_| out_of_range()),
                    // Only u128 values above i128::MAX land here.
                    None if !negative => <$t>::try_from(magnitude).map_err(|_| out_of_range()),
                    None => Err(out_of_range()),
                }
            }

            $($($extra)*)?
        }

        impl ScalarAttribute for $t {
            const SCALAR_TYPE: ScalarType = ScalarType::Number;
        }

        impl KeyAttribute for $t {}
    )*};
}

integer!(i8, i16, i32, i64, isize, u16, u32, u64, usize, u8 {
    // A `Vec<u8>` is bytes, stored as binary rather than a list of numbers.
    #[inline]
    fn __encode_vec(items: &[Self]) -> Result<AttributeValue, ConversionError> {
        Ok(AttributeValue::B(aws_smithy_types::Blob::new(items.to_vec())))
    }

    #[inline]
    fn __decode_vec(value: AttributeValue) -> Result<Vec<Self>, ConversionError> {
        match value {
            AttributeValue::B(blob) => Ok(blob.into_inner()),
            other => Err(ConversionError::unexpected("binary (B)", &other)),
        }
    }
});

// i128 and u128 hold 39-digit values that DynamoDB would round: those are refused.
macro_rules! wide_integer {
    ($($t:ty => $abs:expr),*) => {$(
        impl DynamoValue for $t {
            type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

            const EXPECTED: &'static str =
                concat!("an integer that fits ", stringify!($t), " with at most 38 digits");

            #[inline]
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
                let abs: fn($t) -> u128 = $abs;
                if abs(*self) >= TEN_POW_38 {
                    return Err(ConversionError::new(
                        "a number of at most 38 digits (DynamoDB's precision)",
                        format!("{} ({} digits)", self, abs(*self).to_string().len()),
                    ));
                }
                Ok(Some(AttributeValue::N(itoa::Buffer::new().format(*self).to_owned())))
            }

            #[inline]
            fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
                super::parse_or_owned(text, |t| match t {
                    super::ScalarText::N(n) => n.parse::<$t>().ok(),
                    super::ScalarText::S(_) => None,
                })
            }

            #[inline]
            fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
                let text = number_text(value, Self::EXPECTED)?;
                if let Ok(n) = text.parse::<$t>() {
                    return Ok(n);
                }
                let out_of_range = || ConversionError::new(Self::EXPECTED, format!("number {text}"));
                let (negative, magnitude) = parse_whole(&text).ok_or_else(out_of_range)?;
                let value = if negative {
                    0i128.checked_sub_unsigned(magnitude).and_then(|v| <$t>::try_from(v).ok())
                } else {
                    <$t>::try_from(magnitude).ok()
                };
                value.ok_or_else(out_of_range)
            }
        }

        impl ScalarAttribute for $t {
            const SCALAR_TYPE: ScalarType = ScalarType::Number;
        }

        impl KeyAttribute for $t {}
    )*};
}

wide_integer!(i128 => |v| v.unsigned_abs(), u128 => |v| v);

/// DynamoDB's number range: magnitudes from 1e-130 up to (not including) 1e126.
const MAX_MAGNITUDE: f64 = 1e126;
const MIN_MAGNITUDE: f64 = 1e-130;

macro_rules! float {
    ($($t:ty),*) => {$(
        impl DynamoValue for $t {
            type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

            const EXPECTED: &'static str = concat!("a number that fits ", stringify!($t));

            #[inline]
            fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
                if !self.is_finite() {
                    return Err(ConversionError::new(
                        "a finite number (DynamoDB stores no NaN or infinity)",
                        self.to_string(),
                    ));
                }
                let magnitude = f64::from(self.abs());
                if magnitude >= MAX_MAGNITUDE || (magnitude != 0.0 && magnitude < MIN_MAGNITUDE) {
                    return Err(ConversionError::new(
                        "a number whose magnitude is between 1e-130 and 1e126 (DynamoDB's range)",
                        self.to_string(),
                    ));
                }
                Ok(Some(AttributeValue::N(ryu::Buffer::new().format_finite(*self).to_owned())))
            }

            #[inline]
            fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
                super::parse_or_owned(text, |t| match t {
                    super::ScalarText::N(n) => n.parse::<$t>().ok().filter(|n| n.is_finite()),
                    super::ScalarText::S(_) => None,
                })
            }

            #[inline]
            fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
                let text = number_text(value, Self::EXPECTED)?;
                match text.parse::<$t>() {
                    Ok(n) if n.is_finite() => Ok(n),
                    _ => Err(ConversionError::new(Self::EXPECTED, format!("number {text}"))),
                }
            }
        }
    )*};
}

float!(f32, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_in_any_notation() {
        assert_eq!(parse_whole("42"), Some((false, 42)));
        assert_eq!(parse_whole("-4.2E+1"), Some((true, 42)));
        assert_eq!(parse_whole("4200e-2"), Some((false, 42)));
        assert_eq!(parse_whole("1.50e1"), Some((false, 15)));
        assert_eq!(parse_whole("1.5"), None);
        assert_eq!(parse_whole("1e-1"), None);
        assert_eq!(parse_whole("1e38"), Some((false, 10u128.pow(38))));
        assert_eq!(parse_whole("1e39"), None); // over u128::MAX
        assert_eq!(parse_whole("0e-2147483648"), Some((false, 0)));
        assert_eq!(parse_whole("0.000e2147483647"), Some((false, 0)));
        assert_eq!(parse_whole("1e2147483647"), None);
        assert_eq!(parse_whole("1e-2147483648"), None);
        assert_eq!(parse_whole("1e"), None);
        assert_eq!(parse_whole("e5"), None);
        assert_eq!(parse_whole(""), None);
        assert_eq!(parse_whole("-"), None);
        assert_eq!(parse_whole("."), None);
        assert_eq!(parse_whole("1x"), None);
        assert_eq!(parse_whole("+4.2e1"), Some((false, 42)));
        assert_eq!(parse_whole("+0"), Some((false, 0)));
        // Trailing zeros of a fraction are skipped, not multiplied in: no overflow.
        let many_zeros = format!("1.{}", "0".repeat(40));
        assert_eq!(parse_whole(&many_zeros), Some((false, 1)));
        // A magnitude near u128's top with a zero fraction is not multiplied by ten.
        let top = format!("1{}.0", "0".repeat(38));
        assert_eq!(parse_whole(&top), Some((false, 10u128.pow(38))));
        assert_eq!(parse_whole("-0e3"), Some((true, 0)));
    }

    #[test]
    fn wide_integers_in_exponent_notation_with_signs() {
        let n = |s: &str| AttributeValue::N(s.to_owned());
        assert_eq!(
            i128::from_attribute_value(n("-1e37")),
            Ok(-(10i128.pow(37)))
        );
        assert_eq!(i128::from_attribute_value(n("-1.5E1")), Ok(-15));
        assert_eq!(i128::from_attribute_value(n("+1.5e1")), Ok(15));
        assert!(
            i128::from_attribute_value(n("-12e-1")).is_err(),
            "not whole"
        );
        assert_eq!(u128::from_attribute_value(n("-0e5")), Ok(0));
        assert!(u128::from_attribute_value(n("-1e0")).is_err(), "negative");
        assert_eq!(i64::from_attribute_value(n("+4.2e1")), Ok(42));
        assert_eq!(u8::from_attribute_value(n("2.55e2")), Ok(255));
        assert!(u8::from_attribute_value(n("2.56e2")).is_err());
        assert_eq!(i8::from_attribute_value(n("-1.28e2")), Ok(-128));
        assert!(i8::from_attribute_value(n("-1.29e2")).is_err());
    }

    #[test]
    fn floats_at_the_edges_of_dynamodbs_range() {
        assert!(1e126f64.to_attribute_value().is_err());
        assert!((-1e126f64).to_attribute_value().is_err());
        assert!(9.99e125f64.to_attribute_value().is_ok());
        assert!(1e-130f64.to_attribute_value().is_ok());
        assert!((-1e-130f64).to_attribute_value().is_ok());
        assert!(9.99e-131f64.to_attribute_value().is_err());
        assert_eq!(
            0.0f64.to_attribute_value(),
            Ok(Some(AttributeValue::N("0.0".into())))
        );
        assert_eq!(
            f64::from_attribute_value(AttributeValue::N("1e-130".into())),
            Ok(1e-130)
        );
    }

    #[test]
    fn integers_refuse_what_does_not_fit() {
        let n = |s: &str| AttributeValue::N(s.to_owned());
        assert_eq!(u8::from_attribute_value(n("255")), Ok(255));
        assert!(u8::from_attribute_value(n("256")).is_err());
        assert!(u8::from_attribute_value(n("-1")).is_err());
        assert_eq!(i8::from_attribute_value(n("-1.28e2")), Ok(-128));
        assert!(i64::from_attribute_value(n("1.5")).is_err());
        assert_eq!(u128::from_attribute_value(n("1e37")), Ok(10u128.pow(37)));
        assert!(i128::MAX.to_attribute_value().is_err());
        assert!(u128::MAX.to_attribute_value().is_err());
        let largest = TEN_POW_38 - 1;
        assert!(largest.to_attribute_value().is_ok());
        assert!((-(largest as i128)).to_attribute_value().is_ok());
    }

    #[test]
    fn floats_refuse_nan_infinity_and_out_of_range() {
        assert!(f64::NAN.to_attribute_value().is_err());
        assert!(f64::INFINITY.to_attribute_value().is_err());
        assert!(f32::NEG_INFINITY.to_attribute_value().is_err());
        assert!(1e200f64.to_attribute_value().is_err());
        assert!(1e-200f64.to_attribute_value().is_err());
        assert_eq!(
            0.1f32.to_attribute_value(),
            Ok(Some(AttributeValue::N("0.1".into())))
        );
        assert!(f32::from_attribute_value(AttributeValue::N("1e100".into())).is_err());
    }
}
