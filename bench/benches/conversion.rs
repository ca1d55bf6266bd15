//! Conversion micro-benchmarks: dynamap's derived code beside a hand-written
//! conversion and serde_dynamo, on the same values, in one run.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use dynamap::prelude::*;
use dynamap_bench::hand_written;
use dynamap_bench::models::{
    entity_order, order, service_order, wide, EntityOrder, Order, ServiceOrder, Wide,
};
use dynamap_bench::modify_case::ModifyCase;

fn to_item(c: &mut Criterion) {
    let o = order(7);
    let w = wide(7);
    let mut group = c.benchmark_group("to_item");
    group.bench_function(BenchmarkId::new("order", "dynamap"), |b| {
        b.iter(|| black_box(&o).to_item())
    });
    group.bench_function(BenchmarkId::new("order", "hand-written"), |b| {
        b.iter(|| hand_written::order_to_item(black_box(&o)))
    });
    group.bench_function(BenchmarkId::new("order", "serde_dynamo"), |b| {
        b.iter(|| serde_dynamo::aws_sdk_dynamodb_1::to_item::<_>(black_box(&o)))
    });
    group.bench_function(BenchmarkId::new("wide", "dynamap"), |b| {
        b.iter(|| black_box(&w).to_item())
    });
    group.bench_function(BenchmarkId::new("wide", "hand-written"), |b| {
        b.iter(|| hand_written::wide_to_item(black_box(&w)))
    });
    group.bench_function(BenchmarkId::new("wide", "serde_dynamo"), |b| {
        b.iter(|| serde_dynamo::aws_sdk_dynamodb_1::to_item::<_>(black_box(&w)))
    });
    group.finish();
}

