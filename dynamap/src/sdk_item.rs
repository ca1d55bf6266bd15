//! An item as the SDK holds it: what every layer of dynamap passes around, so it has a
//! home below them all.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

/// One DynamoDB item as the SDK represents it: attribute names to values.
///
/// ```
/// use aws_sdk_dynamodb::types::AttributeValue;
/// let item: dynamap::value::Item = [("id".to_string(), AttributeValue::S("u1".into()))].into();
/// ```
pub type Item = HashMap<String, AttributeValue>;
