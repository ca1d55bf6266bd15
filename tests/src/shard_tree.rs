//! A DynamoDB Streams server on loopback that serves a shard tree the local servers
//! never make (they keep one shard per stream): parents closed with records, children
//! and grandchildren, a shard whose parent has aged out. It speaks the Streams API's
//! JSON protocol (DescribeStream, GetShardIterator, GetRecords) to the real SDK client,
//! and records which shard each GetRecords read, so a test can check the order, and
//! every call, so a test can count them. A test may change the tree while a feed reads
//! it (close a shard, start another, disable the stream).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value as Json};
use tokio::net::TcpListener;

/// One shard: its records' user keys (each an INSERT), in order.
#[derive(Debug, Clone)]
pub struct TreeShard {
    /// The shard's id.
    pub id: &'static str,
    /// Its parent, which may be absent from the listing (aged out).
    pub parent: Option<&'static str>,
    /// Whether it is closed (it has an ending sequence number and its last page ends
    /// the shard).
    pub closed: bool,
    /// The `user` key of each record.
    pub users: Vec<String>,
    /// The `ApproximateCreationDateTime` (epoch seconds) of the records at the same
    /// positions; records past its end carry none.
    pub created: Vec<f64>,
}

impl TreeShard {
    /// A shard of `users`' records.
    pub fn new(
        id: &'static str,
        parent: Option<&'static str>,
        closed: bool,
        users: &[&str],
    ) -> Self {
        TreeShard {
            id,
            parent,
            closed,
            users: users.iter().map(|u| (*u).to_owned()).collect(),
            created: Vec::new(),
        }
    }

    /// The same shard, its records so far created `seconds_ago`.
    pub fn created_ago(mut self, seconds_ago: f64) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.created = vec![now - seconds_ago; self.users.len()];
        self
    }
}

/// What the server serves, which a test may change while it runs.
#[derive(Debug, Default)]
pub struct Tree {
    /// The shards, in listing order.
    pub shards: Vec<TreeShard>,
    /// Whether DescribeStream says `DISABLED` (else `ENABLED`).
    pub disabled: bool,
}

