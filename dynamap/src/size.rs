//! Item size as DynamoDB counts it against its 400 KB limit, so an oversized item fails
//! before it is sent (and before it costs a request).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{Error, Result};
use crate::sdk_item::Item;

use crate::limits::{
    MAX_ATTRIBUTE_NAME_BYTES as MAX_NAME_BYTES, MAX_ITEM_SIZE, MAX_NESTING_DEPTH as MAX_DEPTH,
};

/// The size of an item by DynamoDB's rules: names and strings in UTF-8 bytes, binary in
/// bytes, one byte for booleans and nulls, sets as the sum of their elements, three
/// bytes plus one per element for lists and maps (plus each map key), and numbers as
/// DynamoDB stores them: one byte, plus one per pair of digits counted from the decimal
/// point (`101` is `01 01`: 3 bytes; `1234` is `12 34`: 3), plus one when negative.
/// Zero is one byte. Checked against DynamoDB Local for each attribute type at exactly
/// 409,600 bytes.
///
/// ```
/// use aws_sdk_dynamodb::types::AttributeValue;
/// let item = std::collections::HashMap::from([("id".to_string(), AttributeValue::S("abc".into()))]);
/// assert_eq!(dynamap::item_size(&item), 5);
/// ```
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

/// DynamoDB stores a number in base 100: an exponent byte, one byte per base-100 digit
/// between the most and least significant non-zero digits, and a terminator byte for
/// negative numbers.
fn number_size(n: &str) -> usize {
    let (negative, unsigned) = match n.as_bytes().first() {
        Some(b'-') => (true, n.get(1..).unwrap_or("")),
        Some(b'+') => (false, n.get(1..).unwrap_or("")),
        _ => (false, n),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i64>().unwrap_or(0)),
        None => (unsigned, 0),
    };
    let integer_digits = mantissa.split('.').next().unwrap_or("").len() as i64;
    // The power of ten of the first and last non-zero digits.
    let mut first = None;
    let mut last = 0_i64;
    for (i, digit) in mantissa.bytes().filter(u8::is_ascii_digit).enumerate() {
        if digit != b'0' {
            let power = (integer_digits - 1 - i as i64).saturating_add(exponent);
            first.get_or_insert(power);
            last = power;
        }
    }
    let Some(first) = first else {
        return 1; // zero, however it is written
    };
    let pairs = first.div_euclid(2) - last.div_euclid(2) + 1;
    usize::try_from(pairs).unwrap_or(0) + 1 + usize::from(negative)
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(v) => 3 + v.iter().map(|e| 1 + value_size(e)).sum::<usize>(),
        AttributeValue::M(m) => {
            3 + m
                .iter()
                .map(|(k, e)| 1 + k.len() + value_size(e))
                .sum::<usize>()
        }
        _ => 0,
    }
}

/// The deepest nesting of lists and maps in `value` (a scalar is 0), and the longest
/// map key inside it.
fn depth_and_longest_name(value: &AttributeValue) -> (usize, usize) {
    match value {
        AttributeValue::L(list) => list
            .iter()
            .map(depth_and_longest_name)
            .fold((1, 0), |(d, n), (cd, cn)| (d.max(cd + 1), n.max(cn))),
        AttributeValue::M(map) => map
            .iter()
            .map(|(k, v)| {
                let (cd, cn) = depth_and_longest_name(v);
                (cd, cn.max(k.len()))
            })
            .fold((1, 0), |(d, n), (cd, cn)| (d.max(cd + 1), n.max(cn))),
        _ => (0, 0),
    }
}

