//! Item identity inside a batch: DynamoDB refuses two requests for one key in a batch.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::Item;

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
