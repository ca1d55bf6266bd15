//! The span of one request: opened before it is sent, its outcome recorded after.
//! Declared fields are filled only when a subscriber records the span.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::RequestId;
use aws_sdk_dynamodb::types::AttributeValue;
use tracing::field::Empty;
use tracing::Span;

use super::attempts::Attempts;
use super::capacity::{units_of, Access};
use super::observed::Observed;
use super::Call;
use crate::sdk_item::Item;

/// Opens the span of a request (disabled, and nearly free, without a subscriber).
pub(crate) fn open(operation: &'static str, call: &Call<'_>, key: Option<&Item>) -> Span {
    let span = tracing::info_span!(
        target: "dynamap",
        "dynamodb",
        operation,
        table = call.table,
        index = Empty,
        key = Empty,
        items = Empty,
        attempts = Empty,
        throttles = Empty,
        capacity = Empty,
        request_id = Empty,
        outcome = Empty,
        error = Empty,
    );
    if !span.is_disabled() {
        if let Some(index) = call.index {
            span.record("index", index);
        }
        if let (true, Some(key)) = (call.observer.record_keys, call.key.or(key)) {
            span.record("key", key_text(key));
        }
        if let Some(items) = call.items {
            span.record("items", items);
        }
    }
    span
}

/// Records what happened: attempts, throttles, and the answer's report or the error.
pub(crate) fn close<O, E>(
    span: &Span,
    counts: &Attempts,
    result: &Result<O, SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>>,
    access: Option<Access>,
) where
    O: Observed,
    E: ProvideErrorMetadata,
{
    use std::sync::atomic::Ordering::Relaxed;
    span.record("attempts", counts.sent.load(Relaxed));
    span.record("throttles", counts.throttled.load(Relaxed));
    match result {
        Ok(output) => {
            span.record("outcome", "ok");
            if let Some(id) = output.request_id() {
                span.record("request_id", id);
            }
            if let Some(items) = output.items() {
                span.record("items", items);
            }
            if let (Some(access), false) = (access, output.capacity().is_empty()) {
                span.record("capacity", units_of(output.capacity(), access).total());
            }
        }
        Err(error) => {
            span.record("outcome", "error");
            span.record("error", error_kind(error));
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
        }
    }
}

/// DynamoDB's error code, or what kind of failure left no answer.
fn error_kind<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> &str {
    match error {
        SdkError::ServiceError(e) => e.err().code().unwrap_or("service error"),
        SdkError::TimeoutError(_) => "timeout",
        SdkError::DispatchFailure(_) => "dispatch failure",
        SdkError::ResponseError(_) => "unreadable response",
        SdkError::ConstructionFailure(_) => "construction failure",
        _ => "unknown",
    }
}

/// A key as `name=value` pairs in name order; binary values by their length only.
pub(crate) fn key_text(key: &Item) -> String {
    let mut names: Vec<&String> = key.keys().collect();
    names.sort();
    names
        .into_iter()
        .map(|name| match &key[name] {
            AttributeValue::S(s) => format!("{name}={s:?}"),
            AttributeValue::N(n) => format!("{name}={n}"),
            AttributeValue::B(b) => format!("{name}=<{} bytes>", b.as_ref().len()),
            _ => format!("{name}=?"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
