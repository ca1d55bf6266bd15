//! Decoding from attribute values another crate owns (a Lambda record's serde_dynamo
//! images, which the handler only lends): a number, uuid or timestamp is parsed from the
//! borrowed text, so it costs no copy; anything else is converted once, straight from
//! the borrowed value.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::DynamoValue;
use crate::error::ConversionError;

/// A scalar attribute's text, borrowed from wherever the value lives.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarText<'a> {
    /// A string (`S`).
    S(&'a str),
    /// A number (`N`), as DynamoDB writes it.
    N(&'a str),
}

impl ScalarText<'_> {
    /// The owned value, for the types that keep the text or to report an error exactly
    /// as the owned path does.
    pub fn to_owned_value(self) -> AttributeValue {
        match self {
            ScalarText::S(s) => AttributeValue::S(s.to_owned()),
            ScalarText::N(n) => AttributeValue::N(n.to_owned()),
        }
    }
}

/// Decodes `text` with `parse`, falling back to the owned path (which gives the error
/// the type gives for that value) when `parse` declines.
#[doc(hidden)]
#[inline(always)]
pub fn parse_or_owned<T: DynamoValue>(
    text: ScalarText<'_>,
    parse: impl FnOnce(ScalarText<'_>) -> Option<T>,
) -> Result<T, ConversionError> {
    match parse(text) {
        Some(value) => Ok(value),
        None => T::from_attribute_value(text.to_owned_value()),
    }
}

/// An item owned, from pairs of any source: what a type that cannot decode pairs in
/// place reads instead.
pub(crate) fn owned_item<'a, V: AttributeSource>(
    pairs: impl IntoIterator<Item = (&'a str, V)>,
) -> crate::sdk_item::Item {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.into_owned()))
        .collect()
}

/// Where a struct's fields are decoded from: the SDK's values (owned, moved into the
/// field) or another representation's, borrowed.
#[doc(hidden)]
pub trait AttributeSource: Sized {
    /// Decodes the value as a `T`.
    fn decode<T: DynamoValue>(self) -> Result<T, ConversionError>;
    /// Whether the value is `NULL` (a `#[dynamo(default)]` field takes its default).
    fn is_null(&self) -> bool;
    /// The value as the SDK's type (for the codecs that need it whole).
    fn into_owned(self) -> AttributeValue;
}

impl AttributeSource for AttributeValue {
    #[inline(always)]
    fn decode<T: DynamoValue>(self) -> Result<T, ConversionError> {
        T::from_attribute_value(self)
    }

    #[inline(always)]
    fn is_null(&self) -> bool {
        matches!(self, AttributeValue::Null(_))
    }

    #[inline(always)]
    fn into_owned(self) -> AttributeValue {
        self
    }
}

impl AttributeSource for &serde_dynamo::AttributeValue {
    #[inline]
    fn decode<T: DynamoValue>(self) -> Result<T, ConversionError> {
        match self {
            serde_dynamo::AttributeValue::S(s) => T::__from_text(ScalarText::S(s)),
            serde_dynamo::AttributeValue::N(n) => T::__from_text(ScalarText::N(n)),
            other => T::from_attribute_value(other.into_owned()),
        }
    }

    #[inline]
    fn is_null(&self) -> bool {
        matches!(self, serde_dynamo::AttributeValue::Null(_))
    }

    fn into_owned(self) -> AttributeValue {
        use serde_dynamo::AttributeValue as V;
        match self {
            V::S(s) => AttributeValue::S(s.clone()),
            V::N(n) => AttributeValue::N(n.clone()),
            V::Bool(b) => AttributeValue::Bool(*b),
            V::Null(n) => AttributeValue::Null(*n),
            V::B(b) => AttributeValue::B(Blob::new(b.clone())),
            V::Ss(s) => AttributeValue::Ss(s.clone()),
            V::Ns(n) => AttributeValue::Ns(n.clone()),
            V::Bs(b) => AttributeValue::Bs(b.iter().map(|b| Blob::new(b.clone())).collect()),
            V::L(l) => AttributeValue::L(l.iter().map(AttributeSource::into_owned).collect()),
            V::M(m) => AttributeValue::M(
                m.iter()
                    .map(|(k, v)| (k.clone(), AttributeSource::into_owned(v)))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_dynamo::AttributeValue as V;

    #[test]
    fn borrowed_values_convert_as_serde_dynamo_does() {
        let value = V::M(
            [
                ("s", V::S("x".into())),
                ("n", V::N("1.5".into())),
                ("b", V::B(vec![1, 2])),
                ("t", V::Bool(true)),
                ("z", V::Null(true)),
                ("ss", V::Ss(vec!["a".into(), "b".into()])),
                ("ns", V::Ns(vec!["1".into()])),
                ("bs", V::Bs(vec![vec![1]])),
                ("l", V::L(vec![V::S("y".into()), V::M(Default::default())])),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        );
        let expected: AttributeValue = value.clone().into();
        assert_eq!((&value).into_owned(), expected);
    }

    fn same_error<T: DynamoValue + std::fmt::Debug>(value: V) {
        let borrowed = (&value).decode::<T>().unwrap_err().to_string();
        let owned = T::from_attribute_value(value.into())
            .unwrap_err()
            .to_string();
        assert_eq!(borrowed, owned);
    }

    #[test]
    fn scalars_decode_from_the_borrowed_text_as_the_owned_values_do() {
        assert_eq!((&V::N("42".into())).decode::<u8>().unwrap(), 42);
        assert_eq!((&V::N("1e2".into())).decode::<u8>().unwrap(), 100);
        assert_eq!((&V::N("-0.5".into())).decode::<f64>().unwrap(), -0.5);
        same_error::<u8>(V::N("256".into()));
        same_error::<u8>(V::S("1".into()));
        same_error::<String>(V::N("42".into()));
        let s = V::S("hi".into());
        assert_eq!(
            (&s).decode::<Option<String>>().unwrap().as_deref(),
            Some("hi")
        );
        assert!((&V::Null(true)).is_null());
        assert_eq!((&V::Null(true)).decode::<Option<u8>>().unwrap(), None);
    }
}
