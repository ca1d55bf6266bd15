//! DynamoDB's documented limits, in one place, so every check that refuses a request
//! before sending uses the same numbers.

/// DynamoDB's maximum item size: 400 KB, attribute names included.
///
/// ```
/// assert_eq!(dynamap::value::MAX_ITEM_SIZE, 409_600);
/// ```
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// The longest expression string (update, condition, filter, key condition,
/// projection).
pub(crate) const MAX_EXPRESSION_BYTES: usize = 4096;

/// The most actions in one transaction (TransactWriteItems or TransactGetItems).
pub(crate) const MAX_TRANSACTION_ACTIONS: usize = 100;

/// The most requests in one BatchWriteItem.
pub(crate) const WRITES_PER_BATCH: usize = 25;

/// The most keys in one BatchGetItem.
pub(crate) const KEYS_PER_BATCH: usize = 100;

/// The longest partition key value, in bytes.
pub(crate) const MAX_PARTITION_KEY_BYTES: usize = 2048;

/// The longest sort key value, in bytes.
pub(crate) const MAX_SORT_KEY_BYTES: usize = 1024;

/// The deepest nesting of lists and maps.
pub(crate) const MAX_NESTING_DEPTH: usize = 32;

/// The longest attribute name, in bytes.
pub(crate) const MAX_ATTRIBUTE_NAME_BYTES: usize = 65_535;
