//! A fault-injecting HTTP proxy on loopback, between a client and DynamoDB Local: per
//! request, by probability, it answers with throttling or server errors, delays, cuts
//! the connection before or after forwarding (so a write may or may not have
//! happened), or takes some writes out of a BatchWriteItem and hands them back as
//! unprocessed. Bounded: after `max_faults` faults it only forwards, and it stops when
//! dropped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value as Json;
use tokio::net::TcpListener;

/// How often each fault happens. Probabilities are per request, checked in this order.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    /// Cut the connection before forwarding: nothing reached the server.
    pub drop_before: f64,
    /// Answer `ProvisionedThroughputExceededException` (400) without forwarding.
    pub throttle: f64,
    /// Answer HTTP 500 or 503 without forwarding.
    pub server_error: f64,
    /// Wait this long before forwarding, with this probability.
    pub delay: (f64, Duration),
    /// Fraction of the writes of a BatchWriteItem taken out and returned as unprocessed.
    pub unprocessed: f64,
    /// Forward, then cut the connection instead of answering: the server did the work,
    /// the client cannot know.
    pub drop_after: f64,
    /// Answer `UnrecognizedClientException` (credentials rejected), without forwarding.
    pub reject_credentials: f64,
    /// Answer this error (400, with this code, such as `ExpiredIteratorException`)
    /// without forwarding, with this probability.
    pub answer_error: (f64, &'static str),
    /// Forward a Scan or Query that resumes after a key, then answer with that key as
    /// the page's resume key, as a server that made no progress would.
    pub stall_pages: f64,
    /// Faults injected at most; after that, requests are only forwarded.
    pub max_faults: u64,
    /// Only operations whose name ends with one of these are faulted (`UpdateItem`,
    /// `PutItem`...); empty: every data operation.
    pub only: &'static [&'static str],
    /// The random seed, so runs repeat.
    pub seed: u64,
    /// Once the fault budget is spent, each later request of the faulted operations
    /// waits for a permit of this semaphore before going on: a test makes another
    /// writer act between a fault and the retry that follows it.
    pub hold: Option<Arc<tokio::sync::Semaphore>>,
    /// Faults happen only while this is `true` (`None`: always), so a test can place
    /// one at a chosen moment.
    pub armed: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Operations (`DeleteItem`...) whose every request is cut before it reaches the
    /// server, outside the probabilities and the budget: a client that can never
    /// reach the server for them.
    pub unreachable: &'static [&'static str],
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan {
            drop_before: 0.0,
            throttle: 0.0,
            server_error: 0.0,
            delay: (0.0, Duration::ZERO),
            unprocessed: 0.0,
            drop_after: 0.0,
            reject_credentials: 0.0,
            answer_error: (0.0, ""),
            stall_pages: 0.0,
            max_faults: 100_000,
            only: &[],
            seed: 42,
            hold: None,
            armed: None,
            unreachable: &[],
        }
    }
}

/// What the proxy did.
#[derive(Debug, Default)]
pub struct ProxyStats {
    /// Requests received.
    pub requests: AtomicU64,
    /// Requests forwarded to the server.
    pub forwarded: AtomicU64,
    /// Connections cut before forwarding.
    pub dropped_before: AtomicU64,
    /// Connections cut after forwarding.
    pub dropped_after: AtomicU64,
    /// Throttling answers.
    pub throttled: AtomicU64,
    /// 500 and 503 answers.
    pub server_errors: AtomicU64,
    /// Delayed requests.
    pub delayed: AtomicU64,
    /// Batch writes handed back as unprocessed.
    pub bounced: AtomicU64,
    /// Requests refused as if the credentials were wrong.
    pub rejected: AtomicU64,
    /// Requests answered with the plan's `answer_error`.
    pub answered_errors: AtomicU64,
    /// Pages answered with their start key as their resume key.
    pub stalled: AtomicU64,
    /// Requests that reached the plan's `hold` and waited there for a permit (counted
    /// as they start to wait).
    pub held: AtomicU64,
}

