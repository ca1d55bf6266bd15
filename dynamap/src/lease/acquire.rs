//! Acquiring a lease: read it, and take it over when it is free, conditional on the
//! version read, so that of two acquirers exactly one wins.

use std::future::IntoFuture;
use std::time::Duration;

use futures::future::BoxFuture;

use super::{Lease, LeaseRecord, Leases};
use crate::clock::{epoch_millis, from_epoch_millis, poll_pause};
use crate::error::{Error, Result};

/// An acquisition of a lease, from [`Leases::acquire`]; sent by `.await`.
///
/// ```no_run
/// # use std::time::Duration;
/// # async fn f(leases: dynamap::lease::Leases) -> dynamap::Result<()> {
/// let lease = leases
///     .acquire("nightly-report", "worker-7", Duration::from_secs(30))
///     .wait(Duration::from_secs(60))
///     .poll_interval(Duration::from_millis(500))
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "an Acquire does nothing until it is awaited"]
pub struct Acquire<'a> {
    leases: &'a Leases,
    name: String,
    holder: String,
    duration: Duration,
    wait: Duration,
    poll_interval: Duration,
}

impl<'a> Acquire<'a> {
    pub(super) fn new(
        leases: &'a Leases,
        name: String,
        holder: String,
        duration: Duration,
    ) -> Self {
        Acquire {
            leases,
            name,
            holder,
            duration,
            wait: Duration::ZERO,
            poll_interval: Duration::from_secs(1),
        }
    }

    /// Waits up to `timeout` (real time) for a lease someone else holds to be released
    /// or to lapse, trying again every [`poll_interval`](Self::poll_interval) or when
    /// the holder's lease ends, whichever is sooner. Past it, `Error::LeaseHeld`.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # async fn f(leases: dynamap::lease::Leases) -> dynamap::Result<()> {
    /// let lease = leases.acquire("job", "w-1", Duration::from_secs(30)).wait(Duration::from_secs(90)).await?;
    /// # Ok(()) }
    /// ```
    pub fn wait(mut self, timeout: Duration) -> Self {
        self.wait = timeout;
        self
    }

    /// How often a waiting acquisition reads the lease again (1 s by default; each
    /// wait is shortened by up to a quarter at random, so waiters spread out).
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # async fn f(leases: dynamap::lease::Leases) -> dynamap::Result<()> {
    /// let lease = leases.acquire("job", "w-1", Duration::from_secs(5))
    ///     .wait(Duration::from_secs(10))
    ///     .poll_interval(Duration::from_millis(100))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Sends the acquisition; the same as `.await`.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # async fn f(leases: dynamap::lease::Leases) -> dynamap::Result<()> {
    /// let lease = leases.acquire("job", "w-1", Duration::from_secs(30)).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Lease> {
        let give_up = crate::clock::deadline_in(self.wait);
        loop {
            let held = match self.try_once().await? {
                Ok(lease) => return Ok(lease),
                Err(held) => held,
            };
            let Error::LeaseHeld { until, .. } = &held else {
                return Err(held);
            };
            let now = tokio::time::Instant::now();
            if now >= give_up {
                return Err(held);
            }
            let lapses_in = until
                .duration_since(self.leases.mapping.handle().now())
                .unwrap_or(Duration::ZERO);
            let pause = poll_pause(self.poll_interval, lapses_in, give_up - now);
            tokio::time::sleep(pause).await;
        }
    }

    /// One read and, when the lease is free, one conditional write. `Ok(Err(_))`: held
    /// by another (`LeaseHeld`), to wait for; `Err(_)`: a failure.
    async fn try_once(&self) -> Result<std::result::Result<Lease, Error>> {
        let mapping = &self.leases.mapping;
        let mut conflicts = 0;
        loop {
            let stored = mapping.get(&self.name).consistent_read(true).await?;
            let now = mapping.handle().now();
            let (token, version) = match &stored {
                Some(record) => {
                    if let Some(holder) = &record.holder {
                        if record.expires_at_ms > epoch_millis(now) {
                            return Ok(Err(Error::LeaseHeld {
                                name: self.name.clone(),
                                holder: holder.clone(),
                                until: from_epoch_millis(record.expires_at_ms),
                            }));
                        }
                    }
                    (record.token, record.version)
                }
                None => (0, 0),
            };
            let token = token.checked_add(1).ok_or_else(|| Error::InvalidRequest {
                operation: "PutItem",
                problem: format!("lease `{}` has used every fencing token", self.name),
            })?;
            let record = LeaseRecord {
                name: self.name.clone(),
                holder: Some(self.holder.clone()),
                token,
                expires_at_ms: epoch_millis(now).saturating_add(millis_of(self.duration)),
                version,
            };
            // Conditional on the version read: another acquirer (or a renewal) in
            // between makes this a `VersionConflict`, and the lease is read again. A
            // lost answer is recognised by the put's write token: applied once, `Ok`.
            match mapping.insert(&record).await {
                Ok(_) => {
                    return Ok(Ok(Lease::new(
                        mapping.clone(),
                        self.name.clone(),
                        self.holder.clone(),
                        token,
                        self.duration,
                    )))
                }
                Err(Error::VersionConflict { .. }) if conflicts < MAX_CONFLICTS => conflicts += 1,
                Err(e) => return Err(e),
            }
        }
    }
}

/// Rounds of read-and-write lost to other writers before the conflict is returned:
/// each is another acquirer winning or a holder renewing, so a few settle who holds it.
const MAX_CONFLICTS: u32 = 16;

/// Whole milliseconds of `duration`, saturating.
pub(super) fn millis_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl<'a> IntoFuture for Acquire<'a> {
    type Output = Result<Lease>;
    type IntoFuture = BoxFuture<'a, Result<Lease>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
