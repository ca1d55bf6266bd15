//! Time limits and retry policies: a server that never answers makes calls fail within
//! the limit, with a clear error, instead of hanging.

use std::time::{Duration, Instant};

use dynamap::prelude::*;
use dynamap::{config::RetryPolicy, config::Timeouts, Error};
use tokio::net::TcpListener;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct User {
    #[dynamo(partition_key)]
    id: String,
}

/// A loopback server that accepts connections and never answers; it stops when the
/// returned handle is dropped (aborted), and holds at most 64 connections.
async fn hung_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while held.len() < 64 {
            match listener.accept().await {
                Ok((socket, _)) => held.push(socket),
                Err(_) => break,
            }
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
    (url, task)
}

#[tokio::test]
async fn a_hung_server_fails_calls_within_the_time_limit() {
    let (url, server) = hung_server().await;
    let client = dynamap::connect()
        .local(url)
        .retry(RetryPolicy::none())
        .timeouts(Timeouts::default().operation(Duration::from_millis(800)))
        .await
        .unwrap();
    let users = TypedMapping::<User>::new(client, "users");
    let started = Instant::now();
    let err = users.get(&"u1".to_string()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                operation: "GetItem",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.to_string(), "GetItem on table `users` timed out");

    // The same limit as a per-mapping override.
    let strict = TypedMapping::<User>::new(users.client().clone(), "users")
        .with_timeouts(Timeouts::default().attempt(Duration::from_millis(300)))
        .with_retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(10)),
        );
    let started = Instant::now();
    let err = strict.insert(&User { id: "u1".into() }).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    server.abort();
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    // Nothing listens on this port once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = dynamap::connect()
        .local(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .await
        .unwrap();
    let users = TypedMapping::<User>::new(client, "users");
    let err = users.get(&"u1".to_string()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connection {
                operation: "GetItem",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
