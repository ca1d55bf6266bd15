//! Local DynamoDB servers for tests and examples.
//!
//! - [`EmbeddedServer`] (feature `embedded`): an emulator inside this process
//!   (`dynoxide-rs`, SQLite in memory). Nothing to install, ready in milliseconds.
//! - [`DynamoDbLocal`] (feature `local`): AWS's official DynamoDB Local, a Java
//!   program, the reference emulator. Needs Java 17 and `scripts/install-dynamodb-local`.
//! - [`LocalServer::from_env`] picks one from the environment, so one program (a test
//!   suite, an example) runs on either, or on any endpoint:
//!
//! | variable | effect |
//! |---|---|
//! | `DYNAMAP_ENDPOINT=http://…` | use that server; start nothing |
//! | `DYNAMAP_SERVER=embedded` | the embedded server (the default with feature `embedded`) |
//! | `DYNAMAP_SERVER=dynamodb-local` | DynamoDB Local (the default without it) |
//!
//! Testing a service in five lines:
//!
//! ```
//! # #[cfg(feature = "embedded")]
//! #[tokio::test]
//! async fn users_round_trip() -> dynamap::Result<()> {
//!     let server = dynamap::local::EmbeddedServer::start()?;
//!     let users = dynamap::TypedMapping::<User>::new(server.client().await?, "users");
//!     users.create_table().await?;
//!     // ... exercise your code against `users`
//!     Ok(())
//! }
//! # #[derive(dynamap::DynamoItem)] struct User { #[dynamo(partition_key)] id: String }
//! ```

mod dynamodb_local;
#[cfg(feature = "embedded")]
mod embedded;

pub use dynamodb_local::{DynamoDbLocal, LocalBuilder};
#[cfg(feature = "embedded")]
pub use embedded::{EmbeddedBuilder, EmbeddedServer};

use crate::error::{Error, Result};

/// Which kind of server a [`LocalServer`] is.
///
/// ```
/// use dynamap::local::ServerKind;
/// assert_eq!(ServerKind::Embedded.to_string(), "embedded");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerKind {
    /// The in-process emulator ([`EmbeddedServer`]).
    Embedded,
    /// AWS's DynamoDB Local ([`DynamoDbLocal`]).
    DynamoDbLocal,
    /// A server this process did not start (`DYNAMAP_ENDPOINT`).
    External,
}

impl std::fmt::Display for ServerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServerKind::Embedded => "embedded",
            ServerKind::DynamoDbLocal => "dynamodb-local",
            ServerKind::External => "external",
        })
    }
}

/// A server chosen by the environment (see the [module documentation](self)): started
/// here, or named by `DYNAMAP_ENDPOINT`. A started server stops on drop.
///
/// ```no_run
/// # async fn f() -> dynamap::Result<()> {
/// let server = dynamap::local::LocalServer::from_env()?;
/// println!("running on {} at {}", server.kind(), server.endpoint());
/// let client = server.client().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub enum LocalServer {
    /// The in-process emulator.
    #[cfg(feature = "embedded")]
    Embedded(EmbeddedServer),
    /// DynamoDB Local, started by this process.
    DynamoDbLocal(DynamoDbLocal),
    /// An endpoint someone else runs.
    External(String),
}

impl LocalServer {
    /// Starts (or names) the server the environment asks for: `DYNAMAP_ENDPOINT`, else
    /// `DYNAMAP_SERVER` (`embedded` or `dynamodb-local`), else the embedded server when
    /// the feature `embedded` is on and DynamoDB Local when it is not.
    ///
    /// ```no_run
    /// let server = dynamap::local::LocalServer::from_env()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        if let Some(endpoint) = non_empty_var("DYNAMAP_ENDPOINT") {
            return Ok(LocalServer::External(endpoint));
        }
        Self::start(Self::kind_from_env()?)
    }

    /// The kind `DYNAMAP_SERVER` asks for, or the default.
    ///
    /// ```
    /// let kind = dynamap::local::LocalServer::kind_from_env()?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn kind_from_env() -> Result<ServerKind> {
        match non_empty_var("DYNAMAP_SERVER").as_deref() {
            None if cfg!(feature = "embedded") => Ok(ServerKind::Embedded),
            None => Ok(ServerKind::DynamoDbLocal),
            Some("embedded") => Ok(ServerKind::Embedded),
            Some("dynamodb-local") => Ok(ServerKind::DynamoDbLocal),
            Some(other) => Err(Error::Config(format!(
                "DYNAMAP_SERVER={other}: expected `embedded` or `dynamodb-local` \
                 (or set DYNAMAP_ENDPOINT to use a running server)"
            ))),
        }
    }

    /// Starts a server of the given kind (`External` is refused: it names no endpoint).
    ///
    /// ```no_run
    /// use dynamap::local::{LocalServer, ServerKind};
    /// let server = LocalServer::start(ServerKind::DynamoDbLocal)?;
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn start(kind: ServerKind) -> Result<Self> {
        match kind {
            #[cfg(feature = "embedded")]
            ServerKind::Embedded => EmbeddedServer::start().map(LocalServer::Embedded),
            #[cfg(not(feature = "embedded"))]
            ServerKind::Embedded => Err(Error::Config(
                "the embedded server needs dynamap's feature `embedded`".to_owned(),
            )),
            ServerKind::DynamoDbLocal => DynamoDbLocal::start().map(LocalServer::DynamoDbLocal),
            ServerKind::External => Err(Error::Config(
                "an external server is named with DYNAMAP_ENDPOINT, not started".to_owned(),
            )),
        }
    }

    /// Which kind of server this is.
    ///
    /// ```no_run
    /// let server = dynamap::local::LocalServer::from_env()?;
    /// println!("{}", server.kind());
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn kind(&self) -> ServerKind {
        match self {
            #[cfg(feature = "embedded")]
            LocalServer::Embedded(_) => ServerKind::Embedded,
            LocalServer::DynamoDbLocal(_) => ServerKind::DynamoDbLocal,
            LocalServer::External(_) => ServerKind::External,
        }
    }

    /// The server's URL.
    ///
    /// ```no_run
    /// let server = dynamap::local::LocalServer::from_env()?;
    /// println!("{}", server.endpoint());
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn endpoint(&self) -> &str {
        match self {
            #[cfg(feature = "embedded")]
            LocalServer::Embedded(server) => server.endpoint(),
            LocalServer::DynamoDbLocal(server) => server.endpoint(),
            LocalServer::External(endpoint) => endpoint,
        }
    }

    /// A client for the server, with dummy credentials and region
    /// (`connect().local(endpoint)`).
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::local::LocalServer::from_env()?.client().await?;
    /// # Ok(()) }
    /// ```
    pub async fn client(&self) -> Result<aws_sdk_dynamodb::Client> {
        crate::connect::connect()
            .local(self.endpoint().to_owned())
            .await
    }
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
