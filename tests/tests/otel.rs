//! dynamap's request spans, exported through `tracing-opentelemetry` into memory, carry
//! OpenTelemetry's semantic conventions for DynamoDB: a tracing backend shows them as
//! DynamoDB client calls with their table, index, capacity, request id and error.

use dynamap::condition::PathExt;
use dynamap::{DynamoItem, TypedMapping};
use dynamap_tests::{client, unique_table_name};
use futures::TryStreamExt;
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Player {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key = "by_team")]
    team: String,
    secret: String,
}

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn text(span: &SpanData, key: &str) -> String {
    match attribute(span, key) {
        Some(Value::String(s)) => s.as_str().to_owned(),
        other => panic!("`{key}` is not a string: {other:?} in {span:#?}"),
    }
}

fn spans_named<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|s| s.name == name).collect()
}

#[test]
fn request_spans_follow_opentelemetrys_dynamodb_conventions() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    // dynamap's spans only (the SDK has its own, not DynamoDB calls).
    let subscriber = tracing_subscriber::registry().with(
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("dynamap-test"))
            .with_filter(filter_fn(|meta| meta.target() == "dynamap")),
    );
    let _installed = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let table = unique_table_name("otel");
    runtime.block_on(async {
        let players: TypedMapping<Player> = TypedMapping::new(client().await, table.clone());
        players
            .create_table()
            .stream(dynamap::schema::StreamView::NewImage)
            .await
            .unwrap();
        let ada = Player {
            id: "p1".into(),
            team: "blue".into(),
            secret: "hunter2".into(),
        };
        players.insert(&ada).await.unwrap();
        assert_eq!(players.get("p1").await.unwrap(), Some(ada.clone()));
        // A write refused by its condition: an error span.
        let refused = players
            .insert(&ada)
            .when(Player::fields().id.not_exists())
            .await;
        assert!(refused.is_err());
        let blue: Vec<Player> = players
            .query_index_named::<String>("by_team", "blue")
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(blue.len(), 1);
        // A miss reads no item; a read transaction counts the items it found.
        assert_eq!(players.get("nobody").await.unwrap(), None);
        let grace = Player {
            id: "p2".into(),
            team: "red".into(),
            secret: "hunter2".into(),
        };
        players.insert(&grace).await.unwrap();
        let mut read = dynamap::read_transaction(players.client());
        let _ = read.get(&players, "p1");
        let _ = read.get(&players, "nobody");
        let _ = read.get(&players, "p2");
        read.send().await.unwrap();
        // A change feed's reads count the records they brought: two inserts, one write
        // refused (no record), so two records.
        let mut feed = players
            .changes()
            .poll_interval(std::time::Duration::from_millis(50))
            .stream();
        for _ in 0..2 {
            let record = tokio::time::timeout(std::time::Duration::from_secs(10), feed.try_next())
                .await
                .expect("an insert's record")
                .unwrap();
            assert!(record.is_some());
        }
        // Polls that find nothing more count nothing.
        let idle =
            tokio::time::timeout(std::time::Duration::from_millis(400), feed.try_next()).await;
        assert!(idle.is_err(), "no second record: {idle:?}");
    });
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();

    // Every request span: a client span of DynamoDB (or its Streams), named as the
    // conventions name it.
    let streams = ["DescribeStream", "GetShardIterator", "GetRecords"];
    for span in &spans {
        assert_eq!(span.span_kind, SpanKind::Client, "{span:#?}");
        assert_eq!(text(span, "db.system.name"), "aws.dynamodb");
        assert_eq!(text(span, "rpc.system"), "aws-api");
        let operation = text(span, "db.operation.name");
        let service = if streams.contains(&operation.as_str()) {
            "DynamoDB Streams"
        } else {
            "DynamoDB"
        };
        assert_eq!(text(span, "rpc.service"), service);
        let operation = text(span, "db.operation.name");
        assert_eq!(text(span, "rpc.method"), operation);
        assert_eq!(text(span, "db.collection.name"), table);
        assert_eq!(text(span, "aws.dynamodb.table_names"), table);
        assert_eq!(span.name, format!("{operation} {table}"));
        assert!(
            span.attributes
                .iter()
                .all(|kv| !kv.value.as_str().contains("hunter2")),
            "no item data: {span:#?}"
        );
    }

    let get = spans_named(&spans, &format!("GetItem {table}"));
    assert_eq!(get.len(), 2, "a hit, then a miss: {spans:#?}");
    let get = get[0];
    assert_eq!(get.status, Status::Ok);
    assert!(!text(get, "aws.request_id").is_empty());
    assert_eq!(attribute(get, "dynamap.items"), Some(&Value::I64(1)));
    assert_eq!(attribute(get, "dynamap.attempts"), Some(&Value::I64(1)));
    // The capacity report as the conventions' JSON, beside dynamap's total.
    let capacity: serde_json::Value =
        serde_json::from_str(&text(get, "aws.dynamodb.consumed_capacity")).unwrap();
    assert_eq!(capacity[0]["TableName"], table.as_str(), "{capacity}");
    assert!(capacity[0]["CapacityUnits"].as_f64().unwrap() > 0.0);
    assert_eq!(
        attribute(get, "dynamap.capacity_units"),
        Some(&Value::F64(capacity[0]["CapacityUnits"].as_f64().unwrap()))
    );
    assert!(
        attribute(get, "dynamap.key").is_none(),
        "keys only when asked"
    );

    let puts = spans_named(&spans, &format!("PutItem {table}"));
    assert_eq!(puts.len(), 3, "{spans:#?}");
    assert_eq!(puts[0].status, Status::Ok);
    assert!(
        matches!(puts[1].status, Status::Error { .. }),
        "{:?}",
        puts[1].status
    );
    assert_eq!(
        text(puts[1], "error.type"),
        "ConditionalCheckFailedException"
    );

    let query = spans_named(&spans, &format!("Query {table}"));
    assert!(!query.is_empty(), "{spans:#?}");
    assert_eq!(text(query[0], "aws.dynamodb.index_name"), "by_team");

    // Items read, per operation: a hit, a miss, a transaction's hits, a feed's records.
    let gets = spans_named(&spans, &format!("GetItem {table}"));
    let items: Vec<Option<&Value>> = gets.iter().map(|s| attribute(s, "dynamap.items")).collect();
    assert_eq!(items, [Some(&Value::I64(1)), Some(&Value::I64(0))]);
    let transaction = spans_named(&spans, &format!("TransactGetItems {table}"));
    assert_eq!(transaction.len(), 1, "{spans:#?}");
    assert_eq!(
        attribute(transaction[0], "dynamap.items"),
        Some(&Value::I64(2))
    );
    // The idle poll is cut by its timeout: a GetRecords in flight then is dropped with
    // its span, which ends with no answer (no status, no count). Every answered one
    // has its count.
    let records: i64 = spans
        .iter()
        .filter(|s| text(s, "db.operation.name") == "GetRecords")
        .filter(|s| s.status != Status::Unset)
        .map(|s| match attribute(s, "dynamap.items") {
            Some(Value::I64(n)) => *n,
            other => panic!("a GetRecords span without its item count: {other:?}"),
        })
        .sum();
    assert_eq!(records, 2);
}