/// Refuses an item DynamoDB would refuse for its shape: over 400 KB, an attribute name
/// over 64 KB, or lists and maps nested more than 32 deep.
pub(crate) fn check_item_size(item: &Item) -> Result<()> {
    for (name, value) in item {
        let (depth, longest) = depth_and_longest_name(value);
        let longest = longest.max(name.len());
        let prefix: String = name.chars().take(20).collect();
        if longest > MAX_NAME_BYTES {
            return Err(crate::error::ConversionError::new(
                "attribute names of at most 65,535 bytes (DynamoDB's limit)",
                format!("a name of {longest} bytes"),
            )
            .in_attribute(prefix)
            .into());
        }
        if depth > MAX_DEPTH {
            return Err(crate::error::ConversionError::new(
                "at most 32 levels of nested lists and maps (DynamoDB's limit)",
                format!("{depth} levels"),
            )
            .in_attribute(prefix)
            .into());
        }
    }
    let size = item_size(item);
    if size > MAX_ITEM_SIZE {
        return Err(Error::ItemTooLarge {
            size: Some(size),
            limit: MAX_ITEM_SIZE,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes DynamoDB Local reports (the longest padding it accepts beside the number,
    /// subtracted from 409,600), one per rule: alignment to the decimal point, trimmed
    /// zeros, signs, exponents, 38 digits.
    #[test]
    fn numbers_are_sized_as_the_server_sizes_them() {
        for (number, size) in [
            ("0", 1),
            ("-0", 1),
            ("0.000", 1),
            ("1", 2),
            ("+5", 2),
            ("+12", 2),
            ("+101", 3),
            ("007", 2),
            ("1.000", 2),
            ("10", 2),
            ("12", 2),
            ("100", 2),
            ("101", 3),
            ("123", 3),
            ("1234", 3),
            ("1.1", 3),
            ("12.5", 3),
            ("1.25", 3),
            ("0.1", 2),
            ("0.01", 2),
            ("0.001", 2),
            ("123.456", 5),
            ("-1", 3),
            ("-12", 3),
            ("-123", 4),
            ("-0.5", 3),
            ("1e10", 2),
            ("1e-130", 2),
            ("9.9999999999999999999999999999999999999e125", 20),
            ("12345678901234567890123456789012345678", 20),
            ("-12345678901234567890123456789012345678", 21),
            ("1234567890123456789012345678901234567", 20),
        ] {
            assert_eq!(number_size(number), size, "{number}");
        }
    }

    /// Sizes DynamoDB Local reports for every other attribute type.
    #[test]
    fn every_type_is_sized_as_the_server_sizes_it() {
        use aws_sdk_dynamodb::primitives::Blob;
        let n = |s: &str| AttributeValue::N(s.into());
        for (value, size) in [
            (AttributeValue::S("ab".into()), 2),
            (AttributeValue::S("é".into()), 2),
            (AttributeValue::B(Blob::new(vec![0, 1, 2])), 3),
            (AttributeValue::Bool(true), 1),
            (AttributeValue::Null(true), 1),
            (AttributeValue::L(vec![]), 3),
            (AttributeValue::L(vec![n("1")]), 6),
            (AttributeValue::L(vec![n("1"), n("1")]), 9),
            (AttributeValue::L(vec![AttributeValue::S("ab".into())]), 6),
            (AttributeValue::M(Default::default()), 3),
            (AttributeValue::M([("a".to_owned(), n("1"))].into()), 7),
            (
                AttributeValue::M([("a".to_owned(), AttributeValue::S("ab".into()))].into()),
                7,
            ),
            (AttributeValue::Ns(vec!["1".into()]), 2),
            (AttributeValue::Ns(vec!["1".into(), "2".into()]), 4),
            (AttributeValue::Ns(vec!["1".into(), "123".into()]), 5),
            (AttributeValue::Ss(vec!["ab".into(), "c".into()]), 3),
            (
                AttributeValue::Bs(vec![Blob::new(vec![1]), Blob::new(vec![2, 3])]),
                3,
            ),
        ] {
            assert_eq!(value_size(&value), size, "{value:?}");
        }
    }

    /// DynamoDB accepts 32 levels of nested lists and maps and names of 65,535 bytes.
    #[test]
    fn nesting_and_name_limits_are_inclusive() {
        fn nested(levels: usize, list: bool) -> AttributeValue {
            let mut value = AttributeValue::S("x".into());
            for _ in 0..levels {
                value = if list {
                    AttributeValue::L(vec![value])
                } else {
                    AttributeValue::M([("k".to_owned(), value)].into())
                };
            }
            value
        }
        for list in [true, false] {
            let at: Item = [("a".to_owned(), nested(32, list))].into();
            assert!(check_item_size(&at).is_ok(), "32 levels, list: {list}");
            let over: Item = [("a".to_owned(), nested(33, list))].into();
            let err = check_item_size(&over).unwrap_err();
            assert!(err.to_string().contains("33 levels"), "{err}");
        }
        assert_eq!(depth_and_longest_name(&nested(3, true)), (3, 0));
        assert_eq!(depth_and_longest_name(&nested(2, false)), (2, 1));
        assert_eq!(
            depth_and_longest_name(&AttributeValue::N("1".into())),
            (0, 0)
        );

        let name = |len: usize| "n".repeat(len);
        let at: Item = [(name(65_535), AttributeValue::Bool(true))].into();
        assert!(check_item_size(&at).is_ok());
        let over: Item = [(name(65_536), AttributeValue::Bool(true))].into();
        assert!(check_item_size(&over)
            .unwrap_err()
            .to_string()
            .contains("65536 bytes"));
        // A long map key inside an attribute counts too.
        let inner: Item = [(
            "a".to_owned(),
            AttributeValue::M([(name(65_536), AttributeValue::Null(true))].into()),
        )]
        .into();
        assert!(check_item_size(&inner).is_err());
        let inner_at: Item = [(
            "a".to_owned(),
            AttributeValue::M([(name(65_535), AttributeValue::Null(true))].into()),
        )]
        .into();
        assert!(check_item_size(&inner_at).is_ok());
    }

    #[test]
    fn the_limit_is_inclusive() {
        let item =
            |pad: usize| -> Item { [("p".to_owned(), AttributeValue::S("a".repeat(pad)))].into() };
        assert!(check_item_size(&item(MAX_ITEM_SIZE - 1)).is_ok());
        assert!(matches!(
            check_item_size(&item(MAX_ITEM_SIZE)),
            Err(Error::ItemTooLarge {
                size: Some(409_601),
                limit: 409_600
            })
        ));
    }
}
