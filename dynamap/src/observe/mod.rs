//! What dynamap does and what it costs: a `tracing` span for every request it sends,
//! the capacity DynamoDB reports, added up on a [`CapacityMeter`], and rate limits
//! that pace scans, queries, counts and batch writes by that capacity.
//!
//! Every request goes through one send path: its span (target `dynamap`, name
//! `dynamodb`, level INFO) carries OpenTelemetry's semantic-convention attributes for
//! DynamoDB (`db.system.name`, `db.operation.name`, `db.collection.name`,
//! `aws.dynamodb.index_name`, `aws.dynamodb.consumed_capacity`, `aws.request_id`,
//! `error.type`, `otel.kind`, `otel.status_code`, `otel.name`), so `tracing-opentelemetry`
//! exports it as a DynamoDB client span, and dynamap's own figures under `dynamap.`
//! (`items`, `attempts`, `throttles`, `capacity_units`, `key`). No item data is recorded, and keys only after [`TypedMapping::with_key_tracing`]
//! (keys may be personal data). Without a subscriber the span is disabled and the
//! request goes out exactly as before.
//!
//! [`TypedMapping::with_key_tracing`]: crate::TypedMapping::with_key_tracing

mod attempts;
mod capacity;
mod observed;
mod rate;
pub(crate) mod request;
mod span;

pub use capacity::{Capacity, CapacityMeter, Units};
pub(crate) use rate::RateLimiter;
pub(crate) use request::{send, send_classified};

use crate::sdk_item::Item;

/// What a mapping does besides sending: the meter its calls' capacity goes to, and
/// whether its spans name keys.
#[derive(Debug, Clone, Default)]
pub(crate) struct Observer {
    pub meter: Option<CapacityMeter>,
    pub record_keys: bool,
}

impl Observer {
    /// Observes nothing beyond spans (table lifecycle and the like).
    pub(crate) const PLAIN: Observer = Observer {
        meter: None,
        record_keys: false,
    };
}

/// One request, as its span and its meter see it.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    pub table: &'a str,
    pub index: Option<&'a str>,
    pub observer: &'a Observer,
    /// The key, recorded only when the observer says so.
    pub key: Option<&'a Item>,
    /// Items sent (writes); reads report theirs from the answer.
    pub items: Option<usize>,
    pub rate: Option<&'a RateLimiter>,
    /// Whether the SDK retries it (off where dynamap retries, to tell lost answers).
    pub sdk_retries: bool,
}

impl<'a> Call<'a> {
    /// A request on `table`, seen by `observer`.
    pub(crate) fn new(table: &'a str, observer: &'a Observer) -> Self {
        Call {
            table,
            index: None,
            observer,
            key: None,
            items: None,
            rate: None,
            sdk_retries: true,
        }
    }

    pub(crate) fn index(self, index: Option<&'a str>) -> Self {
        Call { index, ..self }
    }

    pub(crate) fn items(self, items: usize) -> Self {
        Call {
            items: Some(items),
            ..self
        }
    }

    pub(crate) fn rate(self, rate: Option<&'a RateLimiter>) -> Self {
        Call { rate, ..self }
    }

    pub(crate) fn sdk_retries(self, sdk_retries: bool) -> Self {
        Call {
            sdk_retries,
            ..self
        }
    }
}
