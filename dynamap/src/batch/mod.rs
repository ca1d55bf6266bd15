//! Bulk reads and writes: BatchWriteItem and BatchGetItem chunked to DynamoDB's limits,
//! several batches in flight, unprocessed items resent with backoff and jitter, and an
//! exact account of what was done.

mod entry;
mod get;
mod progress;
mod write;

pub use get::{Found, GetMany, GetManyOutput, Keyed};
pub use progress::{BatchProgress, BatchReport};
pub use write::{InsertMany, RemoveMany};

use crate::error::Error;
pub(crate) use crate::resilience::is_retryable;

/// How one batch fared after its retries: the partial result of each request that got
/// through, the requests resent, and what was left undone (with why).
pub(crate) struct Driven<R, P> {
    pub results: Vec<R>,
    pub retries: u64,
    pub failed: Vec<P>,
    pub error: Option<Error>,
}

/// Sends `pending` with `send` until nothing is left undone: what comes back
/// unprocessed, and whole requests that were throttled, are resent after the client's
/// [`RetryPolicy`](crate::RetryPolicy) backoff (exponential, full jitter, capped at its
/// `max_backoff`), up to `max_attempts` sends. The one retry loop of
/// BatchWriteItem and BatchGetItem.
pub(crate) async fn drive<P, R, F, Fut>(
    mut pending: Vec<P>,
    limits: &Limits<'_>,
    mut send: F,
) -> Driven<R, P>
where
    P: Clone,
    F: FnMut(Vec<P>) -> Fut,
    Fut: std::future::Future<Output = crate::error::Result<(R, Vec<P>)>>,
{
    let mut out = Driven {
        results: Vec::new(),
        retries: 0,
        failed: Vec::new(),
        error: None,
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        match send(pending.clone()).await {
            Ok((result, unprocessed)) => {
                out.results.push(result);
                pending = unprocessed;
                if pending.is_empty() {
                    return out;
                }
                if attempt >= limits.max_attempts {
                    out.error = Some(Error::RetriesExhausted {
                        attempts: attempt,
                        left: pending.len(),
                    });
                    out.failed = pending;
                    return out;
                }
            }
            Err(e) if is_retryable(&e) && attempt < limits.max_attempts => {}
            Err(e) => {
                out.error = Some(e);
                out.failed = pending;
                return out;
            }
        }
        let wait = limits.policy.backoff(attempt);
        if let Some(deadline) = limits.deadline {
            if tokio::time::Instant::now() + wait >= deadline {
                out.error = Some(Error::Timeout {
                    operation: limits.operation,
                    table: limits.table.to_owned(),
                });
                out.failed = pending;
                return out;
            }
        }
        out.retries += 1;
        tokio::time::sleep(wait).await;
    }
}

/// How far one batch operation may go: its sends per batch, their backoff, and an
/// optional deadline for the whole call.
pub(crate) struct Limits<'a> {
    pub operation: &'static str,
    pub table: &'a str,
    pub max_attempts: u32,
    pub policy: crate::resilience::RetryPolicy,
    pub deadline: Option<tokio::time::Instant>,
}
