//! `rust_decimal::Decimal` as a number (N), exact both ways: written from its own
//! decimal text, read with `from_str_exact`, never through a float. Written normalised
//! (`1.50` as `1.5`), as DynamoDB keeps numbers, so one value has one form (keys
//! compare by it).

use aws_sdk_dynamodb::types::AttributeValue;
use rust_decimal::Decimal;

use super::{DynamoValue, KeyAttribute, ScalarAttribute, ScalarType};
use crate::error::ConversionError;

impl DynamoValue for Decimal {
    type Path<P: crate::path::PathParent> = crate::path::Leaf<P, Self>;

    const EXPECTED: &'static str =
        "a number (N) that rust_decimal::Decimal holds exactly (at most 28 significant digits)";

    #[inline]
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
        Ok(Some(AttributeValue::N(self.normalize().to_string())))
    }

    #[inline]
    fn __from_text(text: super::ScalarText<'_>) -> Result<Self, ConversionError> {
        super::parse_or_owned(text, |t| match t {
            super::ScalarText::N(n) if !n.contains(['e', 'E']) => Decimal::from_str_exact(n).ok(),
            _ => None,
        })
    }

    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
        match value {
            AttributeValue::N(n) => {
                let exact = match n.contains(['e', 'E']) {
                    true => plain(&n).and_then(|p| Decimal::from_str_exact(&p).ok()),
                    false => Decimal::from_str_exact(&n).ok(),
                };
                exact.ok_or_else(|| ConversionError::new(Self::EXPECTED, format!("number {n}")))
            }
            other => Err(ConversionError::unexpected(Self::EXPECTED, &other)),
        }
    }
}

/// `1.25E+2` as `125`: the same number without an exponent, digit for digit, so the
/// exact parse judges it (`None` for an exponent no `Decimal` could need).
fn plain(text: &str) -> Option<String> {
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let exponent: i32 = exponent.parse().ok().filter(|e: &i32| e.abs() <= 64)?;
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int_part.chars().chain(frac_part.chars())).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    // Where the point goes, counted from the left of `digits`.
    let point = i32::try_from(int_part.len()).ok()? + exponent;
    let text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(usize::try_from(-point).ok()?))
    } else if usize::try_from(point).ok()? >= digits.len() {
        format!(
            "{digits}{}",
            "0".repeat(usize::try_from(point).ok()? - digits.len())
        )
    } else {
        let (whole, fraction) = digits.split_at(usize::try_from(point).ok()?);
        format!("{whole}.{fraction}")
    };
    Some(format!("{sign}{text}"))
}

impl ScalarAttribute for Decimal {
    const SCALAR_TYPE: ScalarType = ScalarType::Number;
}

impl KeyAttribute for Decimal {}

impl crate::path::ListElement for Decimal {}

impl crate::path::Numeric for Decimal {
    type Number = Decimal;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_owned())
    }

    #[test]
    fn exact_both_ways() {
        for text in [
            "0",
            "1.5",
            "-0.000000000000000000000000001",
            "79228162514264337593543950335",
            "12345.6789",
        ] {
            let d = Decimal::from_attribute_value(n(text)).unwrap();
            assert_eq!(d.to_attribute_value().unwrap(), Some(n(text)), "{text}");
        }
        assert_eq!(
            Decimal::new(150, 2).to_attribute_value().unwrap(),
            Some(n("1.5"))
        );
        assert_eq!(
            Decimal::from_attribute_value(n("1.2E+3")).unwrap(),
            Decimal::new(1200, 0)
        );
        // More digits than a Decimal holds: an error, not a rounding.
        let err = Decimal::from_attribute_value(n("1.00000000000000000000000000001")).unwrap_err();
        assert!(err.to_string().contains("exactly"), "{err}");
        assert!(Decimal::from_attribute_value(n("123456789012345678901234567890123456")).is_err());
        assert_eq!(
            Decimal::from_attribute_value(n("-2.5e-3")).unwrap(),
            Decimal::new(-25, 4)
        );
        assert_eq!(
            Decimal::from_attribute_value(n("25E1")).unwrap(),
            Decimal::new(250, 0)
        );
        assert!(Decimal::from_attribute_value(n("1E+100")).is_err());
    }
}
