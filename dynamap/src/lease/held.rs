//! A lease one holds: its fencing token, renewal and release.

use std::time::{Duration, SystemTime};

use super::acquire::millis_of;
use super::{KeepAlive, LeaseRecord};
use crate::clock::{epoch_millis, from_epoch_millis};
use crate::condition::{Condition, PathExt};
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

/// A lease held: from [`Leases::acquire`](super::Leases::acquire). Pass it to
/// [`Transaction::fenced`](crate::transactions::Transaction::fenced) so that a write
/// lands only while it is still held.
///
/// Dropping it does not release it (it lapses after its duration); call
/// [`release`](Self::release) to free it at once.
///
/// ```no_run
/// # use std::time::Duration;
/// # async fn f(leases: dynamap::lease::Leases) -> dynamap::Result<()> {
/// let lease = leases.acquire("job", "w-1", Duration::from_secs(30)).await?;
/// assert_eq!(lease.name(), "job");
/// lease.renew().await?;
/// lease.release().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Lease {
    mapping: TypedMapping<LeaseRecord>,
    name: String,
    holder: String,
    token: u64,
    duration: Duration,
}

impl Lease {
    pub(super) fn new(
        mapping: TypedMapping<LeaseRecord>,
        name: String,
        holder: String,
        token: u64,
        duration: Duration,
    ) -> Self {
        Lease {
            mapping,
            name,
            holder,
            token,
            duration,
        }
    }

    /// The lease's name.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) { println!("{}", lease.name()); }
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Who holds it, as given to `acquire`.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) { println!("{}", lease.holder()); }
    /// ```
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The fencing token: larger than that of every earlier acquisition of this lease.
    /// A resource outside DynamoDB can fence with it too: refuse a write whose token
    /// is below the largest it has seen.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) { println!("token {}", lease.token()); }
    /// ```
    pub fn token(&self) -> u64 {
        self.token
    }

    /// How long each acquisition or renewal holds it.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) { println!("{:?}", lease.duration()); }
    /// ```
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// Extends the lease to its duration from now (by the mapping's clock), and
    /// returns the new end. `Error::LeaseLost` when another holder acquired it since
    /// or it was released; a lease that lapsed but that nobody took over is renewed.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) -> dynamap::Result<()> {
    /// let until = lease.renew().await?;
    /// # Ok(()) }
    /// ```
    pub async fn renew(&self) -> Result<SystemTime> {
        let f = LeaseRecord::fields();
        let now = self.mapping.handle().now();
        let until = epoch_millis(now).saturating_add(millis_of(self.duration));
        // Setting one value is idempotent: a lost answer's retry sets it again.
        let renewed = self
            .mapping
            .modify(&self.name)
            .set(f.expires_at_ms, until)
            .when(self.fence())
            .await;
        match renewed {
            Ok(()) => Ok(from_epoch_millis(until)),
            Err(Error::ConditionFailed { .. }) => Err(self.lost()),
            Err(e) => Err(e),
        }
    }

    /// Gives the lease up, so that the next acquirer need not wait for it to lapse.
    /// `Error::LeaseLost` when another holder had acquired it already: the holder's
    /// work may have overlapped with theirs (their fenced writes won).
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) -> dynamap::Result<()> {
    /// lease.release().await?;
    /// # Ok(()) }
    /// ```
    pub async fn release(&self) -> Result<()> {
        let f = LeaseRecord::fields();
        let released = self
            .mapping
            .modify(&self.name)
            .remove(f.holder)
            .set(f.expires_at_ms, 0u64)
            .when(self.fence())
            .await;
        match released {
            Ok(()) => Ok(()),
            // A retry after a lost answer finds our own release: the token is still
            // ours and nobody holds it.
            Err(Error::ConditionFailed {
                item: Some(stored), ..
            }) if self.released_by_us(&stored) => Ok(()),
            Err(Error::ConditionFailed { .. }) => Err(self.lost()),
            Err(e) => Err(e),
        }
    }

    /// Renews the lease in the background, every third of its duration, until the
    /// returned [`KeepAlive`] is dropped or the lease is lost (which
    /// [`KeepAlive::lost`] reports). Needs a Tokio runtime.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) -> dynamap::Result<()> {
    /// let heartbeat = lease.keep_alive();
    /// // ... the work, with fenced writes ...
    /// drop(heartbeat);
    /// lease.release().await?;
    /// # Ok(()) }
    /// ```
    pub fn keep_alive(&self) -> KeepAlive {
        KeepAlive::start(self.clone())
    }

    /// The condition that the lease is still this holder's acquisition.
    pub(crate) fn fence(&self) -> Condition<LeaseRecord> {
        let f = LeaseRecord::fields();
        f.token.eq(self.token) & f.holder.eq(Some(self.holder.clone()))
    }

    /// The lease mapping, for a fenced transaction's condition check.
    pub(crate) fn mapping(&self) -> &TypedMapping<LeaseRecord> {
        &self.mapping
    }

    /// The error for a lease that is no longer this holder's.
    pub(crate) fn lost(&self) -> Error {
        Error::LeaseLost {
            name: self.name.clone(),
            token: self.token,
        }
    }

    fn released_by_us(&self, stored: &Item) -> bool {
        LeaseRecord::from_item(stored.clone())
            .is_ok_and(|record| record.token == self.token && record.holder.is_none())
    }
}
