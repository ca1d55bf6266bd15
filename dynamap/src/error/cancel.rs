//! Why DynamoDB cancelled a transaction, action by action.

use std::fmt;

use crate::sdk_item::Item;

/// Why one action of a cancelled transaction failed (DynamoDB's CancellationReason codes).
///
/// ```
/// use dynamap::error::CancelReason;
/// assert_ne!(CancelReason::ConditionFailed, CancelReason::None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelReason {
    /// This action was fine; another one failed.
    None,
    /// Its condition did not hold.
    ConditionFailed,
    /// Another transaction or write was working on the same item.
    TransactionConflict,
    /// Throttled.
    Throttled,
    /// An item collection (a partition with local indexes) would exceed 10 GB.
    ItemCollectionSizeLimitExceeded,
    /// The action was invalid (for example a type mismatch in its update).
    ValidationError,
    /// A code this version of dynamap does not know.
    Other(String),
}

impl CancelReason {
    pub(crate) fn from_code(code: Option<&str>) -> Self {
        match code {
            None | Some("None") => CancelReason::None,
            Some("ConditionalCheckFailed") => CancelReason::ConditionFailed,
            Some("TransactionConflict") => CancelReason::TransactionConflict,
            Some("ThrottlingError" | "ProvisionedThroughputExceeded") => CancelReason::Throttled,
            Some("ItemCollectionSizeLimitExceeded") => {
                CancelReason::ItemCollectionSizeLimitExceeded
            }
            Some("ValidationError") => CancelReason::ValidationError,
            Some(other) => CancelReason::Other(other.to_owned()),
        }
    }
}

/// One action of a cancelled transaction and why it failed.
///
/// ```no_run
/// # fn f(err: dynamap::Error) {
/// if let dynamap::Error::TransactionCancelled { actions, .. } = err {
///     for action in actions.iter().filter(|a| a.reason != dynamap::error::CancelReason::None) {
///         eprintln!("{action}");
///     }
/// }
/// # }
/// ```
#[derive(Clone, PartialEq)]
pub struct CancelledAction {
    /// The action's position in the transaction, from 0.
    pub index: usize,
    /// What the action was, such as ``Update on `accounts` ``.
    pub action: String,
    /// Why it failed, or `None` when it did not.
    pub reason: CancelReason,
    /// DynamoDB's message.
    pub message: Option<String>,
    /// The item as it was, for a failed condition.
    pub item: Option<Item>,
}

/// The item, if any, shows as a count of attributes: see [`Error`](crate::Error)'s `Debug`.
impl fmt::Debug for CancelledAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelledAction")
            .field("index", &self.index)
            .field("action", &self.action)
            .field("reason", &self.reason)
            .field("message", &self.message)
            .field("item", &self.item.as_ref().map(super::Redacted::item))
            .finish()
    }
}

impl fmt::Display for CancelledAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match &self.reason {
            CancelReason::None => "was not the cause".to_owned(),
            CancelReason::ConditionFailed => "failed its condition".to_owned(),
            CancelReason::TransactionConflict => "conflicted with another write".to_owned(),
            CancelReason::Throttled => "was throttled".to_owned(),
            CancelReason::ItemCollectionSizeLimitExceeded => {
                "hit the item collection size limit".to_owned()
            }
            CancelReason::ValidationError => "was invalid".to_owned(),
            CancelReason::Other(code) => format!("failed with {code}"),
        };
        write!(f, "action {} ({}) {why}", self.index, self.action)?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// A cancellation with its reasons, labelled by action; other errors as they are.
pub(crate) fn cancelled(
    error: aws_sdk_dynamodb::Error,
    labels: &[String],
    operation: &'static str,
) -> super::Error {
    match error {
        aws_sdk_dynamodb::Error::TransactionCanceledException(e) => {
            let actions = e
                .cancellation_reasons()
                .iter()
                .enumerate()
                .map(|(index, reason)| CancelledAction {
                    index,
                    action: labels
                        .get(index)
                        .cloned()
                        .unwrap_or_else(|| format!("action {index}")),
                    reason: CancelReason::from_code(reason.code()),
                    message: reason.message().map(str::to_owned),
                    item: reason.item().cloned(),
                })
                .collect();
            super::Error::TransactionCancelled {
                actions,
                message: e.message().map(str::to_owned),
            }
        }
        other => super::Error::Sdk {
            operation,
            table: labels.join(", "),
            source: Box::new(other),
        },
    }
}
