//! Running a peer library's command in Node, and what both sides share: the instants
//! written, and JSON views of values.

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use dynamap::value::Millis;
use dynamap::DynamoValue;
use serde_json::Value;

/// 2024-05-01T09:30:00.123Z, in milliseconds.
pub const LOW: i64 = 1_714_555_800_123;
/// A day later.
pub const HIGH: i64 = LOW + 86_400_000;
/// Orders at and on either side of both bounds of the range read.
pub const PLACED: [i64; 6] = [LOW - 1, LOW, LOW + 1, HIGH - 1, HIGH, HIGH + 1];
/// What a `between(LOW, HIGH)` returns.
pub const IN_RANGE: [i64; 4] = [LOW, LOW + 1, HIGH - 1, HIGH];

pub fn ms(millis: i64) -> Millis<DateTime<Utc>> {
    Millis::new(Utc.timestamp_millis_opt(millis).unwrap())
}

/// The stored text of a time, as the peers see it.
pub fn text(time: &Millis<DateTime<Utc>>) -> String {
    time.to_attribute_value()
        .unwrap()
        .unwrap()
        .as_s()
        .unwrap()
        .clone()
}

pub fn order_id(n: usize) -> String {
    format!("o{n}")
}

pub fn status_of(n: usize) -> &'static str {
    if n.is_multiple_of(2) {
        "open"
    } else {
        "paid"
    }
}

/// Runs `command` of `library` (`tests/interop/{library}.mjs`) on `table`, on the tests'
/// server, and returns its JSON answer.
pub async fn run(library: &str, table: &str, command: &str, argument: Value) -> Value {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop");
    assert!(
        dir.join("node_modules").is_dir(),
        "the peer libraries are not installed: run scripts/interop (npm ci in {})",
        dir.display()
    );
    let script = dir.join(format!("{library}.mjs"));
    let args = [
        dynamap_tests::endpoint(),
        table.to_owned(),
        command.to_owned(),
        argument.to_string(),
    ];
    // Blocking: a process; on a thread of its own, so the embedded server (on this
    // runtime) keeps answering.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(&script)
            .args(&args)
            .env("NODE_NO_WARNINGS", "1")
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{library} {command} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{library} {command} answered no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Orders in a fixed order (user, then order id), for answers whose order is not defined.
pub fn by_user_and_id(values: &Value) -> Vec<Value> {
    let mut out = values.as_array().expect("a list").clone();
    out.sort_by_key(|v| (v["userId"].to_string(), v["orderId"].to_string()));
    out
}
