//! The server a benchmark run talks to, outside the measured process: DynamoDB Local
//! (the reference), the embedded server in a child process of its own
//! (`DYNAMAP_SERVER=embedded`), or a running one (`DYNAMAP_BENCH_ENDPOINT`).

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use dynamap::local::{DynamoDbLocal, EmbeddedServer};

/// A running benchmark server; stopped on drop.
pub struct BenchServer {
    /// Its URL.
    pub endpoint: String,
    /// What it is, for the report.
    pub kind: String,
    _local: Option<DynamoDbLocal>,
    child: Option<Child>,
}

impl BenchServer {
    /// Starts the server the environment asks for. `exe` must run [`serve_embedded`]
    /// when given the argument `serve`.
    pub fn start(exe: &std::path::Path) -> Result<Self, Box<dyn std::error::Error>> {
        if let Ok(endpoint) = std::env::var("DYNAMAP_BENCH_ENDPOINT") {
            return Ok(BenchServer {
                endpoint,
                kind: "external".to_owned(),
                _local: None,
                child: None,
            });
        }
        if std::env::var("DYNAMAP_SERVER").as_deref() == Ok("embedded") {
            let mut child = Command::new(exe)
                .arg("serve")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let mut line = String::new();
            let stdout = child.stdout.take().ok_or("no stdout")?;
            std::io::BufReader::new(stdout).read_line(&mut line)?;
            return Ok(BenchServer {
                endpoint: line.trim().to_owned(),
                kind: "embedded (own process)".to_owned(),
                _local: None,
                child: Some(child),
            });
        }
        let local = DynamoDbLocal::builder().max_heap("8g").start()?;
        Ok(BenchServer {
            endpoint: local.endpoint().to_owned(),
            kind: "dynamodb-local".to_owned(),
            _local: Some(local),
            child: None,
        })
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            drop(child.stdin.take()); // the child stops when its stdin closes
            let _ = child.wait();
        }
    }
}

/// Runs the embedded server and prints its endpoint, until stdin closes.
pub fn serve_embedded() -> Result<(), Box<dyn std::error::Error>> {
    let server = EmbeddedServer::start()?;
    println!("{}", server.endpoint());
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    drop(server);
    Ok(())
}

/// The server an in-process comparison runs on: the embedded server in this process
/// when `DYNAMAP_SERVER=embedded` (its CPU counted with the client's), otherwise
/// DynamoDB Local (a process of its own, with a 2 GB heap).
///
/// # Errors
/// When the server cannot start.
pub fn in_process_or_local() -> Result<dynamap::local::LocalServer, Box<dyn std::error::Error>> {
    use dynamap::local::LocalServer;
    Ok(match std::env::var("DYNAMAP_SERVER").as_deref() {
        Ok("embedded") => LocalServer::Embedded(EmbeddedServer::start()?),
        _ => LocalServer::DynamoDbLocal(DynamoDbLocal::builder().max_heap("2g").start()?),
    })
}