impl ProxyStats {
    /// Faults injected in all.
    pub fn faults(&self) -> u64 {
        [
            &self.dropped_before,
            &self.dropped_after,
            &self.throttled,
            &self.server_errors,
            &self.delayed,
            &self.rejected,
            &self.answered_errors,
            &self.stalled,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum::<u64>()
            + u64::from(self.bounced.load(Ordering::Relaxed) > 0)
    }
}

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    /// The URL to give clients.
    pub url: String,
    /// Counts of what it did.
    pub stats: Arc<ProxyStats>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Shared {
    upstream: String,
    plan: FaultPlan,
    stats: Arc<ProxyStats>,
    rng: Mutex<fastrand::Rng>,
    faults: AtomicU64,
    http: HttpClient<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl Shared {
    /// Whether a fault of probability `p` happens now, within the fault budget.
    fn roll(&self, p: f64) -> bool {
        if p <= 0.0 || self.faults.load(Ordering::Relaxed) >= self.plan.max_faults {
            return false;
        }
        if let Some(armed) = &self.plan.armed {
            if !armed.load(Ordering::Relaxed) {
                return false;
            }
        }
        let hit = self
            .rng
            .lock()
            .map(|mut rng| rng.f64() < p)
            .unwrap_or(false);
        if hit {
            self.faults.fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    fn pick(&self, n: usize) -> usize {
        self.rng
            .lock()
            .map(|mut rng| rng.usize(..n.max(1)))
            .unwrap_or(0)
    }
}

fn error_response(status: StatusCode, kind: &str) -> Response<Full<Bytes>> {
    let body = format!(
        r#"{{"__type":"com.amazonaws.dynamodb.v20120810#{kind}","message":"injected by the test proxy"}}"#
    );
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-requestid", "dynamap-fault-proxy")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Takes a fraction of the writes out of a BatchWriteItem body; returns the new body
/// and the writes taken, by table.
fn bounce_writes(shared: &Shared, body: &Bytes) -> Option<(Bytes, serde_json::Map<String, Json>)> {
    let mut request: Json = serde_json::from_slice(body).ok()?;
    let tables = request.get_mut("RequestItems")?.as_object_mut()?;
    let mut bounced = serde_json::Map::new();
    for (table, writes) in tables.iter_mut() {
        let writes = writes.as_array_mut()?;
        let mut kept = Vec::new();
        let mut taken = Vec::new();
        for write in writes.drain(..) {
            if shared.plan.unprocessed > 0.0
                && shared
                    .rng
                    .lock()
                    .map(|mut r| r.f64() < shared.plan.unprocessed)
                    .unwrap_or(false)
            {
                taken.push(write);
            } else {
                kept.push(write);
            }
        }
        // DynamoDB refuses an empty batch: keep one.
        if kept.is_empty() {
            if let Some(first) = taken.pop() {
                kept.push(first);
            }
        }
        shared
            .stats
            .bounced
            .fetch_add(taken.len() as u64, Ordering::Relaxed);
        *writes = kept;
        if !taken.is_empty() {
            bounced.insert(table.clone(), Json::Array(taken));
        }
    }
    if bounced.is_empty() {
        return None;
    }
    Some((Bytes::from(serde_json::to_vec(&request).ok()?), bounced))
}

/// The ExclusiveStartKey of a Scan or Query body, if it has one.
fn start_key_of(target: &str, body: &Bytes) -> Option<Json> {
    if !(target.ends_with(".Scan") || target.ends_with(".Query")) {
        return None;
    }
    let request: Json = serde_json::from_slice(body).ok()?;
    request.get("ExclusiveStartKey").cloned()
}

fn with_resume_key(body: &Bytes, key: Json) -> Option<Bytes> {
    let mut response: Json = serde_json::from_slice(body).ok()?;
    response
        .as_object_mut()?
        .insert("LastEvaluatedKey".to_owned(), key);
    Some(Bytes::from(serde_json::to_vec(&response).ok()?))
}

fn add_unprocessed(body: &Bytes, bounced: serde_json::Map<String, Json>) -> Option<Bytes> {
    let mut response: Json = serde_json::from_slice(body).ok()?;
    let object = response.as_object_mut()?;
    let unprocessed = object
        .entry("UnprocessedItems")
        .or_insert_with(|| Json::Object(serde_json::Map::new()))
        .as_object_mut()?;
    for (table, writes) in bounced {
        let list = unprocessed
            .entry(table)
            .or_insert_with(|| Json::Array(Vec::new()));
        if let (Some(list), Json::Array(writes)) = (list.as_array_mut(), writes) {
            list.extend(writes);
        }
    }
    Some(Bytes::from(serde_json::to_vec(&response).ok()?))
}

type Outcome = Result<Response<Full<Bytes>>, std::io::Error>;

fn cut() -> Outcome {
    Err(std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "cut by the test proxy",
    ))
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Outcome {
    let stats = &shared.stats;
    stats.requests.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Table management always goes through: the faults are for data operations.
    let data_operation = !target.ends_with("Table")
        && !target.ends_with("TimeToLive")
        && (shared.plan.only.is_empty() || shared.plan.only.iter().any(|op| target.ends_with(op)));
    if shared
        .plan
        .unreachable
        .iter()
        .any(|op| target.ends_with(op))
    {
        stats.dropped_before.fetch_add(1, Ordering::Relaxed);
        return cut();
    }
    if data_operation {
        if let Some(hold) = &shared.plan.hold {
            if shared.faults.load(Ordering::Relaxed) >= shared.plan.max_faults {
                stats.held.fetch_add(1, Ordering::Relaxed);
                if let Ok(permit) = hold.acquire().await {
                    permit.forget();
                }
            }
        }
        if shared.roll(shared.plan.drop_before) {
            stats.dropped_before.fetch_add(1, Ordering::Relaxed);
            return cut();
        }
        if shared.roll(shared.plan.reject_credentials) {
            stats.rejected.fetch_add(1, Ordering::Relaxed);
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "UnrecognizedClientException",
            ));
        }
        if shared.roll(shared.plan.answer_error.0) {
            stats.answered_errors.fetch_add(1, Ordering::Relaxed);
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                shared.plan.answer_error.1,
            ));
        }
        if shared.roll(shared.plan.throttle) {
            stats.throttled.fetch_add(1, Ordering::Relaxed);
            return Ok(error_response(
                StatusCode::BAD_REQUEST,
                "ProvisionedThroughputExceededException",
            ));
        }
        if shared.roll(shared.plan.server_error) {
            stats.server_errors.fetch_add(1, Ordering::Relaxed);
            return Ok(if shared.pick(2) == 0 {
                error_response(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError")
            } else {
                error_response(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable")
            });
        }
        if shared.roll(shared.plan.delay.0) {
            stats.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(shared.plan.delay.1).await;
        }
    }
    let start_key = match data_operation {
        true => start_key_of(&target, &body),
        false => None,
    };
    let (body, bounced) = match target.ends_with(".BatchWriteItem") {
        true => match bounce_writes(&shared, &body) {
            Some((changed, bounced)) => (changed, Some(bounced)),
            None => (body, None),
        },
        false => (body, None),
    };
    let mut forward = Request::builder().method(parts.method).uri(format!(
        "{}{}",
        shared.upstream,
        parts.uri.path()
    ));
    for (name, value) in &parts.headers {
        if name != "content-length" && name != "host" {
            forward = forward.header(name, value);
        }
    }
    let forward = forward
        .body(Full::new(body))
        .map_err(std::io::Error::other)?;
    let answer = shared
        .http
        .request(forward)
        .await
        .map_err(std::io::Error::other)?;
    stats.forwarded.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = answer.into_parts();
    let mut body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    if data_operation && shared.roll(shared.plan.drop_after) {
        stats.dropped_after.fetch_add(1, Ordering::Relaxed);
        return cut();
    }
    if let Some(bounced) = bounced {
        if parts.status.is_success() {
            body = add_unprocessed(&body, bounced).unwrap_or(body);
        }
    }
    if let Some(start) = start_key {
        if parts.status.is_success() && shared.roll(shared.plan.stall_pages) {
            stats.stalled.fetch_add(1, Ordering::Relaxed);
            body = with_resume_key(&body, start).unwrap_or(body);
        }
    }
    let mut response = Response::builder().status(parts.status);
    for (name, value) in &parts.headers {
        if name != "content-length" && name != "x-amz-crc32" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    response
        .body(Full::new(body))
        .map_err(std::io::Error::other)
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (such as `http://127.0.0.1:8000`).
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start(upstream: &str, plan: FaultPlan) -> FaultProxy {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap_or_else(|e| panic!("cannot bind the proxy: {e}"));
        let url = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let stats = Arc::new(ProxyStats::default());
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            rng: Mutex::new(fastrand::Rng::with_seed(plan.seed)),
            plan,
            stats: stats.clone(),
            faults: AtomicU64::new(0),
            http: HttpClient::builder(TokioExecutor::new()).build_http(),
        });
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(shared.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        FaultProxy { url, stats, task }
    }
}

/// Whether the fault proxy can stand in front of the test server (it speaks plain
/// HTTP only); says why a test is skipped when it cannot.
pub fn possible(test: &str) -> bool {
    crate::server_has(crate::Needs::PlainHttp, test)
}

/// A proxy in front of the test server that lets it apply the first request of one of
/// `operations` (`&[]`: any data operation) and cuts the answer: a lost answer.
pub async fn cut_first_answer(operations: &'static [&'static str]) -> FaultProxy {
    FaultProxy::start(
        &crate::endpoint(),
        FaultPlan {
            drop_after: 1.0,
            max_faults: 1,
            only: operations,
            ..FaultPlan::default()
        },
    )
    .await
}

/// A proxy that cuts the first request of one of `operations` before it reaches the
/// server, then holds every later one until the returned semaphore gives a permit: the
/// writer's retry waits while the test lets another writer act.
pub async fn cut_first_request_then_hold(
    operations: &'static [&'static str],
) -> (FaultProxy, Arc<tokio::sync::Semaphore>) {
    cut_first_then_hold(operations, true).await
}

/// As [`cut_first_request_then_hold`], but the first request reaches the server and its
/// answer is cut: the write landed, and the writer cannot know.
pub async fn cut_first_answer_then_hold(
    operations: &'static [&'static str],
) -> (FaultProxy, Arc<tokio::sync::Semaphore>) {
    cut_first_then_hold(operations, false).await
}

