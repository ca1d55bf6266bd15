//! `dynamap::connect()`: an SDK client configured the ways the seed's constructor
//! allowed (default chain, named profile, static keys, region) plus an endpoint URL.

use std::future::IntoFuture;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::Client;
use futures::future::BoxFuture;

use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;

/// Starts configuring a DynamoDB client. With no settings it uses the standard AWS
/// chain: environment variables, `~/.aws/config` and `~/.aws/credentials`, SSO, and
/// instance or container roles.
///
/// ```no_run
/// # async fn f() -> dynamap::Result<()> {
/// // The default chain:
/// let client = dynamap::connect().await?;
/// // A named profile in another region:
/// let client = dynamap::connect().profile("analytics").region("eu-west-1").await?;
/// // Static keys:
/// let client = dynamap::connect()
///     .credentials("AKIDEXAMPLE", "secret")
///     .region("us-east-1")
///     .await?;
/// // A local server (DynamoDB Local, LocalStack, ...), with dummy credentials:
/// let client = dynamap::connect().local("http://127.0.0.1:8000").await?;
/// # Ok(()) }
/// ```
pub fn connect() -> Connect {
    Connect::default()
}

/// Settings for a DynamoDB client; `.await` it (or call [`Connect::client`]) to build one.
///
/// ```no_run
/// # async fn f() -> dynamap::Result<()> {
/// let settings: dynamap::config::Connect = dynamap::connect().region("eu-west-1");
/// let client = settings.await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Default, Clone)]
#[must_use = "a Connect does nothing until it is awaited"]
pub struct Connect {
    region: Option<String>,
    profile: Option<String>,
    credentials: Option<Credentials>,
    endpoint_url: Option<String>,
    retry: Option<crate::resilience::RetryPolicy>,
    timeouts: Option<crate::resilience::Timeouts>,
    /// Interceptors put on the client (the encryption SDK's).
    interceptors: Vec<aws_sdk_dynamodb::config::SharedInterceptor>,
    /// Why an interceptor could not be made, reported when the client is built.
    refused: Option<String>,
}

/// Credentials for local servers, which check only that some are present. Letters and
/// digits only: DynamoDB Local refuses others.
const LOCAL_ACCESS_KEY: &str = "dynamap";
const LOCAL_SECRET_KEY: &str = "local";
const LOCAL_REGION: &str = "us-east-1";

impl Connect {
    /// The AWS region, such as `eu-west-1`; otherwise taken from `AWS_REGION` or the profile.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect().region("eu-west-1").await?;
    /// # Ok(()) }
    /// ```
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A named profile of `~/.aws/config` and `~/.aws/credentials`.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect().profile("dev").await?;
    /// # Ok(()) }
    /// ```
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// A static access key and secret, as the seed's `aws_access_key_id` and
    /// `aws_secret_access_key`.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect().credentials("AKIDEXAMPLE", "secret").region("us-east-1").await?;
    /// # Ok(()) }
    /// ```
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::new(
            access_key_id,
            secret_access_key,
            None,
            None,
            "dynamap-static",
        ));
        self
    }

    /// Temporary credentials: access key, secret and session token.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect()
    ///     .session_credentials("ASIAEXAMPLE", "secret", "token")
    ///     .region("us-east-1")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn session_credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::new(
            access_key_id,
            secret_access_key,
            Some(session_token.into()),
            None,
            "dynamap-static",
        ));
        self
    }

    /// Sends requests to this URL instead of AWS (`http://` or `https://` required).
    /// `AWS_ENDPOINT_URL_DYNAMODB` and `AWS_ENDPOINT_URL` are honoured without it.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect().endpoint_url("http://localhost:4566").region("us-east-1").await?;
    /// # Ok(()) }
    /// ```
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// How requests are retried (the SDK's standard mode by default: 3 attempts).
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect().retry(dynamap::config::RetryPolicy::default().max_attempts(6)).await?;
    /// # Ok(()) }
    /// ```
    pub fn retry(mut self, policy: crate::resilience::RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Time limits on requests (none by default, but the connect timeout).
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// use std::time::Duration;
    /// let client = dynamap::connect()
    ///     .timeouts(dynamap::config::Timeouts::default().operation(Duration::from_secs(5)))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn timeouts(mut self, timeouts: crate::resilience::Timeouts) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// Puts `interceptor` on the client, or when it could not be made, fails
    /// [`client`](Self::client) with its reason.
    #[cfg_attr(not(feature = "encryption"), allow(dead_code))]
    pub(crate) fn with_interceptor(
        mut self,
        interceptor: std::result::Result<aws_sdk_dynamodb::config::SharedInterceptor, String>,
    ) -> Self {
        match interceptor {
            Ok(interceptor) => self.interceptors.push(interceptor),
            Err(why) => self.refused = Some(why),
        }
        self
    }

    /// A local server at `url`, with dummy static credentials and region `us-east-1`
    /// unless set otherwise: no call ever waits on the instance-metadata lookups the
    /// default credential chain would make.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client = dynamap::connect().local("http://127.0.0.1:8000").await?;
    /// # Ok(()) }
    /// ```
    pub fn local(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        if self.credentials.is_none() {
            self = self.credentials(LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY);
        }
        if self.region.is_none() {
            self.region = Some(LOCAL_REGION.to_owned());
        }
        self
    }

    /// Builds the client. Fails when no region can be found, or the endpoint URL is
    /// not an `http(s)://` URL.
    ///
    /// ```no_run
    /// # async fn f() -> dynamap::Result<()> {
    /// let client: aws_sdk_dynamodb::Client = dynamap::connect().region("eu-west-1").client().await?;
    /// # Ok(()) }
    /// ```
    pub async fn client(self) -> Result<Client> {
        if let Some(url) = &self.endpoint_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Error::Config(format!(
                    "endpoint URL `{url}` must start with http:// or https://"
                )));
            }
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = self.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = self.region {
            loader = loader.region(Region::new(region));
        }
        if let Some(credentials) = self.credentials {
            loader = loader.credentials_provider(credentials);
        }
        if let Some(url) = self.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(policy) = self.retry {
            loader = loader.retry_config(policy.to_sdk());
        }
        if let Some(timeouts) = self.timeouts {
            loader = loader.timeout_config(timeouts.to_sdk());
        }
        let config = loader.load().await;
        if config.region().is_none() {
            return Err(Error::Config(
                "no AWS region: call .region(..), set AWS_REGION, or name one in the profile"
                    .to_owned(),
            ));
        }
        if let Some(why) = self.refused {
            return Err(Error::Config(why));
        }
        if self.interceptors.is_empty() {
            return Ok(Client::new(&config));
        }
        let mut builder = aws_sdk_dynamodb::config::Builder::from(&config);
        for interceptor in self.interceptors {
            builder.push_interceptor(interceptor);
        }
        Ok(Client::from_conf(builder.build()))
    }

    /// Builds the client and a mapping over `table_name` in one step.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f() -> dynamap::Result<()> {
    /// let users = dynamap::connect().region("eu-west-1").mapping::<User>("users").await?;
    /// # Ok(()) }
    /// ```
    pub async fn mapping<T: DynamoItem>(
        self,
        table_name: impl Into<String>,
    ) -> Result<TypedMapping<T>> {
        Ok(TypedMapping::new(self.client().await?, table_name))
    }
}

impl IntoFuture for Connect {
    type Output = Result<Client>;
    type IntoFuture = BoxFuture<'static, Result<Client>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.client())
    }
}
