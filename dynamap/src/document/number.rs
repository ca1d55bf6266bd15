//! Numbers as DynamoDB keeps them: exact decimal text, up to 38 digits.

use std::fmt;
use std::str::FromStr;

use crate::error::ConversionError;

/// A DynamoDB number, kept as its exact decimal text so nothing is rounded on the way
/// through; convert with [`as_i64`](Number::as_i64), [`as_f64`](Number::as_f64), ...
///
/// ```
/// use dynamap::document::Number;
/// let n: Number = "12345678901234567890123456789012345678".parse()?;
/// assert_eq!(n.as_i64(), None); // too big, and said so rather than rounded
/// assert_eq!(Number::from(42u8).as_i64(), Some(42));
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    pub(crate) fn from_dynamodb(text: String) -> Self {
        Number(text)
    }

    /// A finite float as a number; `None` for NaN and infinities, which DynamoDB refuses.
    ///
    /// ```
    /// assert!(dynamap::document::Number::from_f64(0.5).is_some());
    /// assert!(dynamap::document::Number::from_f64(f64::NAN).is_none());
    /// ```
    pub fn from_f64(f: f64) -> Option<Self> {
        f.is_finite()
            .then(|| Number(ryu::Buffer::new().format_finite(f).to_owned()))
    }

    /// The decimal text.
    ///
    /// ```
    /// assert_eq!(dynamap::document::Number::from(7).as_str(), "7");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an `i64`, when it is a whole number that fits.
    ///
    /// ```
    /// assert_eq!(dynamap::document::Number::from(-3).as_i64(), Some(-3));
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        use crate::value::DynamoValue;
        i64::from_attribute_value(aws_sdk_dynamodb::types::AttributeValue::N(self.0.clone())).ok()
    }

    /// The value as a `u64`, when it is a whole number that fits.
    ///
    /// ```
    /// assert_eq!(dynamap::document::Number::from(3u64).as_u64(), Some(3));
    /// ```
    pub fn as_u64(&self) -> Option<u64> {
        use crate::value::DynamoValue;
        u64::from_attribute_value(aws_sdk_dynamodb::types::AttributeValue::N(self.0.clone())).ok()
    }

    /// The value as the nearest `f64`.
    ///
    /// ```
    /// assert_eq!(dynamap::document::Number::from_f64(0.25).and_then(|n| n.as_f64()), Some(0.25));
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        self.0.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                Number(itoa::Buffer::new().format(n).to_owned())
            }
        }
    )*};
}

from_integer!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Parses decimal text, refusing what DynamoDB would refuse: not a number, NaN,
/// infinity, more than 38 significant digits.
impl FromStr for Number {
    type Err = ConversionError;

    fn from_str(s: &str) -> Result<Self, ConversionError> {
        let invalid =
            || ConversionError::new("a decimal number of at most 38 digits", format!("{s:?}"));
        let body = s.strip_prefix(['-', '+']).unwrap_or(s);
        let mantissa = body.split(['e', 'E']).next().unwrap_or(body);
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        let exponent_ok = match body.split_once(['e', 'E']) {
            Some((_, exponent)) => exponent.parse::<i32>().is_ok(),
            None => true,
        };
        if digits.is_empty()
            || !digits.chars().all(|c| c.is_ascii_digit())
            || mantissa.matches('.').count() > 1
            || !exponent_ok
        {
            return Err(invalid());
        }
        let significant = digits.trim_start_matches('0').trim_end_matches('0');
        if significant.len() > 38 {
            return Err(invalid());
        }
        Ok(Number(s.to_owned()))
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
