//! Item size as DynamoDB counts it against its 400 KB limit, so an oversized item fails
//! before it is sent (and before it costs a request).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::{Error, Item, Result};

/// DynamoDB's maximum item size: 400 KB, attribute names included.
///
/// ```
/// assert_eq!(dynamap::MAX_ITEM_SIZE, 409_600);
/// ```
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// The size of an item by DynamoDB's documented rules: names and strings in UTF-8
/// bytes, numbers about one byte per two significant digits plus one, one byte for
/// booleans and nulls, three bytes plus one per element for lists and maps.
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

fn number_size(n: &str) -> usize {
    let mantissa = n.split(['e', 'E']).next().unwrap_or(n);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits
        .trim_start_matches('0')
        .trim_end_matches('0')
        .len()
        .max(1);
    significant.div_ceil(2) + 1
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

/// DynamoDB's limit on nested levels of lists and maps.
const MAX_DEPTH: usize = 32;
/// DynamoDB's limit on the length of an attribute name.
const MAX_NAME_BYTES: usize = 65_535;

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
            return Err(crate::ConversionError::new(
                "attribute names of at most 65,535 bytes (DynamoDB's limit)",
                format!("a name of {longest} bytes"),
            )
            .in_attribute(prefix)
            .into());
        }
        if depth > MAX_DEPTH {
            return Err(crate::ConversionError::new(
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
            size,
            limit: MAX_ITEM_SIZE,
        });
    }
    Ok(())
}