/// A running server; stops when dropped.
pub struct ShardTree {
    /// The URL to give a Streams client.
    pub url: String,
    /// The shard of each GetRecords that returned records, in order.
    pub reads: Arc<Mutex<Vec<String>>>,
    /// Every call, in order: the operation (`DescribeStream`, `GetShardIterator`,
    /// `GetRecords`) and, but for DescribeStream, its shard.
    pub calls: Arc<Mutex<Vec<(String, String)>>>,
    /// The tree served; change it to change what later calls see.
    pub tree: Arc<Mutex<Tree>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ShardTree {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn sequence(shard: usize, record: usize) -> String {
    format!("{:021}", (shard + 1) * 1_000 + record)
}

fn describe(shards: &[TreeShard], listed: &[&str], disabled: bool) -> Json {
    let shards: Vec<Json> = shards
        .iter()
        .enumerate()
        .filter(|(_, s)| listed.contains(&s.id))
        .map(|(i, s)| {
            let mut range = json!({ "StartingSequenceNumber": sequence(i, 0) });
            if s.closed {
                range["EndingSequenceNumber"] = json!(sequence(i, s.users.len().max(1) - 1));
            }
            let mut shard = json!({ "ShardId": s.id, "SequenceNumberRange": range });
            if let Some(parent) = s.parent {
                shard["ParentShardId"] = json!(parent);
            }
            shard
        })
        .collect();
    json!({ "StreamDescription": {
        "StreamArn": "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x",
        "StreamStatus": if disabled { "DISABLED" } else { "ENABLED" },
        "StreamViewType": "NEW_IMAGE",
        "TableName": "t",
        "KeySchema": [{ "AttributeName": "user", "KeyType": "HASH" }],
        "Shards": shards,
    }})
}

/// What the server keeps between calls.
struct State {
    tree: Arc<Mutex<Tree>>,
    reads: Arc<Mutex<Vec<String>>>,
    calls: Arc<Mutex<Vec<(String, String)>>>,
}

fn answer(state: &State, target: &str, body: &Json) -> Json {
    let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
    let shard = body["ShardId"]
        .as_str()
        .or_else(|| {
            body["ShardIterator"]
                .as_str()
                .and_then(|i| i.split('|').next())
        })
        .unwrap_or_default()
        .to_owned();
    if let Ok(mut calls) = state.calls.lock() {
        calls.push((operation, shard));
    }
    let Ok(tree) = state.tree.lock() else {
        return json!({});
    };
    let shards = &tree.shards;
    let listed: Vec<&str> = shards
        .iter()
        .map(|s| s.id)
        .filter(|id| !id.starts_with("gone"))
        .collect();
    if target.ends_with("DescribeStream") {
        return describe(shards, &listed, tree.disabled);
    }
    if target.ends_with("GetShardIterator") {
        let id = body["ShardId"].as_str().unwrap_or_default();
        let Some((i, shard)) = shards.iter().enumerate().find(|(_, s)| s.id == id) else {
            return json!({});
        };
        let position = match body["ShardIteratorType"].as_str() {
            Some("AFTER_SEQUENCE_NUMBER") => (0..shard.users.len())
                .find(|r| sequence(i, *r) == body["SequenceNumber"].as_str().unwrap_or(""))
                .map_or(0, |r| r + 1),
            Some("LATEST") => shard.users.len(),
            _ => 0,
        };
        return json!({ "ShardIterator": format!("{id}|{position}") });
    }
    // GetRecords: the records asked for (`Limit`), two when it is not given.
    let limit = body["Limit"].as_u64().map_or(2, |n| n as usize);
    let iterator = body["ShardIterator"].as_str().unwrap_or_default();
    let (id, position) = iterator.split_once('|').unwrap_or_default();
    let position: usize = position.parse().unwrap_or(0);
    let Some((i, shard)) = shards.iter().enumerate().find(|(_, s)| s.id == id) else {
        return json!({ "Records": [] });
    };
    let end = (position + limit).min(shard.users.len());
    let records: Vec<Json> = (position..end)
        .map(|r| {
            let mut record = json!({
                "eventID": sequence(i, r),
                "eventName": "INSERT",
                "eventSource": "aws:dynamodb",
                "dynamodb": {
                    "Keys": { "user": { "S": shard.users[r] } },
                    "NewImage": { "user": { "S": shard.users[r] }, "count": { "N": "1" } },
                    "SequenceNumber": sequence(i, r),
                    "SizeBytes": 10,
                    "StreamViewType": "NEW_IMAGE",
                }
            });
            if let Some(created) = shard.created.get(r) {
                record["dynamodb"]["ApproximateCreationDateTime"] = json!(created);
            }
            record
        })
        .collect();
    if !records.is_empty() {
        if let Ok(mut reads) = state.reads.lock() {
            reads.push(id.to_owned());
        }
    }
    let mut out = json!({ "Records": records });
    if !(shard.closed && end == shard.users.len()) {
        out["NextShardIterator"] = json!(format!("{id}|{end}"));
    }
    out
}

impl ShardTree {
    /// Serves `shards` (ids starting with `gone` are parents no longer listed).
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start(shards: Vec<TreeShard>) -> ShardTree {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap_or_else(|e| panic!("cannot bind: {e}"));
        let url = format!(
            "http://{}",
            listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
        );
        let state = Arc::new(State {
            tree: Arc::new(Mutex::new(Tree {
                shards,
                disabled: false,
            })),
            reads: Arc::new(Mutex::new(Vec::new())),
            calls: Arc::new(Mutex::new(Vec::new())),
        });
        let (reads, calls, tree) = (state.reads.clone(), state.calls.clone(), state.tree.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let state = state.clone();
                        async move {
                            let target = request
                                .headers()
                                .get("x-amz-target")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_owned();
                            let body = request
                                .into_body()
                                .collect()
                                .await
                                .map_err(std::io::Error::other)?
                                .to_bytes();
                            let body: Json = serde_json::from_slice(&body).unwrap_or(Json::Null);
                            let answer = answer(&state, &target, &body);
                            Response::builder()
                                .header("content-type", "application/x-amz-json-1.0")
                                .body(Full::new(Bytes::from(answer.to_string())))
                                .map_err(std::io::Error::other)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        ShardTree {
            url,
            reads,
            calls,
            tree,
            task,
        }
    }

    /// A Streams client that talks to this server.
    pub fn client(&self) -> aws_sdk_dynamodbstreams::Client {
        aws_sdk_dynamodbstreams::Client::from_conf(
            aws_sdk_dynamodbstreams::Config::builder()
                .behavior_version(aws_sdk_dynamodbstreams::config::BehaviorVersion::latest())
                .endpoint_url(&self.url)
                .region(aws_sdk_dynamodbstreams::config::Region::new("us-east-1"))
                .credentials_provider(aws_sdk_dynamodbstreams::config::Credentials::new(
                    "test", "test", None, None, "test",
                ))
                .build(),
        )
    }

    /// Changes the tree served from the next call on.
    ///
    /// # Panics
    /// When a thread panicked holding the tree.
    pub fn change(&self, change: impl FnOnce(&mut Tree)) {
        change(&mut self.tree.lock().unwrap_or_else(|e| panic!("{e}")));
    }

    /// How many calls of `operation` were made so far.
    ///
    /// # Panics
    /// When a thread panicked holding the log.
    pub fn count(&self, operation: &str) -> usize {
        let calls = self.calls.lock().unwrap_or_else(|e| panic!("{e}"));
        calls.iter().filter(|(op, _)| op == operation).count()
    }
}
