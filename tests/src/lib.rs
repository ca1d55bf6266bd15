//! Test support for dynamap's end-to-end tests: one DynamoDB Local server per test
//! process, and a fresh, uniquely named table per test so tests run in parallel.
//!
//! Set `DYNAMAP_TEST_ENDPOINT` to test against another server instead (a real AWS
//! endpoint, Docker's amazon/dynamodb-local, LocalStack, ScyllaDB Alternator). Without
//! `AWS_ACCESS_KEY_ID` or `AWS_PROFILE` in the environment, dummy credentials are used.

pub mod faults;
pub mod proxy;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use dynamap::local::DynamoDbLocal;
use dynamap::{DynamoItem, TypedMapping};

/// The server shared by every test of this process. Never dropped: its watchdog stops
/// Java when the process exits.
static SERVER: OnceLock<Result<DynamoDbLocal, String>> = OnceLock::new();

/// The endpoint tests talk to: `DYNAMAP_TEST_ENDPOINT`, or a DynamoDB Local started on
/// first use (installed by `scripts/install-dynamodb-local`).
///
/// # Panics
/// When no endpoint is set and DynamoDB Local cannot start: the tests cannot run.
pub fn endpoint() -> String {
    if let Ok(endpoint) = std::env::var("DYNAMAP_TEST_ENDPOINT") {
        if !endpoint.is_empty() {
            return endpoint;
        }
    }
    let server = SERVER.get_or_init(|| DynamoDbLocal::start().map_err(|e| e.to_string()));
    match server {
        Ok(server) => server.endpoint().to_owned(),
        Err(e) => panic!("cannot start DynamoDB Local for the tests: {e}"),
    }
}

/// A client for the test endpoint. Each test builds its own: an SDK client keeps
/// connections tied to the tokio runtime it first ran on, and each test has its own.
///
/// # Panics
/// When the client cannot be configured.
pub async fn client() -> Client {
    let endpoint = endpoint();
    let has_real_credentials = std::env::var_os("AWS_ACCESS_KEY_ID").is_some()
        || std::env::var_os("AWS_PROFILE").is_some();
    let connect = if std::env::var_os("DYNAMAP_TEST_ENDPOINT").is_some() && has_real_credentials {
        let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".to_owned());
        dynamap::connect().endpoint_url(endpoint).region(region)
    } else {
        dynamap::connect().local(endpoint)
    };
    match connect.await {
        Ok(client) => client,
        Err(e) => panic!("cannot configure the test client: {e}"),
    }
}

/// A table name no other test (of this or a concurrent run) uses.
pub fn unique_table_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("dynamap-test-{prefix}-{}-{n}-{nanos}", std::process::id())
}

/// A mapping over a new table made from `T`'s key schema.
///
/// # Panics
/// When the table cannot be created.
pub async fn new_mapping<T: DynamoItem>(prefix: &str) -> TypedMapping<T> {
    let mapping = TypedMapping::new(client().await, unique_table_name(prefix));
    if let Err(e) = mapping.create_table().await {
        panic!("cannot create table {}: {e}", mapping.table_name());
    }
    mapping
}

/// What a [`counting_client`] has sent: one entry per request, in order.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: std::sync::Mutex<Vec<SentRequest>>,
}

/// One request seen by the counting interceptor.
#[derive(Debug, Clone)]
pub struct SentRequest {
    /// The operation, such as `Scan`.
    pub operation: String,
    /// The ProjectionExpression of a Scan or Query, if any.
    pub projection: Option<String>,
}

impl RequestLog {
    /// The requests sent so far.
    pub fn sent(&self) -> Vec<SentRequest> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// How many requests were sent.
    pub fn count(&self) -> usize {
        self.sent().len()
    }
}

#[derive(Debug)]
struct Counter(std::sync::Arc<RequestLog>);

impl aws_sdk_dynamodb::config::Intercept for Counter {
    fn name(&self) -> &'static str {
        "dynamap-test-request-counter"
    }

    fn read_before_execution(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<
            '_,
        >,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        use aws_sdk_dynamodb::operation::{query::QueryInput, scan::ScanInput};
        let input = context.input();
        let (operation, projection) = if let Some(scan) = input.downcast_ref::<ScanInput>() {
            ("Scan", scan.projection_expression.clone())
        } else if let Some(query) = input.downcast_ref::<QueryInput>() {
            ("Query", query.projection_expression.clone())
        } else {
            ("other", None)
        };
        if let Ok(mut entries) = self.0.entries.lock() {
            entries.push(SentRequest {
                operation: operation.to_owned(),
                projection,
            });
        }
        Ok(())
    }
}

/// The same client, with an interceptor that logs every request it sends: how the
/// tests prove that streams are lazy.
pub fn counting_client(client: &Client) -> (Client, std::sync::Arc<RequestLog>) {
    let log = std::sync::Arc::new(RequestLog::default());
    let config = client
        .config()
        .to_builder()
        .interceptor(Counter(log.clone()))
        .build();
    (Client::from_conf(config), log)
}

/// Inserts `items` with 16 writes in flight.
///
/// # Panics
/// When a write fails.
pub async fn insert_all<T: DynamoItem>(mapping: &TypedMapping<T>, items: Vec<T>) {
    use futures::{StreamExt, TryStreamExt};
    futures::stream::iter(items)
        .map(|item| async move { mapping.insert(&item).await })
        .buffer_unordered(16)
        .try_collect::<()>()
        .await
        .unwrap_or_else(|e| panic!("cannot insert test items: {e}"));
}
