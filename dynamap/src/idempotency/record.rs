//! The stored form of an idempotent call: one item per key.

use std::time::SystemTime;

use crate::document::Value;
use dynamap_derive::{DynamoItem, DynamoValue};

/// An idempotent call as stored: one item per key, in a table whose partition key is
/// `id` (a string), with time to live on `expiration`. The attribute names are those
/// of Powertools for AWS Lambda's idempotency utility; the result in `data` is stored
/// as a DynamoDB value, not as JSON text.
///
/// ```
/// use dynamap::{idempotency::IdempotencyRecord, DynamoItem};
/// assert_eq!(IdempotencyRecord::KEY_SCHEMA.partition_key.name, "id");
/// assert_eq!(IdempotencyRecord::TTL_ATTRIBUTE, Some("expiration"));
/// ```
#[derive(DynamoItem, Debug, Clone, PartialEq)]
// Kept out of users' compiler suggestions for their own types.
#[dynamo(do_not_recommend)]
pub struct IdempotencyRecord {
    /// The store's name, `#`, and the caller's key.
    #[dynamo(partition_key)]
    pub id: String,
    /// Running, or done with a result.
    pub status: IdempotencyStatus,
    /// When the record expires (whole epoch seconds; the table's time to live): after
    /// it, the key runs again.
    #[dynamo(ttl)]
    pub expiration: SystemTime,
    /// While running: when the claim lapses (epoch milliseconds), after which another
    /// call may run the key (the first crashed, or outlived its bound).
    pub in_progress_expiration: Option<u64>,
    /// SHA-256 of the first call's payload, in hex.
    pub validation: Option<String>,
    /// The handler's result, once completed.
    pub data: Option<Value>,
    /// The claiming call's random id: only it completes or deletes the record.
    pub attempt: String,
}

/// Where an idempotent call stands.
///
/// ```
/// use dynamap::{idempotency::IdempotencyStatus, DynamoValue};
/// let stored = IdempotencyStatus::InProgress.to_attribute_value()?.unwrap();
/// assert_eq!(stored.as_s().unwrap(), "INPROGRESS");
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq)]
#[dynamo(do_not_recommend)]
pub enum IdempotencyStatus {
    /// A call is running the handler.
    #[dynamo(rename = "INPROGRESS")]
    InProgress,
    /// The handler finished; the record holds its result.
    #[dynamo(rename = "COMPLETED")]
    Completed,
}
