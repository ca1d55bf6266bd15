//! A key's identity, and DynamoDB's limits on key values. DynamoDB refuses two
//! requests for one item in a batch or a transaction.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{ConversionError, Result};
use crate::item::KeySchema;
use crate::limits::{MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES};
use crate::sdk_item::Item;

/// How sets and maps of key identities hash them: foldhash (hashbrown's own default),
/// seeded once per process. Batches keep every key they read or write in such sets,
/// where SipHash cost more CPU than the rest of their bookkeeping together.
pub(crate) type IdentityHasher = foldhash::fast::FixedState;

/// An [`IdentityHasher`]; all of them hash alike within one process.
pub(crate) fn identity_hasher() -> IdentityHasher {
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    foldhash::fast::FixedState::with_seed(*SEED.get_or_init(|| fastrand::u64(..)))
}

/// The key attributes of `item` as bytes, equal exactly when the keys are equal.
pub(crate) fn identity(item: &Item, schema: &KeySchema) -> Vec<u8> {
    let mut out = Vec::new();
    identity_into(item, schema, &mut out);
    out
}

/// [`identity`] written into `out` (cleared first), so a loop of lookups reuses one
/// buffer.
pub(crate) fn identity_into(item: &Item, schema: &KeySchema, out: &mut Vec<u8>) {
    out.clear();
    for name in schema.names() {
        push_identity(item.get(name), out);
    }
}

/// One key attribute's part of an identity.
fn push_identity(value: Option<&AttributeValue>, out: &mut Vec<u8>) {
    let (tag, bytes) = match value {
        Some(AttributeValue::S(s)) => (b'S', s.as_bytes()),
        // Key numbers are integers, which dynamap always writes in one form.
        Some(AttributeValue::N(n)) => (b'N', n.as_bytes()),
        Some(AttributeValue::B(b)) => (b'B', b.as_ref()),
        _ => {
            out.push(b'-');
            return;
        }
    };
    out.push(tag);
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Checks the key values of an item about to be written against DynamoDB's limits
/// ([`check_key_value`]): one lookup per key attribute, for every item of a batch
/// write. A missing key attribute is left to the server, which names it.
pub(crate) fn check_key(item: &Item, schema: &KeySchema) -> Result<()> {
    let roles = [
        (Some(schema.partition_key), KeyRole::Partition),
        (schema.sort_key, KeyRole::Sort),
    ];
    for (key, role) in roles {
        let Some(key) = key else { continue };
        if let Some(value) = item.get(key.name) {
            check_key_value(key.name, value, Some(role))?;
        }
    }
    Ok(())
}

/// Which key an attribute is, for its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRole {
    /// At most 2,048 bytes.
    Partition,
    /// At most 1,024 bytes.
    Sort,
}

/// The one check of a key value against DynamoDB's rules: never empty (DynamoDB
/// refuses empty strings and binaries in keys), and, where the role is known, within
/// its size limit.
pub(crate) fn check_key_value(
    name: &str,
    value: &AttributeValue,
    role: Option<KeyRole>,
) -> std::result::Result<(), ConversionError> {
    let size = match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::B(b) => b.as_ref().len(),
        _ => return Ok(()),
    };
    if size == 0 {
        return Err(ConversionError::new(
            "a non-empty key (DynamoDB refuses empty strings and binaries in keys)",
            "an empty value",
        )
        .in_attribute(name.to_owned()));
    }
    let (limit, expected) = match role {
        Some(KeyRole::Partition) => (
            MAX_PARTITION_KEY_BYTES,
            "a partition key of at most 2,048 bytes (DynamoDB's limit)",
        ),
        Some(KeyRole::Sort) => (
            MAX_SORT_KEY_BYTES,
            "a sort key of at most 1,024 bytes (DynamoDB's limit)",
        ),
        None => return Ok(()),
    };
    if size > limit {
        return Err(
            ConversionError::new(expected, format!("{size} bytes")).in_attribute(name.to_owned())
        );
    }
    Ok(())
}