fn from_item(c: &mut Criterion) {
    let order_item = hand_written::order_to_item(&order(7));
    let wide_item = hand_written::wide_to_item(&wide(7));
    let mut group = c.benchmark_group("from_item");
    group.bench_function(BenchmarkId::new("order", "dynamap"), |b| {
        b.iter_batched(
            || order_item.clone(),
            Order::from_item,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("order", "hand-written"), |b| {
        b.iter_batched(
            || order_item.clone(),
            hand_written::order_from_item,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("order", "serde_dynamo"), |b| {
        b.iter_batched(
            || order_item.clone(),
            serde_dynamo::aws_sdk_dynamodb_1::from_item::<Order>,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("wide", "dynamap"), |b| {
        b.iter_batched(
            || wide_item.clone(),
            Wide::from_item,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("wide", "hand-written"), |b| {
        b.iter_batched(
            || wide_item.clone(),
            hand_written::wide_from_item,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("wide", "serde_dynamo"), |b| {
        b.iter_batched(
            || wide_item.clone(),
            serde_dynamo::aws_sdk_dynamodb_1::from_item::<Wide>,
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn update_expression(c: &mut Criterion) {
    let case = ModifyCase::new();
    let mut group = c.benchmark_group("update_expression");
    group.bench_function("dynamap modify (5 operations)", |b| {
        b.iter(|| case.builder().expressions())
    });
    group.bench_function("dynamap modify (5 operations), rendered as sent", |b| {
        b.iter(|| case.modify())
    });
    group.bench_function(
        "hand-written: key, format! of both expressions, names, values",
        |b| b.iter(|| case.by_hand()),
    );
    group.finish();
}

/// The types services use (a Uuid newtype key, chrono times, Decimal money, a tagged
/// enum), both ways.
fn service_types(c: &mut Criterion) {
    let o = service_order(7);
    let item = hand_written::service_to_item(&o);
    assert_eq!(o.to_item().expect("encodes"), item, "the same stored form");
    let mut group = c.benchmark_group("service_types");
    group.bench_function(BenchmarkId::new("to_item", "dynamap"), |b| {
        b.iter(|| black_box(&o).to_item())
    });
    group.bench_function(BenchmarkId::new("to_item", "hand-written"), |b| {
        b.iter(|| hand_written::service_to_item(black_box(&o)))
    });
    group.bench_function(BenchmarkId::new("to_item", "serde_dynamo"), |b| {
        b.iter(|| serde_dynamo::aws_sdk_dynamodb_1::to_item::<_>(black_box(&o)))
    });
    let serde_item: hand_written::Item =
        serde_dynamo::aws_sdk_dynamodb_1::to_item(&o).expect("serde_dynamo encodes");
    group.bench_function(BenchmarkId::new("from_item", "dynamap"), |b| {
        b.iter_batched(
            || item.clone(),
            ServiceOrder::from_item,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("from_item", "hand-written"), |b| {
        b.iter_batched(
            || item.clone(),
            hand_written::service_from_item,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(BenchmarkId::new("from_item", "serde_dynamo"), |b| {
        b.iter_batched(
            || serde_item.clone(),
            serde_dynamo::aws_sdk_dynamodb_1::from_item::<ServiceOrder>,
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Composing an entity's key from its templates beside `format!` of the same key.
fn key_template(c: &mut Criterion) {
    let o = entity_order(7);
    let key = o.key();
    let by_hand = hand_written::entity_key_by_hand(&o.user_id, &o.placed_at, &o.id);
    assert_eq!(
        EntityOrder::key_to_item(&key).expect("renders"),
        by_hand,
        "the same key"
    );
    let mut group = c.benchmark_group("key_template");
    group.bench_function("dynamap template", |b| {
        b.iter(|| EntityOrder::key_to_item(black_box(&key)))
    });
    group.bench_function(
        "hand-written: key, format! of both expressions, names, values",
        |b| {
            b.iter(|| {
                let (user_id, placed_at, id) = black_box(&key);
                hand_written::entity_key_by_hand(user_id, placed_at, id)
            })
        },
    );
    group.finish();
}

/// A Lambda DynamoDB event record (a `ServiceOrder` insert, NEW_AND_OLD_IMAGES) into a
/// typed change, beside serde_dynamo decoding the same record's new image.
fn lambda_record(c: &mut Criterion) {
    let o = service_order(7);
    let image = serde_dynamo::to_item::<_, serde_dynamo::Item>(&o).expect("serde_dynamo encodes");
    let stored: serde_json::Value = {
        // The record as Lambda delivers it: the image in DynamoDB JSON, as dynamap stores it.
        let item = o.to_item().expect("encodes");
        let json: serde_dynamo::Item = item.into();
        serde_json::json!({
            "eventID": "1", "eventName": "INSERT", "eventVersion": "1.1",
            "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
            "dynamodb": {
                "ApproximateCreationDateTime": 1732600000,
                "Keys": {"id": {"S": o.id.0.to_string()}},
                "NewImage": serde_json::to_value(&json).expect("json"),
                "SequenceNumber": "111", "SizeBytes": 300,
                "StreamViewType": "NEW_AND_OLD_IMAGES"
            }
        })
    };
    let record: aws_lambda_events::event::dynamodb::EventRecord =
        serde_json::from_value(stored).expect("a Lambda record");
    let change = dynamap::changes::from_lambda_record::<ServiceOrder>(&record)
        .expect("decodes")
        .expect("a change");
    assert_eq!(change.new.as_ref(), Some(&o));
    let mut group = c.benchmark_group("lambda_record");
    group.bench_function("dynamap from_lambda_record", |b| {
        b.iter(|| dynamap::changes::from_lambda_record::<ServiceOrder>(black_box(&record)))
    });
    let serde_record: aws_lambda_events::event::dynamodb::EventRecord = {
        let mut r = record.clone();
        r.change.new_image = image;
        r
    };
    group.bench_function("serde_dynamo from_item", |b| {
        b.iter(|| {
            serde_dynamo::from_item::<_, ServiceOrder>(
                black_box(&serde_record).change.new_image.clone(),
            )
        })
    });
    group.finish();
}

/// A user as a service stores it, once without and once with validators (an email's
/// shape, a name's length, and the type's own rule): what validation adds to every
/// write's encoding.
#[derive(DynamoItem, Clone)]
struct PlainUser {
    #[dynamo(partition_key)]
    id: String,
    email: String,
    name: String,
    plan: String,
}

fn email(value: &str) -> Result<(), &'static str> {
    match value.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(()),
        _ => Err("expected name@domain"),
    }
}

fn short(value: &str) -> Result<(), &'static str> {
    (value.chars().count() <= 100)
        .then_some(())
        .ok_or("over 100 characters")
}

fn not_named_after_email(user: &CheckedUser) -> Result<(), &'static str> {
    (user.name != user.email)
        .then_some(())
        .ok_or("the name is the email")
}

#[derive(DynamoItem, Clone)]
#[dynamo(validate = "not_named_after_email")]
struct CheckedUser {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(validate = "email")]
    email: String,
    #[dynamo(validate = "short")]
    name: String,
    plan: String,
}

fn validation(c: &mut Criterion) {
    let plain = PlainUser {
        id: "u-0190b8a0-0000-7000-8000-000000000001".into(),
        email: "ada.lovelace@example.com".into(),
        name: "Ada Lovelace".into(),
        plan: "pro".into(),
    };
    let checked = CheckedUser {
        id: plain.id.clone(),
        email: plain.email.clone(),
        name: plain.name.clone(),
        plan: plain.plan.clone(),
    };
    let mut group = c.benchmark_group("validation");
    group.bench_function("to_item, no validators", |b| {
        b.iter(|| black_box(&plain).to_item().unwrap())
    });
    group.bench_function("validate + to_item, 3 validators", |b| {
        b.iter(|| {
            let user = black_box(&checked);
            user.validate().unwrap();
            user.to_item().unwrap()
        })
    });
    group.finish();
}

/// A time stored as `Millis` (3 digits, as JavaScript writes it) beside dynamap's default
/// nine digits and chrono's own `to_rfc3339_opts`/`parse_from_rfc3339`, both ways.
fn time_forms(c: &mut Criterion) {
    use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
    use dynamap::value::Millis;
    use dynamap::DynamoValue;
    let at = Utc.timestamp_millis_opt(1_714_555_800_123).unwrap();
    let millis = Millis::new(at);
    let mut group = c.benchmark_group("time_forms");
    group.bench_function(BenchmarkId::new("write", "Millis<DateTime<Utc>>"), |b| {
        b.iter(|| black_box(&millis).to_attribute_value())
    });
    group.bench_function(
        BenchmarkId::new("write", "DateTime<Utc> (nine digits)"),
        |b| b.iter(|| black_box(&at).to_attribute_value()),
    );
    group.bench_function(
        BenchmarkId::new("write", "chrono to_rfc3339_opts(Millis)"),
        |b| b.iter(|| black_box(&at).to_rfc3339_opts(SecondsFormat::Millis, true)),
    );
    let stored = millis.to_attribute_value().unwrap().unwrap();
    let nine = at.to_attribute_value().unwrap().unwrap();
    group.bench_function(BenchmarkId::new("read", "Millis<DateTime<Utc>>"), |b| {
        b.iter_batched(
            || stored.clone(),
            Millis::<DateTime<Utc>>::from_attribute_value,
            criterion::BatchSize::SmallInput,
        )
    });
    group.bench_function(
        BenchmarkId::new("read", "DateTime<Utc> (nine digits)"),
        |b| {
            b.iter_batched(
                || nine.clone(),
                DateTime::<Utc>::from_attribute_value,
                criterion::BatchSize::SmallInput,
            )
        },
    );
    let text = stored.as_s().unwrap().clone();
    group.bench_function(BenchmarkId::new("read", "chrono parse_from_rfc3339"), |b| {
        b.iter(|| DateTime::parse_from_rfc3339(black_box(&text)))
    });
    group.finish();
}

criterion_group!(
    benches,
    time_forms,
    validation,
    to_item,
    from_item,
    update_expression,
    service_types,
    key_template,
    lambda_record
);
criterion_main!(benches);
