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
/// assert_eq!(dynamap::value::item_size(&item), 5);
/// ```
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + shape(value, number_size).size)
        .sum()
}

/// An upper bound of [`number_size`], from the length alone: one byte per two digits
/// at most, plus the exponent byte and the sign's (`n.len() + 2` covers every form,
/// `0.01` and `1e5` included, since a stored digit pair is never more than a byte).
fn number_size_bound(n: &str) -> usize {
    n.len() + 2
}

/// DynamoDB stores a number in base 100: an exponent byte, one byte per base-100 digit
/// between the most and least significant non-zero digits, and a terminator byte for
/// negative numbers. One pass over the bytes: every number of every item written is
/// sized.
fn number_size(n: &str) -> usize {
    let bytes = n.as_bytes();
    let (negative, unsigned) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let (mantissa, exponent) = match unsigned.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(at) => {
            let (mantissa, marked) = unsigned.split_at(at);
            let exponent = std::str::from_utf8(marked.get(1..).unwrap_or_default()).ok();
            (
                mantissa,
                exponent.and_then(|e| e.parse::<i64>().ok()).unwrap_or(0),
            )
        }
        None => (unsigned, 0),
    };
    let integer_digits = mantissa
        .iter()
        .position(|&b| b == b'.')
        .unwrap_or(mantissa.len()) as i64;
    // The power of ten of the first and last non-zero digits.
    let mut first = None;
    let mut last = 0_i64;
    for (i, digit) in mantissa.iter().filter(|b| b.is_ascii_digit()).enumerate() {
        if *digit != b'0' {
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

/// What DynamoDB limits about one value, found in one walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// Its size by DynamoDB's rules (see [`item_size`]).
    size: usize,
    /// The deepest nesting of lists and maps in it (a scalar is 0).
    depth: usize,
    /// The longest map key inside it.
    longest_name: usize,
}

impl Shape {
    const fn scalar(size: usize) -> Self {
        Shape {
            size,
            depth: 0,
            longest_name: 0,
        }
    }

    /// A list or map of `elements` (each with its key's length, 0 in a list).
    fn container<'a>(
        elements: impl Iterator<Item = (usize, &'a AttributeValue)>,
        number: impl Fn(&str) -> usize + Copy,
    ) -> Self {
        let mut shape = Shape {
            size: 3,
            depth: 1,
            longest_name: 0,
        };
        for (key_len, element) in elements {
            let inner = self::shape(element, number);
            shape.size += 1 + key_len + inner.size;
            shape.depth = shape.depth.max(inner.depth + 1);
            shape.longest_name = shape.longest_name.max(inner.longest_name).max(key_len);
        }
        shape
    }
}

/// The shape of `value`, its numbers sized by `number`: [`number_size`] exactly, or
/// [`number_size_bound`] where a bound will do (generic, not a function pointer, so
/// the bound is inlined: every item written is walked).
fn shape(value: &AttributeValue, number: impl Fn(&str) -> usize + Copy) -> Shape {
    match value {
        AttributeValue::S(s) => Shape::scalar(s.len()),
        AttributeValue::N(n) => Shape::scalar(number(n)),
        AttributeValue::B(b) => Shape::scalar(b.as_ref().len()),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => Shape::scalar(1),
        AttributeValue::Ss(v) => Shape::scalar(v.iter().map(String::len).sum()),
        AttributeValue::Ns(v) => Shape::scalar(v.iter().map(|n| number(n)).sum()),
        AttributeValue::Bs(v) => Shape::scalar(v.iter().map(|b| b.as_ref().len()).sum()),
        AttributeValue::L(list) => Shape::container(list.iter().map(|e| (0, e)), number),
        AttributeValue::M(map) => Shape::container(map.iter().map(|(k, e)| (k.len(), e)), number),
        _ => Shape::scalar(0),
    }
}

/// Refuses an item DynamoDB would refuse for its shape: over 400 KB, an attribute name
/// over 64 KB, or lists and maps nested more than 32 deep. Every item written is
/// checked, so one walk does it, with numbers sized by a bound from their length;
/// only an item whose bound is over the limit has its numbers sized exactly.
pub(crate) fn check_item_size(item: &Item) -> Result<()> {
    let mut bound = 0;
    for (name, value) in item {
        let shape = shape(value, number_size_bound);
        let longest = shape.longest_name.max(name.len());
        // The attribute is named by its first characters: the name may be the problem.
        let prefix = || name.chars().take(20).collect::<String>();
        if longest > MAX_NAME_BYTES {
            return Err(crate::error::ConversionError::new(
                "attribute names of at most 65,535 bytes (DynamoDB's limit)",
                format!("a name of {longest} bytes"),
            )
            .in_attribute(prefix())
            .into());
        }
        if shape.depth > MAX_DEPTH {
            return Err(crate::error::ConversionError::new(
                "at most 32 levels of nested lists and maps (DynamoDB's limit)",
                format!("{} levels", shape.depth),
            )
            .in_attribute(prefix())
            .into());
        }
        bound += name.len() + shape.size;
    }
    if bound <= MAX_ITEM_SIZE {
        return Ok(());
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
            assert!(number_size_bound(number) >= size, "{number}");
        }
    }

    /// The bound never falls short of the exact size, whatever the digits.
    #[test]
    fn the_number_bound_is_never_below_the_size() {
        use proptest::prelude::*;
        let form = "[+-]?[0-9]{1,38}(\\.[0-9]{0,20})?([eE][+-]?[0-9]{1,3})?";
        proptest!(|(n in form)| {
            prop_assert!(number_size_bound(&n) >= number_size(&n), "{}", n);
        });
    }

    /// An item whose bound is over the limit but whose exact size is not is accepted:
    /// the bound only decides when to size exactly.
    #[test]
    fn an_item_just_under_the_limit_by_its_numbers_is_accepted() {
        // 10,000 numbers of 39 characters: 41 bytes each by the bound, 21 exactly.
        let numbers: Vec<AttributeValue> = (0..10_000)
            .map(|_| AttributeValue::N("-12345678901234567890123456789012345678".into()))
            .collect();
        let item: Item = [("n".to_owned(), AttributeValue::L(numbers))].into();
        let exact = item_size(&item);
        assert!(exact <= MAX_ITEM_SIZE, "{exact}");
        let bound: usize = 1 + shape(&item["n"], number_size_bound).size;
        assert!(bound > MAX_ITEM_SIZE, "{bound}");
        assert!(check_item_size(&item).is_ok());
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
            assert_eq!(shape(&value, number_size).size, size, "{value:?}");
            assert!(shape(&value, number_size_bound).size >= size, "{value:?}");
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
        let depth_and_name = |v: &AttributeValue| {
            let shape = shape(v, number_size);
            (shape.depth, shape.longest_name)
        };
        assert_eq!(depth_and_name(&nested(3, true)), (3, 0));
        assert_eq!(depth_and_name(&nested(2, false)), (2, 1));
        assert_eq!(depth_and_name(&AttributeValue::N("1".into())), (0, 0));

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
