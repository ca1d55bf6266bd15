//! Transactions across one or more tables: TransactWriteItems and TransactGetItems,
//! typed, with the reason each action failed when DynamoDB cancels.

mod read;
mod reasons;
mod write;

pub use read::{Fetch, ReadResults, ReadTransaction};
pub use reasons::{CancelReason, CancelledAction};
pub use write::{transaction, Transaction};

/// DynamoDB's limit of actions in one transaction.
pub(crate) const MAX_ACTIONS: usize = 100;
