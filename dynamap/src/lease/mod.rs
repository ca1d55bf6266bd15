//! Leases: one holder at a time for a named job, with a fencing token that makes a
//! late holder's writes fail.
//!
//! A holder [`acquire`](Leases::acquire)s a lease for a duration, renews it while it
//! works (by hand with [`Lease::renew`], or in the background with
//! [`Lease::keep_alive`]) and [`release`](Lease::release)s it. Time alone cannot make
//! this safe: a holder paused (a garbage collection, a stopped VM, a slow network) past
//! its lease still believes it holds it when it wakes, while another holder has taken
//! over. So every acquisition raises the lease's **fencing token**, and a holder's
//! writes go in a transaction that checks the token
//! ([`Transaction::fenced`](crate::transactions::Transaction::fenced)): once another
//! holder has acquired the lease, the late holder's fenced writes fail with
//! [`Error::LeaseLost`](crate::Error::LeaseLost) and write nothing.
//!
//! ```no_run
//! use std::time::Duration;
//! use dynamap::{lease::{Leases, LeaseRecord}, TypedMapping};
//! # #[derive(dynamap::DynamoItem)]
//! # struct Report { #[dynamo(partition_key)] day: String }
//! # async fn f(client: aws_sdk_dynamodb::Client, reports: TypedMapping<Report>) -> dynamap::Result<()> {
//! let leases = Leases::new(TypedMapping::<LeaseRecord>::new(client.clone(), "leases"));
//! let lease = leases
//!     .acquire("nightly-report", "worker-7", Duration::from_secs(30))
//!     .wait(Duration::from_secs(120)) // until it is free, at most two minutes
//!     .await?;
//! let heartbeat = lease.keep_alive(); // renews every 10 s while held
//! let report = Report { day: "2026-12-06".into() };
//! dynamap::transaction(&client).fenced(&lease).put(&reports, &report).await?;
//! drop(heartbeat);
//! lease.release().await?;
//! # Ok(()) }
//! ```
//!
//! Expiry is judged by the clocks of the holders (the mapping's
//! [`Clock`](crate::config::Clock)): a lease lapses when the acquirer's clock is past
//! the holder's expiry. Clocks that disagree move when a lease lapses, never whether
//! two holders' fenced writes can both land.

mod acquire;
mod held;
mod keep_alive;
mod record;

pub use acquire::Acquire;
pub use held::Lease;
pub use keep_alive::KeepAlive;
pub use record::LeaseRecord;

use std::time::Duration;

use crate::operations::TypedMapping;

/// The leases of one table: acquire them by name.
///
/// ```no_run
/// use dynamap::{lease::{Leases, LeaseRecord}, TypedMapping};
/// # async fn f(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
/// let leases = Leases::new(TypedMapping::<LeaseRecord>::new(client, "leases"));
/// leases.mapping().create_table().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Leases {
    mapping: TypedMapping<LeaseRecord>,
}

impl Leases {
    /// Leases stored in `mapping`'s table (partition key `name`, a string), timed by
    /// its clock.
    ///
    /// ```no_run
    /// # use dynamap::{lease::{Leases, LeaseRecord}, TypedMapping};
    /// # fn f(client: aws_sdk_dynamodb::Client) {
    /// let leases = Leases::new(TypedMapping::<LeaseRecord>::new(client, "leases"));
    /// # }
    /// ```
    pub fn new(mapping: TypedMapping<LeaseRecord>) -> Self {
        Leases { mapping }
    }

    /// The mapping of lease records: create its table, or read who holds what.
    ///
    /// ```no_run
    /// # use dynamap::{lease::{Leases, LeaseRecord}, TypedMapping};
    /// # async fn f(leases: Leases) -> dynamap::Result<()> {
    /// let record = leases.mapping().get("nightly-report").await?;
    /// # Ok(()) }
    /// ```
    pub fn mapping(&self) -> &TypedMapping<LeaseRecord> {
        &self.mapping
    }

    /// Acquires the lease `name` for `holder` (a name for logs and for
    /// [`Error::LeaseHeld`](crate::Error::LeaseHeld)) for `duration`; sent by `.await`.
    /// A lease someone else holds is `Error::LeaseHeld` at once, unless
    /// [`wait`](Acquire::wait) says how long to wait for it.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # async fn f(leases: dynamap::lease::Leases) -> dynamap::Result<()> {
    /// let lease = leases.acquire("nightly-report", "worker-7", Duration::from_secs(30)).await?;
    /// println!("fencing token {}", lease.token());
    /// # Ok(()) }
    /// ```
    pub fn acquire(
        &self,
        name: impl Into<String>,
        holder: impl Into<String>,
        duration: Duration,
    ) -> Acquire<'_> {
        Acquire::new(self, name.into(), holder.into(), duration)
    }
}
