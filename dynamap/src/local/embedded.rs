//! An in-process DynamoDB-compatible server (feature `embedded`): the `dynoxide-rs`
//! emulator, on SQLite in memory, served over HTTP on a loopback port. Nothing to
//! install, answers within milliseconds of starting, about 8 MB of memory.

use std::net::{Ipv4Addr, TcpListener};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

use crate::error::{Error, Result};

/// How long a stopping server lets requests already running finish before it drops
/// their connections.
const GRACE: Duration = Duration::from_secs(2);

/// A DynamoDB-compatible server running inside this process on a loopback port, in
/// memory; stopped on drop, with its thread joined, so nothing outlives it.
///
/// It runs on a thread of its own with its own Tokio runtime, so it serves
/// `#[tokio::test]`s (each with its own runtime) and plain `#[test]`s alike, and can be
/// shared by every test of a process.
///
/// ```
/// # fn main() -> dynamap::Result<()> {
/// let server = dynamap::local::EmbeddedServer::start()?;
/// assert!(server.endpoint().starts_with("http://127.0.0.1:"));
/// # let rt = tokio::runtime::Runtime::new().unwrap();
/// # rt.block_on(async {
/// let client = server.client().await?;
/// let tables = client.list_tables().send().await
///     .map_err(|e| dynamap::Error::from_sdk("ListTables", "", e))?;
/// assert!(tables.table_names().is_empty());
/// # Ok::<(), dynamap::Error>(()) })?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct EmbeddedServer {
    endpoint: String,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

/// Settings for an [`EmbeddedServer`] to start.
///
/// ```
/// use std::time::Duration;
/// let server = dynamap::local::EmbeddedServer::builder()
///     .ttl_sweep_interval(Duration::from_millis(200))
///     .start()?;
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct EmbeddedBuilder {
    port: u16,
    ttl_sweep_interval: Duration,
}

impl EmbeddedServer {
    /// Starts a server on a free loopback port with default settings.
    ///
    /// ```
    /// let server = dynamap::local::EmbeddedServer::start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn start() -> Result<Self> {
        Self::builder().start()
    }

    /// Settings for a server to start.
    ///
    /// ```
    /// let server = dynamap::local::EmbeddedServer::builder().start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn builder() -> EmbeddedBuilder {
        EmbeddedBuilder {
            port: 0,
            ttl_sweep_interval: Duration::from_secs(1),
        }
    }

    /// The server's URL, such as `http://127.0.0.1:38211`.
    ///
    /// ```
    /// let server = dynamap::local::EmbeddedServer::start()?;
    /// println!("serving DynamoDB at {}", server.endpoint());
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A client for this server, with dummy credentials and region
    /// (`connect().local(endpoint)`).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> dynamap::Result<()> {
    /// let server = dynamap::local::EmbeddedServer::start()?;
    /// let client = server.client().await?;
    /// # Ok(()) }
    /// ```
    pub async fn client(&self) -> Result<aws_sdk_dynamodb::Client> {
        crate::connect::connect().local(self.endpoint.clone()).await
    }

    /// Stops the server and waits for its thread to end (what dropping it does).
    ///
    /// ```
    /// let server = dynamap::local::EmbeddedServer::start()?;
    /// server.stop();
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn stop(self) {
        drop(self);
    }
}

