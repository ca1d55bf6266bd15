//! Counting a request's attempts and throttled answers: an interceptor on that one
//! request (added only while its span is recorded), since the SDK's output does not
//! say how many sends its retries took.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The error codes with which DynamoDB says "slow down".
pub(crate) fn is_throttling(code: Option<&str>) -> bool {
    matches!(
        code,
        Some(
            "ProvisionedThroughputExceededException"
                | "ThrottlingException"
                | "RequestLimitExceeded"
                | "Throttling"
        )
    )
}

/// Sends and throttled answers of one request.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    pub sent: AtomicU32,
    pub throttled: AtomicU32,
}

/// The interceptor, for an operation whose modeled error is `E`.
pub(crate) struct CountAttempts<E> {
    pub counts: Arc<Attempts>,
    pub error: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for CountAttempts<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CountAttempts").field(&self.counts).finish()
    }
}

impl<E> Intercept for CountAttempts<E>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn name(&self) -> &'static str {
        "dynamap::CountAttempts"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.counts.sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let code = match context.output_or_error() {
            Some(Err(error)) => error
                .as_operation_error()
                .and_then(|e| e.downcast_ref::<E>())
                .and_then(ProvideErrorMetadata::code),
            _ => None,
        };
        if is_throttling(code) {
            self.counts.throttled.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}
