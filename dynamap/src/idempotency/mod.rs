//! Idempotent handlers: a request handler that runs once per idempotency key, across
//! concurrent calls, retries and instances, and answers every later call of the key
//! with the first call's result.
//!
//! [`Idempotency::run`] claims the key with a conditional put of an
//! [`IdempotencyRecord`] marked in progress, runs the handler, and stores its result
//! in the record. A call that finds the key completed returns the stored result
//! without running the handler; one that finds it in progress gets
//! [`Error::InProgress`] (or waits for the result, with
//! [`wait_while_in_progress`](Idempotency::wait_while_in_progress)); a handler that
//! fails deletes the record, so a retry can run it. Records expire after
//! [`expires_after`](Idempotency::expires_after) (the table's time to live), and the
//! claim of a call that crashed lapses after its
//! [`in_progress_bound`](Idempotency::in_progress_bound) (in Lambda, the invocation's
//! deadline: [`until`](Idempotency::until)).
//!
//! ```no_run
//! use dynamap::{idempotency::{Idempotency, IdempotencyRecord}, value::Serde, TypedMapping};
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Charge { order: String, cents: u64 }
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Receipt { charge_id: String }
//! # async fn charge_card(c: &Charge) -> dynamap::Result<Receipt> { todo!() }
//!
//! # async fn f(client: aws_sdk_dynamodb::Client, charge: Charge) -> dynamap::Result<()> {
//! let idempotency = Idempotency::new(
//!     TypedMapping::<IdempotencyRecord>::new(client, "idempotency"),
//!     "charge",
//! )
//! .validate_payload(true);
//! let Serde(receipt) = idempotency
//!     .run(&charge.order, &charge, || async { Ok::<_, dynamap::Error>(Serde(charge_card(&charge).await?)) })
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The handler runs at most once per key while its record lives, with one exception
//! a handler cannot avoid: a handler that outlives its in-progress bound (or whose
//! result could not be stored after every retry) may run again for a later call.

mod fingerprint;
mod record;

pub use record::{IdempotencyRecord, IdempotencyStatus};

use std::future::Future;
use std::time::{Duration, SystemTime};

use crate::clock::{epoch_millis, from_epoch_millis, later, poll_pause};

use serde::Serialize;

use crate::condition::PathExt;
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::value::DynamoValue;

/// Runs handlers once per key, keeping their results in a mapping of
/// [`IdempotencyRecord`]s; cheap to clone.
///
/// ```no_run
/// use std::time::Duration;
/// use dynamap::{idempotency::{Idempotency, IdempotencyRecord}, TypedMapping};
/// # async fn f(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
/// let records = TypedMapping::<IdempotencyRecord>::new(client, "idempotency");
/// records.create_table().await?; // partition key `id`, time to live on `expiration`
/// let idempotency = Idempotency::new(records, "place-order")
///     .expires_after(Duration::from_secs(24 * 3600))
///     .in_progress_bound(Duration::from_secs(30));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Idempotency {
    mapping: TypedMapping<IdempotencyRecord>,
    name: String,
    expires_after: Duration,
    in_progress_bound: Duration,
    deadline: Option<SystemTime>,
    validate_payload: bool,
    wait: Duration,
    poll_interval: Duration,
}

impl Idempotency {
    /// Idempotent calls of the handler `name` (the records' ids are `name#key`, so
    /// handlers can share a table), stored in `mapping`'s table and timed by its
    /// clock. Records expire after an hour, claims after a minute; payloads are not
    /// compared; a call that finds its key in progress does not wait.
    ///
    /// ```no_run
    /// # use dynamap::{idempotency::{Idempotency, IdempotencyRecord}, TypedMapping};
    /// # fn f(client: aws_sdk_dynamodb::Client) {
    /// let idempotency = Idempotency::new(TypedMapping::<IdempotencyRecord>::new(client, "idempotency"), "charge");
    /// # }
    /// ```
    pub fn new(mapping: TypedMapping<IdempotencyRecord>, name: impl Into<String>) -> Self {
        Idempotency {
            mapping,
            name: name.into(),
            expires_after: Duration::from_secs(3600),
            in_progress_bound: Duration::from_secs(60),
            deadline: None,
            validate_payload: false,
            wait: Duration::ZERO,
            poll_interval: Duration::from_millis(100),
        }
    }

    /// How long a completed call's result is kept (and returned to repeated calls):
    /// one hour by default. Past it, the key runs again.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # fn f(i: dynamap::idempotency::Idempotency) {
    /// let idempotency = i.expires_after(Duration::from_secs(7 * 24 * 3600));
    /// # }
    /// ```
    pub fn expires_after(mut self, after: Duration) -> Self {
        self.expires_after = after;
        self
    }

