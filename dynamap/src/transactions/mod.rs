//! Transactions across one or more tables: TransactWriteItems and TransactGetItems,
//! typed, with the reason each action failed when DynamoDB cancels.

mod read;
mod write;

pub use read::{read_transaction, Fetch, ReadResults, ReadTransaction};
pub use write::{transaction, Transaction};
