//! Item identity inside a batch: DynamoDB refuses two requests for one key in a batch.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::{ConversionError, Item, KeySchema, Result};

/// The key attributes of `item` as bytes, equal exactly when the keys are equal.
pub(crate) fn key_bytes(item: &Item, names: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for name in names {
        match item.get(*name) {
            Some(AttributeValue::S(s)) => {
                out.push(b'S');
                out.extend_from_slice(&(s.len() as u64).to_be_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            Some(AttributeValue::N(n)) => {
                // Key numbers are integers, which dynamap always writes in one form.
                out.push(b'N');
                out.extend_from_slice(&(n.len() as u64).to_be_bytes());
                out.extend_from_slice(n.as_bytes());
            }
            Some(AttributeValue::B(b)) => {
                out.push(b'B');
                out.extend_from_slice(&(b.as_ref().len() as u64).to_be_bytes());
                out.extend_from_slice(b.as_ref());
            }
            _ => out.push(b'-'),
        }
    }
    out
}

/// DynamoDB's limits on key values: 2,048 bytes for a partition key, 1,024 for a sort
/// key. Checked before a batch is sent, so one oversized key is refused on its own
/// instead of failing the 24 other requests of its batch.
pub(crate) fn check_key_sizes(item: &Item, schema: &KeySchema) -> Result<()> {
    let limits = [(Some(schema.partition_key), 2048), (schema.sort_key, 1024)];
    for (key, limit) in limits {
        let Some(key) = key else { continue };
        let size = match item.get(key.name) {
            Some(AttributeValue::S(s)) => s.len(),
            Some(AttributeValue::B(b)) => b.as_ref().len(),
            _ => 0,
        };
        if size > limit {
            return Err(ConversionError::new(
                if limit == 2048 {
                    "a partition key of at most 2,048 bytes (DynamoDB's limit)"
                } else {
                    "a sort key of at most 1,024 bytes (DynamoDB's limit)"
                },
                format!("{size} bytes"),
            )
            .in_attribute(key.name)
            .into());
        }
    }
    Ok(())
}
