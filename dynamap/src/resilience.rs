//! How hard a client tries: retries with backoff, and time limits. The defaults are the
//! AWS SDK's standard mode (3 attempts, exponential backoff with jitter, throttling and
//! transient errors retried), which dynamap leaves in place unless told otherwise.

use std::time::Duration;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;

use crate::error::{Error, Result};

/// Retries of each request, as the SDK performs them (standard mode): throttling,
/// transient server errors (500, 503) and connection failures are retried after an
/// exponential backoff with full jitter; conditional-check failures and validation
/// errors never are.
///
/// Batch operations add their own retries on top, for the items DynamoDB leaves
/// unprocessed (see [`InsertMany::max_attempts`](crate::batches::InsertMany::max_attempts)).
///
/// ```
/// use std::time::Duration;
/// let patient = dynamap::config::RetryPolicy::default().max_attempts(8).max_backoff(Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// The SDK's standard mode: 3 attempts, backoff from 1 s up to 20 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// No retries: each request is sent once.
    ///
    /// ```
    /// let once = dynamap::config::RetryPolicy::none();
    /// ```
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Sends of one request, the first included (at least 1).
    ///
    /// ```
    /// let policy = dynamap::config::RetryPolicy::default().max_attempts(5);
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The scale of the first backoff (the wait is random up to this, then doubles).
    ///
    /// ```
    /// let policy = dynamap::config::RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(50));
    /// ```
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts.
    ///
    /// ```
    /// let policy = dynamap::config::RetryPolicy::default().max_backoff(std::time::Duration::from_secs(2));
    /// ```
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    pub(crate) fn to_sdk(self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(self.max_attempts)
            .with_initial_backoff(self.initial_backoff)
            .with_max_backoff(self.max_backoff)
    }

    /// The policy a client was configured with (`connect()`, `with_retry`), or the
    /// SDK's standard mode when it has none.
    pub(crate) fn of(client: &Client) -> Self {
        match client.config().retry_config() {
            Some(config) => RetryPolicy {
                max_attempts: config.max_attempts().max(1),
                initial_backoff: config.initial_backoff(),
                max_backoff: config.max_backoff(),
            },
            None => RetryPolicy::default(),
        }
    }

    /// How many sends this policy allows for one request.
    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before send `attempt + 1`, as the SDK's standard mode computes it:
    /// random up to `initial_backoff × 2^(attempt-1)`, never over `max_backoff`.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let doubling = 1_u32 << attempt.saturating_sub(1).min(20);
        let cap = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        cap.mul_f64(fastrand::f64())
    }
}

/// A failure after which the request may or may not have been applied: the answer was
/// lost (a cut connection, a timeout) or the server failed while handling it (500,
/// 503). Throttling and client errors are never applied.
pub(crate) fn may_have_applied(error: &Error) -> bool {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    match error {
        Error::Connection { .. } | Error::Timeout { .. } => true,
        Error::Sdk { source, .. } => {
            matches!(
                source.as_ref(),
                aws_sdk_dynamodb::Error::InternalServerError(_)
            ) || matches!(
                source.code(),
                Some("ServiceUnavailable" | "InternalFailure" | "InternalServerError")
            )
        }
        _ => false,
    }
}

/// The outcome of a write sent by [`send_tracked`]: its result, and the failure of an
/// earlier attempt that may have been applied (the answer lost), if there was one.
pub(crate) struct Tracked<T> {
    pub result: Result<T>,
    pub lost: Option<Error>,
}

/// Sends one write (built by `send` with `without_sdk_retries`) and retries it here
/// under the client's [`RetryPolicy`], remembering whether an earlier attempt may have
/// been applied. A conditional write that then fails its condition may have failed on
/// its own earlier success: the caller checks the item DynamoDB returns.
pub(crate) async fn send_tracked<T, F, Fut>(client: &Client, mut send: F) -> Tracked<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let policy = RetryPolicy::of(client);
    let mut lost = None;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match send().await {
            Ok(value) => {
                return Tracked {
                    result: Ok(value),
                    lost,
                }
            }
            Err(e) if attempt < policy.attempts() && is_retryable(&e) => {
                if may_have_applied(&e) {
                    lost = Some(e);
                }
                tokio::time::sleep(policy.backoff(attempt)).await;
            }
            Err(e) => {
                return Tracked {
                    result: Err(e),
                    lost,
                }
            }
        }
    }
}

/// Time limits on requests. None are set by default (the SDK's default applies only a
/// connect timeout of 3.1 s), so a server that accepts a connection and never answers
/// would hold a call forever: set `operation` for production use.
///
/// ```
/// use std::time::Duration;
/// let limits = dynamap::config::Timeouts::default()
///     .operation(Duration::from_secs(10))     // the whole call, retries included
///     .attempt(Duration::from_secs(3));       // each attempt
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    operation: Option<Duration>,
    attempt: Option<Duration>,
    connect: Option<Duration>,
}

impl Timeouts {
    /// The limit on a whole call, retries and backoff included.
    ///
    /// ```
    /// let limits = dynamap::config::Timeouts::default().operation(std::time::Duration::from_secs(5));
    /// ```
    pub fn operation(mut self, limit: Duration) -> Self {
        self.operation = Some(limit);
        self
    }

    /// The limit on each attempt of a call.
    ///
    /// ```
    /// let limits = dynamap::config::Timeouts::default().attempt(std::time::Duration::from_secs(2));
    /// ```
    pub fn attempt(mut self, limit: Duration) -> Self {
        self.attempt = Some(limit);
        self
    }

    /// The limit on opening a connection.
    ///
    /// ```
    /// let limits = dynamap::config::Timeouts::default().connect(std::time::Duration::from_millis(500));
    /// ```
    pub fn connect(mut self, limit: Duration) -> Self {
        self.connect = Some(limit);
        self
    }

    pub(crate) fn to_sdk(self) -> TimeoutConfig {
        let mut builder = TimeoutConfig::builder();
        if let Some(limit) = self.operation {
            builder = builder.operation_timeout(limit);
        }
        if let Some(limit) = self.attempt {
            builder = builder.operation_attempt_timeout(limit);
        }
        if let Some(limit) = self.connect {
            builder = builder.connect_timeout(limit);
        }
        builder.build()
    }
}

/// The wait before another read-modify-write round after losing a race to another
/// writer: short (the other writer is done), random so racers spread out; up to 10 ms,
/// 20 ms, ... capped at 1 s.
pub(crate) fn conflict_backoff(attempt: u32) -> Duration {
    let cap_ms = 10u64.saturating_mul(1 << attempt.min(7)).min(1000);
    Duration::from_millis(fastrand::u64(0..=cap_ms))
}

/// Errors worth sending a request again for: throttling, transient server faults, lost
/// connections and timeouts.
pub(crate) fn is_retryable(error: &Error) -> bool {
    use aws_sdk_dynamodb::Error as E;
    if matches!(error, Error::Connection { .. } | Error::Timeout { .. }) {
        return true;
    }
    match error.sdk_error() {
        Some(
            E::ProvisionedThroughputExceededException(_)
            | E::RequestLimitExceeded(_)
            | E::InternalServerError(_)
            | E::ThrottlingException(_),
        ) => true,
        Some(other) => matches!(
            aws_sdk_dynamodb::error::ProvideErrorMetadata::code(other),
            Some("ThrottlingException" | "ServiceUnavailable" | "InternalFailure")
        ),
        None => false,
    }
}
