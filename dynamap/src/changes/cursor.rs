//! Where a consumer is in a stream: the last sequence number handled in each shard.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::change_position::ChangePosition;

/// A consumer's place in a table's stream, to save (it is serde-able) and resume from
/// with [`StartAt::After`](super::StartAt::After): the last sequence number handled in
/// each shard. Record each change once handled with [`advance`](Self::advance).
///
/// Shard ids are unique to their stream, so the positions of another stream (the table
/// recreated, its stream turned off and on) name no shard of this one and are ignored:
/// those shards are read from their oldest record.
///
/// ```
/// let mut cursor = dynamap::changes::ChangeCursor::default();
/// cursor.advance(&dynamap::changes::ChangePosition { shard_id: "s1".into(), sequence_number: "7".into() });
/// let saved = serde_json::to_string(&cursor).unwrap();
/// let restored: dynamap::changes::ChangeCursor = serde_json::from_str(&saved).unwrap();
/// assert_eq!(restored.last_in("s1"), Some("7"));
/// // A cursor saved by an earlier version (with a `stream_arn`) still reads.
/// let old: dynamap::changes::ChangeCursor =
///     serde_json::from_str(r#"{"stream_arn":null,"shards":{"s1":"7"}}"#).unwrap();
/// assert_eq!(old, restored);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCursor {
    /// The last sequence number handled, by shard.
    pub shards: BTreeMap<String, String>,
}

impl ChangeCursor {
    /// Records that the change at `position` was handled.
    ///
    /// ```
    /// let mut cursor = dynamap::changes::ChangeCursor::default();
    /// cursor.advance(&dynamap::changes::ChangePosition { shard_id: "s1".into(), sequence_number: "7".into() });
    /// assert_eq!(cursor.shards.len(), 1);
    /// ```
    pub fn advance(&mut self, position: &ChangePosition) {
        self.shards
            .insert(position.shard_id.clone(), position.sequence_number.clone());
    }

    /// The last sequence number handled in `shard`.
    ///
    /// ```
    /// assert_eq!(dynamap::changes::ChangeCursor::default().last_in("s1"), None);
    /// ```
    pub fn last_in(&self, shard: &str) -> Option<&str> {
        self.shards.get(shard).map(String::as_str)
    }
}
