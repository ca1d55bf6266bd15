//! Typed change feeds: a table's DynamoDB Stream (or a Lambda event's records) as
//! `Change<T>`, with a cursor a consumer saves to resume after a restart.
//!
//! What is guaranteed, precisely:
//! - **Within one run** of a feed, each stream record is delivered once, and the changes
//!   of one item (one key) come in the order they were made: a shard is read only after
//!   its parent shard is read to its end, and a reader that loses its place (an expired
//!   iterator) resumes right after the last record it delivered.
//! - **Across a restart**, a feed started from a saved `ChangeCursor` delivers every
//!   change after the cursor's positions, and may deliver again the changes made after
//!   the last position the consumer saved (at least once): save the cursor after
//!   handling a change, and make handling idempotent.
//! - **Not guaranteed**: order between different items (their records may sit in
//!   different shards); changes older than the stream's retention (24 hours on AWS),
//!   which DynamoDB trims: a cursor pointing at trimmed records yields one
//!   [`Error::ChangesTrimmed`](crate::error::Error::ChangesTrimmed) and goes on from the oldest
//!   record still kept.

#[cfg(feature = "change-feed")]
mod client;
#[cfg(feature = "change-feed")]
mod cursor;
mod decode;
#[cfg(feature = "change-feed")]
mod entry;
#[cfg(feature = "change-feed")]
mod feed;
mod json;
#[cfg(feature = "lambda")]
mod lambda;
mod raw;

pub use crate::change_position::ChangePosition;
/// The `aws_lambda_events` crate whose records [`from_lambda_record`] decodes: its
/// current major, the one `lambda_runtime` and `lambda_http` 1.x use. Name its types
/// through this path and they are the version dynamap reads, with no second dependency
/// to keep in step.
///
/// ```
/// use dynamap::changes::aws_lambda_events::event::dynamodb::Event;
/// let event: Event = serde_json::from_str(r#"{"Records": []}"#).unwrap();
/// assert!(event.records.is_empty());
/// ```
#[cfg(feature = "lambda")]
pub use aws_lambda_events;
#[cfg(feature = "change-feed")]
pub use cursor::ChangeCursor;
pub use decode::Changed;
#[cfg(feature = "change-feed")]
pub use feed::{Changes, StartAt};
pub use json::from_dynamodb_json;
#[cfg(feature = "lambda")]
pub use lambda::from_lambda_record;
pub use raw::RawChange;

use std::time::SystemTime;

/// What happened to an item.
///
/// ```
/// assert_ne!(dynamap::changes::ChangeKind::Insert, dynamap::changes::ChangeKind::Remove);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A new item was written.
    Insert,
    /// An existing item was changed.
    Modify,
    /// An item was deleted (by a caller, or by time to live: see [`Change::expired`]).
    Remove,
}

/// One change of an item of type `T` (an item type, an entity, or a collection), as a
/// stream record describes it. `old` and `new` are present as the stream's view type
/// allows: `NEW_IMAGE` gives `new`, `OLD_IMAGE` gives `old`, `NEW_AND_OLD_IMAGES` both
/// (as far as the change has them: an insert has no old image), `KEYS_ONLY` neither.
///
/// ```
/// # #[derive(dynamap::DynamoItem, Debug)]
/// # struct User { #[dynamo(partition_key)] id: String, name: String }
/// fn describe(change: &dynamap::changes::Change<User>) -> String {
///     match (&change.kind, &change.new) {
///         (dynamap::changes::ChangeKind::Remove, _) if change.expired => format!("{} expired", change.key),
///         (_, Some(user)) => format!("{} is now {}", change.key, user.name),
///         _ => format!("{} changed", change.key),
///     }
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T: Changed> {
    /// Insert, modify or remove.
    pub kind: ChangeKind,
    /// The item's key.
    pub key: T::Key,
    /// The item before the change, when the view type includes it.
    pub old: Option<T>,
    /// The item after the change, when the view type includes it.
    pub new: Option<T>,
    /// Where the record sits in the stream: save it in a `ChangeCursor` (feature `change-feed`).
    pub position: ChangePosition,
    /// When DynamoDB wrote the record (to the second).
    pub approximate_time: Option<SystemTime>,
    /// Whether a removal was DynamoDB's time to live deleting an expired item.
    pub expired: bool,
}