/// A proxy that holds every request of `operations` until the returned semaphore
/// gives a permit (one a request): a test changes the data under each held request
/// before letting it go (`stats.held` counts the requests that came to wait).
pub async fn hold_every(
    operations: &'static [&'static str],
) -> (FaultProxy, Arc<tokio::sync::Semaphore>) {
    holding(FaultPlan {
        max_faults: 0,
        only: operations,
        ..FaultPlan::default()
    })
    .await
}

async fn cut_first_then_hold(
    operations: &'static [&'static str],
    before: bool,
) -> (FaultProxy, Arc<tokio::sync::Semaphore>) {
    let (drop_before, drop_after) = if before { (1.0, 0.0) } else { (0.0, 1.0) };
    holding(FaultPlan {
        drop_before,
        drop_after,
        max_faults: 1,
        only: operations,
        ..FaultPlan::default()
    })
    .await
}

/// A proxy in front of the test server with `plan`, holding (once its fault budget is
/// spent) until the returned semaphore gives permits.
async fn holding(plan: FaultPlan) -> (FaultProxy, Arc<tokio::sync::Semaphore>) {
    let hold = Arc::new(tokio::sync::Semaphore::new(0));
    let plan = FaultPlan {
        hold: Some(hold.clone()),
        ..plan
    };
    (FaultProxy::start(&crate::endpoint(), plan).await, hold)
}

/// The same table, reached through the proxy, retrying faster than the SDK's default
/// (the faults here are dense; production backoff would only make the tests slow).
///
/// # Panics
/// When the client cannot be configured.
pub async fn through<T: dynamap::DynamoItem>(
    proxy: &FaultProxy,
    table: &dynamap::TypedMapping<T>,
) -> dynamap::TypedMapping<T> {
    let client = dynamap::connect()
        .local(proxy.url.clone())
        .retry(
            dynamap::config::RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(100)),
        )
        .await
        .unwrap_or_else(|e| panic!("cannot configure the proxy client: {e}"));
    dynamap::TypedMapping::new(client, table.table_name())
}
