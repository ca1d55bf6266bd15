//! A stream record in one neutral form, whichever way it came: the Streams API, a
//! Lambda event, DynamoDB-JSON text. Decoding into `Change<T>` starts from here.

use std::time::SystemTime;

use super::ChangeKind;
use crate::sdk_item::Item;

/// A stream record before decoding: its kind, key attributes and images as stored.
///
/// ```
/// use dynamap::{changes::ChangeKind, changes::RawChange};
/// let raw = RawChange {
///     kind: ChangeKind::Insert,
///     keys: [("id".to_string(), aws_sdk_dynamodb::types::AttributeValue::S("u1".into()))].into(),
///     new_image: None,
///     old_image: None,
///     sequence_number: "100".into(),
///     shard_id: String::new(),
///     approximate_time: None,
///     expired: false,
/// };
/// assert_eq!(raw.kind, ChangeKind::Insert);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RawChange {
    /// Insert, modify or remove.
    pub kind: ChangeKind,
    /// The item's key attributes.
    pub keys: Item,
    /// The item after the change, if the record has it.
    pub new_image: Option<Item>,
    /// The item before the change, if the record has it.
    pub old_image: Option<Item>,
    /// The record's sequence number.
    pub sequence_number: String,
    /// The shard it was read from (empty for a record that came another way).
    pub shard_id: String,
    /// When DynamoDB wrote the record.
    pub approximate_time: Option<SystemTime>,
    /// Whether time to live removed the item.
    pub expired: bool,
}

/// The kind named by a record's `eventName`.
pub(crate) fn kind_named(name: &str) -> Option<ChangeKind> {
    match name {
        "INSERT" => Some(ChangeKind::Insert),
        "MODIFY" => Some(ChangeKind::Modify),
        "REMOVE" => Some(ChangeKind::Remove),
        _ => None,
    }
}

/// Whether a record's `userIdentity` is DynamoDB's time to live: AWS documents
/// `type` "Service" and `principalId` "dynamodb.amazonaws.com" for such removals.
pub(crate) fn is_expiry(kind: Option<&str>, principal: Option<&str>) -> bool {
    kind == Some("Service") && principal == Some("dynamodb.amazonaws.com")
}