impl EmbeddedBuilder {
    /// A fixed loopback port instead of a free one picked at start.
    ///
    /// ```no_run
    /// let server = dynamap::local::EmbeddedServer::builder().port(8000).start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How often expired time-to-live items are deleted (every second by default; the
    /// emulator's HTTP server does not sweep by itself).
    ///
    /// ```
    /// use std::time::Duration;
    /// let server = dynamap::local::EmbeddedServer::builder()
    ///     .ttl_sweep_interval(Duration::from_secs(5))
    ///     .start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn ttl_sweep_interval(mut self, interval: Duration) -> Self {
        self.ttl_sweep_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// Starts the server. The port is bound before this returns, so the endpoint
    /// accepts connections at once: there is nothing to wait for.
    ///
    /// ```
    /// let server = dynamap::local::EmbeddedServer::builder().start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn start(self) -> Result<EmbeddedServer> {
        let failed = |what: &str, e: &dyn std::fmt::Display| {
            Error::Local(format!("embedded server: {what}: {e}"))
        };
        let database =
            dynoxide::Database::memory().map_err(|e| failed("cannot open the database", &e))?;
        // Bound here, on the caller's thread: a port already taken is an error now, and
        // no other server can answer on our endpoint.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))
            .map_err(|e| failed(&format!("cannot bind 127.0.0.1:{}", self.port), &e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| failed("cannot configure the socket", &e))?;
        let port = listener
            .local_addr()
            .map_err(|e| failed("no local address", &e))?
            .port();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| failed("cannot build its runtime", &e))?;
        let (stop, stopped) = watch::channel(false);
        let sweep_every = self.ttl_sweep_interval;
        let thread = std::thread::Builder::new()
            .name(format!("dynamap-embedded-{port}"))
            .spawn(move || serve(runtime, listener, database, stopped, sweep_every))
            .map_err(|e| failed("cannot start its thread", &e))?;
        Ok(EmbeddedServer {
            endpoint: format!("http://127.0.0.1:{port}"),
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// The server thread: serves until told to stop, sweeping TTL on a timer, then gives
/// running requests [`GRACE`] to finish and drops whatever is left with the runtime.
fn serve(
    runtime: tokio::runtime::Runtime,
    listener: TcpListener,
    database: dynoxide::Database,
    stopped: watch::Receiver<bool>,
    sweep_every: Duration,
) {
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
            return;
        };
        let sweeper = tokio::spawn(sweep_ttl(database.clone(), sweep_every));
        let graceful = wait_for_stop(stopped.clone());
        let served = dynoxide::server::serve_with_shutdown(listener, database, graceful);
        let deadline = async move {
            wait_for_stop(stopped).await;
            tokio::time::sleep(GRACE).await;
        };
        tokio::select! {
            _ = served => {}
            () = deadline => {}
        }
        sweeper.abort();
    });
    // Connection tasks still open (a client that never finished its request) end here.
    runtime.shutdown_timeout(Duration::from_millis(100));
}

async fn wait_for_stop(mut stopped: watch::Receiver<bool>) {
    // An error means the sender is gone: the server was dropped, which is a stop too.
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// DynamoDB deletes expired items in the background; the emulator only when asked.
async fn sweep_ttl(database: dynoxide::Database, every: Duration) {
    let mut timer = tokio::time::interval(every);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        // A failed sweep is tried again at the next tick; requests are unaffected.
        let _ = database.sweep_ttl();
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_from_a_plain_test_and_stops_on_drop() {
        let server = EmbeddedServer::start().unwrap();
        let endpoint = server.endpoint().to_owned();
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let client = server.client().await.unwrap();
            let tables = client.list_tables().send().await.unwrap();
            assert!(tables.table_names().is_empty());
        });
        drop(server);
        let address = endpoint.trim_start_matches("http://");
        assert!(
            std::net::TcpStream::connect(address).is_err(),
            "the port still accepts connections after drop"
        );
    }

    #[test]
    fn two_servers_are_separate_databases() {
        let a = EmbeddedServer::start().unwrap();
        let b = EmbeddedServer::start().unwrap();
        assert_ne!(a.endpoint(), b.endpoint());
    }

    #[test]
    fn a_taken_port_is_an_error_at_start() {
        let a = EmbeddedServer::start().unwrap();
        let port: u16 = a.endpoint().rsplit(':').next().unwrap().parse().unwrap();
        let err = EmbeddedServer::builder().port(port).start().unwrap_err();
        assert!(matches!(err, Error::Local(_)), "{err}");
    }
}
