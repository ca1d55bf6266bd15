//! Where a change sits in a table's stream: a leaf, so that errors can name it.

use serde::{Deserialize, Serialize};

/// Where one change sits in its stream: the shard and the record's sequence number.
///
/// ```
/// let at = dynamap::changes::ChangePosition { shard_id: "shardId-1".into(), sequence_number: "100".into() };
/// assert_eq!(at.sequence_number, "100");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChangePosition {
    /// The shard the record was read from.
    pub shard_id: String,
    /// The record's sequence number in that shard.
    pub sequence_number: String,
}
