//! Test support for dynamap's end-to-end tests: one server per test process, and a
//! fresh, uniquely named table per test so tests run in parallel.
//!
//! The server is the one `dynamap::local::LocalServer::from_env` picks: the embedded
//! emulator by default, DynamoDB Local with `DYNAMAP_SERVER=dynamodb-local`. Set
//! `DYNAMAP_TEST_ENDPOINT` to test against another server instead (a real AWS
//! endpoint, Docker's amazon/dynamodb-local, LocalStack, ScyllaDB Alternator). Without
//! `AWS_ACCESS_KEY_ID` or `AWS_PROFILE` in the environment, dummy credentials are used.

pub mod faults;
pub mod proxy;
pub mod shard_tree;
pub mod wire;

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::Client;
use dynamap::local::{LocalServer, ServerKind};
use dynamap::{DynamoItem, TypedMapping};

/// The server shared by every test of this process. Never dropped: the embedded
/// server ends with the process, DynamoDB Local's watchdog stops Java when it exits.
static SERVER: OnceLock<Result<LocalServer, String>> = OnceLock::new();

fn server() -> &'static LocalServer {
    let server = SERVER.get_or_init(|| {
        let server = match std::env::var("DYNAMAP_TEST_ENDPOINT") {
            Ok(endpoint) if !endpoint.is_empty() => Ok(LocalServer::External(endpoint)),
            _ => LocalServer::start(LocalServer::kind_from_env().map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string()),
        };
        if let Ok(server) = &server {
            let _ = writeln!(
                std::io::stderr(),
                "dynamap tests: {} server at {}",
                server.kind(),
                server.endpoint()
            );
        }
        server
    });
    match server {
        Ok(server) => server,
        Err(e) => panic!("cannot start the test server: {e}"),
    }
}

/// The endpoint tests talk to: `DYNAMAP_TEST_ENDPOINT`, or a server started on first
/// use (see the crate documentation).
///
/// # Panics
/// When no endpoint is set and the server cannot start: the tests cannot run.
pub fn endpoint() -> String {
    server().endpoint().to_owned()
}

/// The kind of server the tests run on.
///
/// # Panics
/// As [`endpoint`].
pub fn server_kind() -> ServerKind {
    server().kind()
}

/// Behaviour a test relies on that not every server has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// `DescribeTable`'s `ItemCount` is current (DynamoDB refreshes it about every six hours).
    CurrentItemCount,
    /// Expired time-to-live items go within seconds (DynamoDB: within days).
    PromptTtlExpiry,
    /// A time-to-live number with a fraction expires (the embedded emulator expires
    /// only whole epoch seconds; dynamap itself always writes whole seconds).
    FractionalTtlExpiry,
    /// A plain-HTTP endpoint the fault proxy can stand in front of.
    PlainHttp,
}

impl Needs {
    fn met_by(self, kind: ServerKind, endpoint: &str) -> Result<(), &'static str> {
        match (self, kind) {
            (Needs::CurrentItemCount, ServerKind::External) => {
                Err("the server may refresh ItemCount only every few hours")
            }
            (Needs::PromptTtlExpiry, ServerKind::External) => {
                Err("the server may take days to expire time-to-live items")
            }
            (Needs::FractionalTtlExpiry, ServerKind::Embedded) => {
                Err("the embedded emulator never expires a TTL number with a fraction")
            }
            (Needs::FractionalTtlExpiry, ServerKind::External) => {
                Err("the server may take days to expire time-to-live items")
            }
            (Needs::PlainHttp, _) if !endpoint.starts_with("http://") => {
                Err("the fault proxy needs a plain-http endpoint")
            }
            _ => Ok(()),
        }
    }
}

/// Whether the test server has what `test` needs. When it does not, says so on
/// stderr (past the test harness's capture, so a skip is never silent) and the test
/// returns early. The one place that knows which server lacks what.
///
/// # Panics
/// As [`endpoint`].
pub fn server_has(need: Needs, test: &str) -> bool {
    match need.met_by(server_kind(), &endpoint()) {
        Ok(()) => true,
        Err(reason) => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED part of {test} on the {} server: {reason}",
                server_kind()
            );
            false
        }
    }
}

