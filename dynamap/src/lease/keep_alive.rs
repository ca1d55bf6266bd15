//! Renewing a lease in the background while it is held.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Lease;
use crate::error::Error;

/// A background renewal of a lease, from [`Lease::keep_alive`]: renews every third of
/// the lease's duration (sooner after a failed attempt) until dropped or until the
/// lease is lost.
///
/// ```no_run
/// # async fn f(lease: dynamap::lease::Lease) {
/// let heartbeat = lease.keep_alive();
/// tokio::select! {
///     lost = heartbeat.lost() => eprintln!("stop: {lost}"),
///     _ = async { /* the work */ } => {}
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct KeepAlive {
    task: JoinHandle<()>,
    lost: watch::Receiver<Option<(String, u64)>>,
}

impl KeepAlive {
    pub(super) fn start(lease: Lease) -> Self {
        let (report, lost) = watch::channel(None);
        let task = tokio::spawn(renew_until_lost(lease, report));
        KeepAlive { task, lost }
    }

    /// Whether the lease has been lost (another holder acquired it, or it was
    /// released): the holder should stop, its fenced writes fail.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) {
    /// let heartbeat = lease.keep_alive();
    /// if heartbeat.is_lost() { return; }
    /// # }
    /// ```
    pub fn is_lost(&self) -> bool {
        self.lost.borrow().is_some()
    }

    /// Waits until the lease is lost, and returns the `Error::LeaseLost` that says so.
    /// Never returns while the lease is held.
    ///
    /// ```no_run
    /// # async fn f(lease: dynamap::lease::Lease) {
    /// let err = lease.keep_alive().lost().await;
    /// assert!(matches!(err, dynamap::Error::LeaseLost { .. }));
    /// # }
    /// ```
    pub async fn lost(&self) -> Error {
        let mut lost = self.lost.clone();
        loop {
            if let Some((name, token)) = lost.borrow().clone() {
                return Error::LeaseLost { name, token };
            }
            if lost.changed().await.is_err() {
                // The task ended without a report: it was aborted, which only `Drop`
                // does, so this `KeepAlive` is gone; wait forever, as promised.
                std::future::pending::<()>().await;
            }
        }
    }
}

async fn renew_until_lost(lease: Lease, report: watch::Sender<Option<(String, u64)>>) {
    // A lease of no length would otherwise renew in a busy loop.
    let period = (lease.duration() / 3).max(Duration::from_millis(10));
    let mut pause = period;
    loop {
        tokio::time::sleep(pause).await;
        match lease.renew().await {
            Ok(_) => pause = period,
            Err(Error::LeaseLost { name, token }) => {
                let _ = report.send(Some((name, token)));
                return;
            }
            // A throttle or a lost connection: try again soon, while the lease holds.
            Err(e) => {
                tracing::warn!(lease = lease.name(), token = lease.token(), error = %e, "lease renewal failed; trying again");
                pause = (period / 4).max(Duration::from_millis(10));
            }
        }
    }
}

impl Drop for KeepAlive {
    fn drop(&mut self) {
        self.task.abort();
    }
}
