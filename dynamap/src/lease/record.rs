//! The stored form of a lease: one item per lease name.

use dynamap_derive::DynamoItem;

/// A lease as stored: one item per name, in a table whose partition key is `name`
/// (a string). [`Leases`](super::Leases) reads and writes it; a table of leases can be
/// created with `TypedMapping::<LeaseRecord>::create_table`.
///
/// The item is never deleted (a release clears `holder`), so the fencing token keeps
/// growing across holders for as long as the table keeps the item.
///
/// ```
/// use dynamap::{lease::LeaseRecord, DynamoItem};
/// assert_eq!(LeaseRecord::KEY_SCHEMA.partition_key.name, "name");
/// ```
#[derive(DynamoItem, Debug, Clone, PartialEq, Eq)]
// Kept out of users' compiler suggestions for their own types.
#[dynamo(do_not_recommend)]
pub struct LeaseRecord {
    /// The lease's name: what its holders agree to hold one at a time.
    #[dynamo(partition_key)]
    pub name: String,
    /// Who holds it; `None` once released.
    pub holder: Option<String>,
    /// The fencing token: one more on every acquisition, never less.
    pub token: u64,
    /// When the lease lapses unless renewed, in epoch milliseconds of the holders'
    /// clocks.
    pub expires_at_ms: u64,
    /// Every write of the record is conditional on it, so two acquirers never both win.
    #[dynamo(version)]
    pub version: u64,
}