/// A string unique to this test run, for names and tokens a server remembers across
/// runs (client request tokens are remembered for ten minutes).
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    // Short enough for a client request token (at most 36 characters) with a prefix.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!("{nanos:x}-{:x}-{n:x}", std::process::id())
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
    format!("dynamap-test-{prefix}-{}", unique_suffix())
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

/// The item stored under `key`, as another client reads it (raw attribute values), to
/// check the stored form.
///
/// # Panics
/// When the read fails or there is no such item.
pub async fn stored<T: DynamoItem>(
    mapping: &TypedMapping<T>,
    key: &T::Key,
) -> dynamap::value::Item {
    let key = T::key_to_item(key).unwrap_or_else(|e| panic!("cannot encode the key: {e}"));
    mapping
        .client()
        .get_item()
        .table_name(mapping.table_name())
        .set_key(Some(key))
        .send()
        .await
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", mapping.table_name()))
        .item
        .unwrap_or_else(|| panic!("no such item in {}", mapping.table_name()))
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
    /// The `Select` of a Scan or Query, if any (`COUNT` for a count).
    pub select: Option<String>,
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
        let (operation, projection, select) = if let Some(scan) = input.downcast_ref::<ScanInput>()
        {
            (
                "Scan",
                scan.projection_expression.clone(),
                scan.select.clone(),
            )
        } else if let Some(query) = input.downcast_ref::<QueryInput>() {
            (
                "Query",
                query.projection_expression.clone(),
                query.select.clone(),
            )
        } else {
            ("other", None, None)
        };
        if let Ok(mut entries) = self.0.entries.lock() {
            entries.push(SentRequest {
                operation: operation.to_owned(),
                projection,
                select: select.map(|s| s.as_str().to_owned()),
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

/// Every page of a query, each started from the token of the one before, until the
/// last: the items in order, and how many pages there were.
pub async fn all_pages<'m, T, U>(
    make: impl Fn() -> dynamap::reads::Query<'m, T, U>,
) -> (Vec<U>, usize)
where
    T: DynamoItem,
    U: Send + Sync + 'static,
{
    use futures::TryStreamExt;
    let mut items = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let mut query = make();
        if let Some(token) = token.take() {
            query = query.start_from(token);
        }
        let page = query.pages().try_next().await.unwrap().expect("a page");
        pages += 1;
        let next = page.next_token().cloned();
        items.extend(page.into_items());
        match next {
            Some(next) => token = Some(next),
            None => return (items, pages),
        }
        assert!(pages < 1000, "the pages never end");
    }
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
        .try_collect::<Vec<_>>()
        .await
        .unwrap_or_else(|e| panic!("cannot insert test items: {e}"));
}

/// How many requests a client has in flight, and the most it had at once.
#[derive(Debug, Default)]
pub struct InFlight {
    now: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

impl InFlight {
    /// The most requests in flight at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
struct Gauge(std::sync::Arc<InFlight>);

impl aws_sdk_dynamodb::config::Intercept for Gauge {
    fn name(&self) -> &'static str {
        "dynamap-test-in-flight"
    }

    fn read_before_execution(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef<
            '_,
        >,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let now = self.0.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.peak.fetch_max(now, Ordering::SeqCst);
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::FinalizerInterceptorContextRef<'_>,
        _components: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }
}

/// The same client, measuring how many requests it has in flight: how the tests
/// prove that `concurrency` is honoured.
pub fn in_flight_client(client: &Client) -> (Client, std::sync::Arc<InFlight>) {
    let gauge = std::sync::Arc::new(InFlight::default());
    let config = client
        .config()
        .to_builder()
        .interceptor(Gauge(gauge.clone()))
        .build();
    (Client::from_conf(config), gauge)
}

/// The guide's examples (`docs/`), compiled as doc tests so they keep matching the API.
#[cfg(doctest)]
pub mod guide {
    #[doc = include_str!("../../docs/modeling.md")]
    pub struct Modeling;
    #[doc = include_str!("../../docs/consistency.md")]
    pub struct Consistency;
    #[doc = include_str!("../../docs/migrating.md")]
    pub struct Migrating;
    #[doc = include_str!("../../docs/testing.md")]
    pub struct Testing;
    #[doc = include_str!("../../docs/services.md")]
    pub struct Services;
}
