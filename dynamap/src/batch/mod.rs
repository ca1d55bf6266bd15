//! Bulk reads and writes: BatchWriteItem and BatchGetItem chunked to DynamoDB's limits,
//! several batches in flight, unprocessed items resent with backoff and jitter, and an
//! exact account of what was done.

mod get;
mod keys;
mod progress;
mod write;

pub use get::GetMany;
pub use progress::{BatchProgress, BatchReport};
pub use write::{InsertMany, RemoveMany};

pub(crate) use keys::key_bytes as key_bytes_of;

use crate::Error;

/// Errors worth retrying in a batch: throttling and transient server faults.
pub(crate) fn is_retryable(error: &Error) -> bool {
    use aws_sdk_dynamodb::Error as E;
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
