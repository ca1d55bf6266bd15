//! The span of one request: opened before it is sent, its outcome recorded after.
//! Declared fields are filled only when a subscriber records the span.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::RequestId;
use aws_sdk_dynamodb::types::{AttributeValue, Capacity, ConsumedCapacity};
use tracing::field::Empty;
use tracing::Span;

use super::attempts::Attempts;
use super::capacity::{units_of, Access};
use super::observed::Observed;
use super::Call;
use crate::sdk_item::Item;

/// The service an operation belongs to, as the AWS SDK names it (`rpc.service`).
fn service_of(operation: &str) -> &'static str {
    match operation {
        "DescribeStream" | "GetShardIterator" | "GetRecords" => "DynamoDB Streams",
        _ => "DynamoDB",
    }
}

/// Opens the span of a request (disabled, and nearly free, without a subscriber). Its
/// fields follow OpenTelemetry's semantic conventions for DynamoDB (database client
/// spans, AWS SDK spans), so a backend fed through `tracing-opentelemetry` shows a
/// DynamoDB call; what the conventions do not name is under `dynamap.`.
pub(crate) fn open(operation: &'static str, call: &Call<'_>, key: Option<&Item>) -> Span {
    let span = tracing::info_span!(
        target: "dynamap",
        "dynamodb",
        "otel.name" = Empty,
        "otel.kind" = "client",
        "otel.status_code" = Empty,
        "db.system.name" = "aws.dynamodb",
        "db.operation.name" = operation,
        "db.collection.name" = call.table,
        "aws.dynamodb.table_names" = call.table,
        "aws.dynamodb.index_name" = Empty,
        "aws.dynamodb.consumed_capacity" = Empty,
        "aws.request_id" = Empty,
        "rpc.system" = "aws-api",
        "rpc.service" = service_of(operation),
        "rpc.method" = operation,
        "error.type" = Empty,
        "dynamap.key" = Empty,
        "dynamap.items" = Empty,
        "dynamap.attempts" = Empty,
        "dynamap.throttles" = Empty,
        "dynamap.capacity_units" = Empty,
    );
    if !span.is_disabled() {
        // The conventions' span name: the operation and its target.
        span.record("otel.name", format!("{operation} {}", call.table));
        if let Some(index) = call.index {
            span.record("aws.dynamodb.index_name", index);
        }
        if let (true, Some(key)) = (call.observer.record_keys, call.key.or(key)) {
            span.record("dynamap.key", key_text(key));
        }
        if let Some(items) = call.items {
            span.record("dynamap.items", as_number(items));
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
    span.record("dynamap.attempts", as_number(counts.sent.load(Relaxed)));
    span.record(
        "dynamap.throttles",
        as_number(counts.throttled.load(Relaxed)),
    );
    match result {
        Ok(output) => {
            span.record("otel.status_code", "OK");
            if let Some(id) = output.request_id() {
                span.record("aws.request_id", id);
            }
            if let Some(items) = output.items() {
                span.record("dynamap.items", as_number(items));
            }
            if let (Some(access), false) = (access, output.capacity().is_empty()) {
                span.record(
                    "dynamap.capacity_units",
                    units_of(output.capacity(), access).total(),
                );
                span.record(
                    "aws.dynamodb.consumed_capacity",
                    consumed_capacity_json(output.capacity()),
                );
            }
        }
        Err(error) => {
            span.record("otel.status_code", "ERROR");
            span.record("error.type", error_kind(error));
            if let Some(id) = error.request_id() {
                span.record("aws.request_id", id);
            }
        }
    }
}

/// A count as an `i64`: `tracing-opentelemetry` exports `i64` fields as integers but
/// unsigned ones as their text.
fn as_number(count: impl TryInto<i64>) -> i64 {
    count.try_into().unwrap_or(i64::MAX)
}

/// The answer's `ConsumedCapacity` entries as the JSON array the conventions ask for
/// (`tracing` fields hold no arrays, so it is one string holding the array).
fn consumed_capacity_json(capacity: &[ConsumedCapacity]) -> String {
    fn units(
        capacity: Option<f64>,
        read: Option<f64>,
        write: Option<f64>,
    ) -> serde_json::Map<String, serde_json::Value> {
        [
            ("CapacityUnits", capacity),
            ("ReadCapacityUnits", read),
            ("WriteCapacityUnits", write),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), serde_json::json!(value?))))
        .collect()
    }
    fn of(c: &Capacity) -> serde_json::Value {
        serde_json::Value::Object(units(
            c.capacity_units,
            c.read_capacity_units,
            c.write_capacity_units,
        ))
    }
    fn indexes(
        map: Option<&std::collections::HashMap<String, Capacity>>,
    ) -> Option<serde_json::Value> {
        let sorted: std::collections::BTreeMap<&String, &Capacity> = map?.iter().collect();
        Some(serde_json::Value::Object(
            sorted
                .into_iter()
                .map(|(name, c)| (name.clone(), of(c)))
                .collect(),
        ))
    }
    let entries: Vec<serde_json::Value> = capacity
        .iter()
        .map(|entry| {
            let mut object = units(
                entry.capacity_units,
                entry.read_capacity_units,
                entry.write_capacity_units,
            );
            if let Some(table) = &entry.table_name {
                object.insert("TableName".to_owned(), table.clone().into());
            }
            if let Some(table) = &entry.table {
                object.insert("Table".to_owned(), of(table));
            }
            if let Some(gsis) = indexes(entry.global_secondary_indexes.as_ref()) {
                object.insert("GlobalSecondaryIndexes".to_owned(), gsis);
            }
            if let Some(lsis) = indexes(entry.local_secondary_indexes.as_ref()) {
                object.insert("LocalSecondaryIndexes".to_owned(), lsis);
            }
            serde_json::Value::Object(object)
        })
        .collect();
    serde_json::Value::Array(entries).to_string()
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::operation::get_item::GetItemError;
    use aws_smithy_runtime_api::client::result::ConnectorError;

    #[test]
    fn capacity_is_reported_as_dynamodbs_json() {
        let units = |total: f64| Capacity::builder().capacity_units(total).build();
        let entry = ConsumedCapacity::builder()
            .table_name("t")
            .capacity_units(3.0)
            .read_capacity_units(1.0)
            .write_capacity_units(2.0)
            .table(units(1.5))
            .global_secondary_indexes("gsi2", units(0.5))
            .global_secondary_indexes("gsi1", units(1.0))
            .local_secondary_indexes("lsi", units(0.25))
            .build();
        let json: serde_json::Value =
            serde_json::from_str(&consumed_capacity_json(&[entry])).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "TableName": "t",
                "CapacityUnits": 3.0,
                "ReadCapacityUnits": 1.0,
                "WriteCapacityUnits": 2.0,
                "Table": { "CapacityUnits": 1.5 },
                "GlobalSecondaryIndexes": {
                    "gsi1": { "CapacityUnits": 1.0 },
                    "gsi2": { "CapacityUnits": 0.5 }
                },
                "LocalSecondaryIndexes": { "lsi": { "CapacityUnits": 0.25 } }
            }])
        );
        assert_eq!(consumed_capacity_json(&[]), "[]");
    }

    #[test]
    fn failures_without_an_answer_are_named_by_kind() {
        type Failed = SdkError<GetItemError, ()>;
        let kinds = [
            (Failed::timeout_error("slow"), "timeout"),
            (
                Failed::dispatch_failure(ConnectorError::io("refused".into())),
                "dispatch failure",
            ),
            (Failed::response_error("garbled", ()), "unreadable response"),
            (
                Failed::construction_failure("bad input"),
                "construction failure",
            ),
        ];
        for (error, kind) in &kinds {
            assert_eq!(error_kind(error), *kind);
        }
    }

    #[test]
    fn keys_are_shown_in_name_order_and_binaries_by_length() {
        let key = Item::from([
            ("s".to_owned(), AttributeValue::S("a b".to_owned())),
            ("n".to_owned(), AttributeValue::N("7".to_owned())),
            ("b".to_owned(), AttributeValue::B(vec![1, 2, 3].into())),
            ("x".to_owned(), AttributeValue::Bool(true)),
        ]);
        assert_eq!(key_text(&key), r#"b=<3 bytes>, n=7, s="a b", x=?"#);
    }
}
