//! How hard a client tries: retries with backoff, and time limits. The defaults are the
//! AWS SDK's standard mode (3 attempts, exponential backoff with jitter, throttling and
//! transient errors retried), which dynamap leaves in place unless told otherwise.

use std::time::Duration;

use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;

/// Retries of each request, as the SDK performs them (standard mode): throttling,
/// transient server errors (500, 503) and connection failures are retried after an
/// exponential backoff with full jitter; conditional-check failures and validation
/// errors never are.
///
/// Batch operations add their own retries on top, for the items DynamoDB leaves
/// unprocessed (see [`InsertMany::max_attempts`](crate::InsertMany::max_attempts)).
///
/// ```
/// use std::time::Duration;
/// let patient = dynamap::RetryPolicy::default().max_attempts(8).max_backoff(Duration::from_secs(5));
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
    /// let once = dynamap::RetryPolicy::none();
    /// ```
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Sends of one request, the first included (at least 1).
    ///
    /// ```
    /// let policy = dynamap::RetryPolicy::default().max_attempts(5);
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The scale of the first backoff (the wait is random up to this, then doubles).
    ///
    /// ```
    /// let policy = dynamap::RetryPolicy::default().initial_backoff(std::time::Duration::from_millis(50));
    /// ```
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts.
    ///
    /// ```
    /// let policy = dynamap::RetryPolicy::default().max_backoff(std::time::Duration::from_secs(2));
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
}

/// Time limits on requests. None are set by default (the SDK's default applies only a
/// connect timeout of 3.1 s), so a server that accepts a connection and never answers
/// would hold a call forever: set `operation` for production use.
///
/// ```
/// use std::time::Duration;
/// let limits = dynamap::Timeouts::default()
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
    /// let limits = dynamap::Timeouts::default().operation(std::time::Duration::from_secs(5));
    /// ```
    pub fn operation(mut self, limit: Duration) -> Self {
        self.operation = Some(limit);
        self
    }

    /// The limit on each attempt of a call.
    ///
    /// ```
    /// let limits = dynamap::Timeouts::default().attempt(std::time::Duration::from_secs(2));
    /// ```
    pub fn attempt(mut self, limit: Duration) -> Self {
        self.attempt = Some(limit);
        self
    }

    /// The limit on opening a connection.
    ///
    /// ```
    /// let limits = dynamap::Timeouts::default().connect(std::time::Duration::from_millis(500));
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
