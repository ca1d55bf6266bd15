//! Bulk reads and writes: BatchWriteItem and BatchGetItem chunked to DynamoDB's limits,
//! several batches in flight, unprocessed items resent with backoff and jitter, and an
//! exact account of what was done.

mod entry;
mod get;
mod get_fetch;
mod progress;
mod remove_matching;
mod write;
mod write_builders;

pub use get::{Found, GetMany, GetManyOutput, Keyed};
pub use progress::{BatchProgress, BatchReport};
pub use remove_matching::RemoveMatching;
pub use write_builders::{InsertMany, RemoveMany};

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

/// How the requests of a batch are found and made again. A request handed to the SDK is
/// gone; a batch is not copied per attempt, so after an attempt that brought nothing
/// back, the requests still to do are made again from what the caller kept.
pub(crate) trait Resend<P> {
    /// Which request of the batch `request` is (what DynamoDB hands back unprocessed
    /// is a request it was sent), if it is one.
    fn slot(&self, request: &P) -> Option<usize>;
    /// The request in `slot`, made again.
    fn remake(&self, slot: usize) -> crate::error::Result<P>;
}

/// Sends `pending` with `send` until nothing is left undone: what comes back
/// unprocessed, and whole requests that were throttled, are resent after the client's
/// [`RetryPolicy`](crate::config::RetryPolicy) backoff (exponential, full jitter, capped at its
/// `max_backoff`), up to `max_attempts` sends. The one retry loop of
/// BatchWriteItem and BatchGetItem.
pub(crate) async fn drive<P, R, F, Fut>(
    mut pending: Vec<P>,
    limits: &Limits<'_>,
    resend: &impl Resend<P>,
    mut send: F,
) -> Driven<R, P>
where
    F: FnMut(Vec<P>) -> Fut,
    Fut: std::future::Future<Output = crate::error::Result<(R, Vec<P>)>>,
{
    let mut out = Driven {
        results: Vec::new(),
        retries: 0,
        failed: Vec::new(),
        error: None,
    };
    // The batch's slots of the requests in `pending`, to make them again.
    let mut slots: Vec<usize> = (0..pending.len()).collect();
    let mut attempt = 0;
    loop {
        attempt += 1;
        match send(std::mem::take(&mut pending)).await {
            Ok((result, unprocessed)) => {
                out.results.push(result);
                let found: Option<Vec<usize>> =
                    unprocessed.iter().map(|p| resend.slot(p)).collect();
                pending = unprocessed;
                if pending.is_empty() {
                    return out;
                }
                let Some(found) = found else {
                    out.error = Some(Error::UnexpectedAnswer {
                        operation: limits.operation,
                        problem: "an unprocessed request that was not sent".to_owned(),
                    });
                    out.failed = pending;
                    return out;
                };
                slots = found;
                if attempt >= limits.max_attempts {
                    out.error = Some(Error::RetriesExhausted {
                        attempts: attempt,
                        left: pending.len(),
                    });
                    out.failed = pending;
                    return out;
                }
            }
            Err(e) => {
                let mut again = Vec::with_capacity(slots.len());
                for &slot in &slots {
                    match resend.remake(slot) {
                        Ok(request) => again.push(request),
                        // Made once, a request is made again the same way: this is
                        // for the impossible case, and still stops the batch.
                        Err(remade) => {
                            out.error.get_or_insert(remade);
                        }
                    }
                }
                pending = again;
                if out.error.is_some() {
                    out.failed = pending;
                    return out;
                }
                if !(is_retryable(&e) && attempt < limits.max_attempts) {
                    out.error = Some(e);
                    out.failed = pending;
                    return out;
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::time::Duration;

    /// Requests are numbers; the batch keeps them by value and counts what it makes again.
    struct Numbers {
        kept: Vec<u32>,
        remade: RefCell<Vec<u32>>,
    }

    impl Resend<u32> for Numbers {
        fn slot(&self, request: &u32) -> Option<usize> {
            self.kept.iter().position(|k| k == request)
        }
        fn remake(&self, slot: usize) -> crate::error::Result<u32> {
            self.remade.borrow_mut().push(self.kept[slot]);
            Ok(self.kept[slot])
        }
    }

    fn limits() -> Limits<'static> {
        Limits {
            operation: "BatchWriteItem",
            table: "t",
            max_attempts: 5,
            policy: crate::config::RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(1)),
            deadline: None,
        }
    }

    #[tokio::test]
    async fn only_what_an_attempt_lost_is_made_again_and_nothing_is_dropped() {
        let batch = Numbers {
            kept: vec![1, 2, 3, 4],
            remade: RefCell::new(Vec::new()),
        };
        let mut sent = Vec::new();
        let mut attempt = 0;
        let driven = drive(
            batch.kept.clone(),
            &limits(),
            &batch,
            |requests: Vec<u32>| {
                attempt += 1;
                sent.push(requests.clone());
                let answer = match attempt {
                    // 3 and 4 come back unprocessed.
                    1 => Ok((2, vec![3, 4])),
                    // The resend of 3 and 4 is lost on the way.
                    2 => Err(Error::Timeout {
                        operation: "BatchWriteItem",
                        table: "t".into(),
                    }),
                    _ => Ok((requests.len(), Vec::new())),
                };
                async move { answer }
            },
        )
        .await;
        assert!(driven.error.is_none());
        assert_eq!(driven.results, [2, 2]);
        assert_eq!(sent, [vec![1, 2, 3, 4], vec![3, 4], vec![3, 4]]);
        // Nothing was copied to send; only the two lost in the failed attempt were made again.
        assert_eq!(*batch.remade.borrow(), [3, 4]);
        assert_eq!(driven.retries, 2);
    }

    #[tokio::test]
    async fn what_a_final_failure_leaves_is_returned_whole() {
        let batch = Numbers {
            kept: vec![7, 8],
            remade: RefCell::new(Vec::new()),
        };
        let limits = Limits {
            max_attempts: 2,
            ..limits()
        };
        let driven = drive(batch.kept.clone(), &limits, &batch, |_: Vec<u32>| async {
            Err::<(usize, Vec<u32>), _>(Error::Timeout {
                operation: "BatchWriteItem",
                table: "t".into(),
            })
        })
        .await;
        assert!(matches!(driven.error, Some(Error::Timeout { .. })));
        assert_eq!(driven.failed, [7, 8]);
    }

    #[tokio::test]
    async fn an_unprocessed_request_that_was_never_sent_stops_the_batch_with_it() {
        let batch = Numbers {
            kept: vec![1],
            remade: RefCell::new(Vec::new()),
        };
        let driven = drive(batch.kept.clone(), &limits(), &batch, |_: Vec<u32>| async {
            Ok((0, vec![9]))
        })
        .await;
        assert!(matches!(driven.error, Some(Error::UnexpectedAnswer { .. })));
        assert_eq!(driven.failed, [9]);
    }
}
