//! The errors of the encryption interceptors: the AWS Database Encryption SDK's, and
//! dynamap's own that refuse a client without it or an item too large once encrypted.
//! Told apart from the SDK's other failures here, where every call's errors are
//! classified.

use super::Error;
use crate::limits::MAX_ITEM_SIZE;

/// The name the AWS Database Encryption SDK gives its interceptor.
pub(crate) const SDK_INTERCEPTOR: &str = "DbEsdkInterceptor";

/// The name of dynamap's interceptor that refuses a client without the SDK's.
pub(crate) const REFUSAL: &str = "dynamap::encryption::Refusal";

/// The size of an item the SDK encrypted, over DynamoDB's limit.
#[derive(Debug)]
pub(crate) struct StoredTooLarge {
    pub(crate) size: usize,
}

impl std::fmt::Display for StoredTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the item encrypted is {} bytes, over DynamoDB's limit of {}",
            self.size, MAX_ITEM_SIZE
        )
    }
}

impl std::error::Error for StoredTooLarge {}

/// The error of a call the encryption SDK's interceptor failed (or dynamap's: the
/// refusal of a client without it, an item too large once encrypted).
pub(crate) fn encryption_error(
    operation: &'static str,
    table: &str,
    err: &(dyn std::error::Error + 'static),
) -> Option<Error> {
    use aws_smithy_runtime_api::client::interceptors::error::InterceptorError;
    let mut next = Some(err);
    while let Some(error) = next {
        if let Some(interceptor) = error.downcast_ref::<InterceptorError>() {
            let source = std::error::Error::source(interceptor);
            if let Some(large) = source.and_then(|s| s.downcast_ref::<StoredTooLarge>()) {
                return Some(Error::ItemTooLarge {
                    size: Some(large.size),
                    limit: MAX_ITEM_SIZE,
                });
            }
            let said = interceptor.to_string();
            if said.starts_with(SDK_INTERCEPTOR) || said.starts_with(REFUSAL) {
                return Some(Error::Encryption {
                    operation,
                    table: table.to_owned(),
                    key: None,
                    problem: source.map_or(said, |source| source.to_string()),
                });
            }
        }
        next = error.source();
    }
    None
}