    /// How long a call's claim on its key holds while the handler runs (a minute by
    /// default): if the call crashes, the key can run again after it. Longer than any
    /// handler takes, or the handler may run twice.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # fn f(i: dynamap::idempotency::Idempotency) {
    /// let idempotency = i.in_progress_bound(Duration::from_secs(15));
    /// # }
    /// ```
    pub fn in_progress_bound(mut self, bound: Duration) -> Self {
        self.in_progress_bound = bound;
        self
    }

    /// The same store, whose claims lapse at `deadline` at the latest: in Lambda, the
    /// invocation's deadline (`context.deadline()`), after which the handler cannot
    /// be running.
    ///
    /// ```no_run
    /// # fn f(i: dynamap::idempotency::Idempotency, deadline: std::time::SystemTime) {
    /// let for_this_invocation = i.until(deadline);
    /// # }
    /// ```
    pub fn until(&self, deadline: SystemTime) -> Self {
        Idempotency {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// Compares each call's payload with the first call's (by SHA-256 of its stored
    /// form): a key used again with another payload is [`Error::PayloadMismatch`] and
    /// the handler does not run. Off by default (the fingerprint is stored anyway, so
    /// turning it on later checks calls made before).
    ///
    /// ```no_run
    /// # fn f(i: dynamap::idempotency::Idempotency) {
    /// let idempotency = i.validate_payload(true);
    /// # }
    /// ```
    pub fn validate_payload(mut self, on: bool) -> Self {
        self.validate_payload = on;
        self
    }

    /// Waits up to `timeout` (real time) for a call of the same key that is in
    /// progress, and returns its result; without it (the default), such a call is
    /// [`Error::InProgress`] at once. A claim that lapses while waiting is taken over
    /// and the handler runs.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # fn f(i: dynamap::idempotency::Idempotency) {
    /// let idempotency = i.wait_while_in_progress(Duration::from_secs(10));
    /// # }
    /// ```
    pub fn wait_while_in_progress(mut self, timeout: Duration) -> Self {
        self.wait = timeout;
        self
    }

    /// The mapping of records: create its table, or read and delete records.
    ///
    /// ```no_run
    /// # async fn f(i: dynamap::idempotency::Idempotency) -> dynamap::Result<()> {
    /// i.mapping().create_table().await?;
    /// # Ok(()) }
    /// ```
    pub fn mapping(&self) -> &TypedMapping<IdempotencyRecord> {
        &self.mapping
    }

    /// Runs `handler` once for `key` and returns its result; a later call of the key
    /// returns the stored result without running it. `payload` is what the call was
    /// asked to do (any serde type), compared with the first call's when
    /// [`validate_payload`](Self::validate_payload) is on.
    ///
    /// - The key completed: its stored result (decoded as `R`).
    /// - The key in progress: [`Error::InProgress`], or the result once it completes
    ///   (see [`wait_while_in_progress`](Self::wait_while_in_progress)).
    /// - The handler fails: its error, and the record is deleted (a retry runs it).
    /// - The record cannot be written: that error, and the handler has not run.
    ///
    /// dynamap's errors reach the caller through `E: From<dynamap::Error>`, so the
    /// handler's own error type carries them.
    ///
    /// ```no_run
    /// # use dynamap::idempotency::Idempotency;
    /// # async fn f(idempotency: Idempotency, request_id: &str) -> dynamap::Result<()> {
    /// let order_number: u64 = idempotency
    ///     .run(request_id, &("alice", 3), || async { Ok::<_, dynamap::Error>(42) })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn run<P, R, E, F, Fut>(&self, key: &str, payload: &P, handler: F) -> Result<R, E>
    where
        P: Serialize + ?Sized,
        R: DynamoValue,
        E: From<Error>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<R, E>>,
    {
        let id = format!("{}#{key}", self.name);
        let validation = fingerprint::fingerprint(payload).map_err(Error::from)?;
        let attempt = format!("{:032x}", fastrand::u128(..));
        match self.claim(&id, &validation, &attempt).await? {
            Claim::Ours => {}
            Claim::Done(stored) => return Ok(R::from_attribute_value(stored).map_err(Error::from)?),
            Claim::DoneEmpty => return Ok(R::from_missing().map_err(Error::from)?),
        }
        match handler().await {
            Ok(result) => {
                self.complete(&id, &attempt, &result).await;
                Ok(result)
            }
            Err(e) => {
                self.abandon(&id, &attempt).await;
                Err(e)
            }
        }
    }

    /// Claims the key (a conditional put of a record in progress), or finds what an
    /// earlier call left.
    async fn claim(&self, id: &str, validation: &str, attempt: &str) -> Result<Claim> {
        let f = IdempotencyRecord::fields();
        let give_up = crate::clock::deadline_in(self.wait);
        loop {
            let now = self.mapping.handle().now();
            let claim_ends = self.claim_ends(now);
            let record = IdempotencyRecord {
                id: id.to_owned(),
                status: IdempotencyStatus::InProgress,
                expiration: later(now, self.expires_after),
                in_progress_expiration: Some(epoch_millis(claim_ends)),
                validation: Some(validation.to_owned()),
                data: None,
                attempt: attempt.to_owned(),
            };
            // Free: no record, an expired one (DynamoDB deletes expired items only
            // some time later), or a claim that lapsed.
            let free = f.id.not_exists()
                | f.expiration.le(now)
                | (f.status.eq(IdempotencyStatus::InProgress)
                    & f.in_progress_expiration.le(epoch_millis(now)));
            // A lost answer is recognised by the put's write token: `Ok`, once.
            let stored = match self.mapping.insert_when(&record, free).await {
                Ok(_) => return Ok(Claim::Ours),
                Err(Error::ConditionFailed {
                    item: Some(stored), ..
                }) => IdempotencyRecord::from_item(*stored)?,
                Err(e) => {
                    // Ours may have landed: free the key rather than leave it claimed
                    // until the bound (only our own claim is deleted).
                    self.abandon(id, attempt).await;
                    return Err(e);
                }
            };
            if self.validate_payload && stored.validation.as_deref() != Some(validation) {
                return Err(Error::PayloadMismatch { key: id.to_owned() });
            }
            match stored.status {
                IdempotencyStatus::Completed => {
                    return Ok(match stored.data {
                        Some(data) => Claim::Done(data.to_attribute_value()),
                        None => Claim::DoneEmpty,
                    })
                }
                IdempotencyStatus::InProgress => {
                    // A claim without a bound (another library's) lapses only with
                    // the record's expiry.
                    let until = match stored.in_progress_expiration {
                        Some(ms) => from_epoch_millis(ms),
                        None => stored.expiration,
                    };
                    let waited = tokio::time::Instant::now();
                    if waited >= give_up {
                        return Err(Error::InProgress {
                            key: id.to_owned(),
                            until,
                        });
                    }
                    let lapses_in = until.duration_since(now).unwrap_or(Duration::ZERO);
                    let pause = poll_pause(self.poll_interval, lapses_in, give_up - waited);
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    /// When a claim made at `now` lapses.
    fn claim_ends(&self, now: SystemTime) -> SystemTime {
        let bound = later(now, self.in_progress_bound);
        match self.deadline {
            Some(deadline) if deadline < bound => deadline,
            _ => bound,
        }
    }

    /// Stores the result in our record. A failure is logged, not returned: the handler
    /// ran and its result is the caller's; the key can run again once the claim lapses.
    async fn complete<R: DynamoValue>(&self, id: &str, attempt: &str, result: &R) {
        let f = IdempotencyRecord::fields();
        let data = match result.to_attribute_value() {
            Ok(stored) => stored,
            Err(e) => {
                tracing::warn!(key = id, error = %e, "idempotency: the result cannot be stored");
                return;
            }
        };
        let data = match data.map(crate::document::Value::from_attribute_value) {
            Some(Ok(value)) => Some(value),
            None => None,
            Some(Err(e)) => {
                tracing::warn!(key = id, error = %e, "idempotency: the result cannot be stored");
                return;
            }
        };
        let now = self.mapping.handle().now();
        // Sets only: a lost answer's retry sets the same values again. Only our own
        // claim is completed: a call that took the key over after our claim lapsed
        // keeps its record.
        let completed = self
            .mapping
            .modify(id)
            .set(f.status, IdempotencyStatus::Completed)
            .set(f.data, data)
            .set(f.expiration, later(now, self.expires_after))
            .remove(f.in_progress_expiration)
            .when(f.attempt.eq(attempt.to_owned()))
            .await;
        if let Err(e) = completed {
            tracing::warn!(key = id, error = %e, "idempotency: the result was not recorded; the key may run again once its claim lapses");
        }
    }

    /// Deletes our claim, so that a retry can run the handler. Best effort: a claim
    /// left behind lapses after its bound.
    async fn abandon(&self, id: &str, attempt: &str) {
        let f = IdempotencyRecord::fields();
        let removed = self
            .mapping
            .remove_when(id, f.attempt.eq(attempt.to_owned()))
            .await;
        match removed {
            Ok(_) | Err(Error::ConditionFailed { .. }) => {}
            Err(e) => {
                tracing::warn!(key = id, error = %e, "idempotency: the claim was not deleted; it lapses after its bound")
            }
        }
    }
}

/// What a claim found.
enum Claim {
    /// The key is ours to run.
    Ours,
    /// Completed earlier, with this result.
    Done(aws_sdk_dynamodb::types::AttributeValue),
    /// Completed earlier, with a result stored as no attribute (`None`).
    DoneEmpty,
}
