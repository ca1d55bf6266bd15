//! The DynamoDB Streams client of a feed, made from the DynamoDB client's own settings
//! (region, HTTP client, retries, time limits) so that a feed needs nothing more than
//! the mapping. Two things the SDK does not expose are read off the DescribeTable
//! request the feed sends first: the endpoint and the credentials' resolver, which the
//! Streams client then asks for credentials as the DynamoDB client does.
//!
//! The endpoint: one the SDK resolved itself (no `endpoint_url` was set) is AWS's, in
//! any of its forms (`dynamodb.{region}.amazonaws.com`, the account-ID form
//! `{account}.ddb.{region}.amazonaws.com`, FIPS, dual-stack), and so is a configured
//! URL on an AWS host (a VPC endpoint): the Streams client then resolves AWS's Streams
//! endpoint for the region itself. Any other configured URL (DynamoDB Local, the
//! embedded server, a proxy) serves both APIs at one address.

use std::sync::{Arc, Mutex};

use aws_credential_types::provider::{self, error::CredentialsError, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_smithy_runtime_api::client::auth::AuthSchemeId;
use aws_smithy_runtime_api::client::identity::{ResolveIdentity, SharedIdentityResolver};
use aws_smithy_runtime_api::client::runtime_components::GetIdentityResolver;

/// What a request showed of its client: the address it went to, and the resolver of
/// its credentials.
#[derive(Debug, Clone, Default)]
pub(crate) struct EndpointProbe(Arc<Mutex<Seen>>);

#[derive(Debug, Default)]
struct Seen {
    origin: Option<String>,
    /// Whether the client was given an endpoint URL (not resolved by the SDK).
    configured: bool,
    credentials: Option<(SharedIdentityResolver, RuntimeComponents)>,
}

impl EndpointProbe {
    /// The `scheme://host[:port]` seen, if a request was sent to an endpoint the
    /// client was given (not one the SDK resolved).
    pub(crate) fn configured(&self) -> Option<String> {
        let seen = self.0.lock().ok()?;
        seen.configured.then(|| seen.origin.clone()).flatten()
    }

    /// The DynamoDB client's credentials, as a provider the Streams client takes.
    fn credentials(&self) -> Option<FromDynamoDb> {
        let seen = self.0.lock().ok()?;
        let (resolver, components) = seen.credentials.clone()?;
        Some(FromDynamoDb {
            resolver,
            components,
        })
    }
}

/// The DynamoDB client's credentials resolver, asked afresh each time the Streams
/// client's identity cache needs credentials.
#[derive(Debug)]
struct FromDynamoDb {
    resolver: SharedIdentityResolver,
    components: RuntimeComponents,
}

impl ProvideCredentials for FromDynamoDb {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            let bag = ConfigBag::base();
            let identity = self
                .resolver
                .resolve_identity(&self.components, &bag)
                .await
                .map_err(CredentialsError::provider_error)?;
            identity.data::<Credentials>().cloned().ok_or_else(|| {
                CredentialsError::not_loaded(
                    "the DynamoDB client's identity holds no AWS credentials",
                )
            })
        })
    }
}

impl Intercept for EndpointProbe {
    fn name(&self) -> &'static str {
        "dynamap-endpoint-probe"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let configured = cfg
            .load::<aws_types::endpoint_config::EndpointUrl>()
            .is_some();
        let credentials = components
            .identity_resolver(AuthSchemeId::new("sigv4"))
            .map(|resolver| (resolver, components.clone()));
        let uri = context.request().uri();
        let origin = match uri.split_once("://") {
            Some((scheme, rest)) => {
                format!("{scheme}://{}", rest.split('/').next().unwrap_or_default())
            }
            None => uri.to_owned(),
        };
        if let Ok(mut seen) = self.0.lock() {
            seen.origin = Some(origin);
            seen.configured = configured;
            seen.credentials = credentials;
        }
        Ok(())
    }
}

/// Whether `origin` is on one of AWS's hosts (a regional, account-ID, FIPS or
/// dual-stack endpoint, or a VPC endpoint): DynamoDB there, never Streams.
fn is_aws(origin: &str) -> bool {
    let host = origin.split("://").nth(1).unwrap_or(origin);
    let host = host.split(':').next().unwrap_or(host);
    [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"]
        .iter()
        .any(|suffix| host.ends_with(suffix))
}

/// The endpoint to give the Streams client: the configured DynamoDB address when it
/// serves both APIs; `None` (the SDK resolves AWS's Streams endpoint) otherwise.
fn streams_endpoint(configured: Option<String>) -> Option<String> {
    configured.filter(|origin| !is_aws(origin))
}

/// The Streams client matching `dynamo`, for requests that went to `origin`.
pub(crate) fn streams_client(
    dynamo: &aws_sdk_dynamodb::Client,
    probe: &EndpointProbe,
) -> aws_sdk_dynamodbstreams::Client {
    let config = dynamo.config();
    let mut builder = aws_sdk_dynamodbstreams::Config::builder()
        .behavior_version(aws_sdk_dynamodbstreams::config::BehaviorVersion::latest());
    if let Some(region) = config.region() {
        builder = builder.region(aws_sdk_dynamodbstreams::config::Region::new(
            region.as_ref().to_owned(),
        ));
    }
    if let Some(credentials) = probe.credentials() {
        builder = builder.credentials_provider(credentials);
    }
    if let Some(http) = config.http_client() {
        builder = builder.http_client(http);
    }
    if let Some(retry) = config.retry_config() {
        builder = builder.retry_config(retry.clone());
    }
    if let Some(timeouts) = config.timeout_config() {
        builder = builder.timeout_config(timeouts.clone());
    }
    if let Some(sleep) = config.sleep_impl() {
        builder = builder.sleep_impl(sleep);
    }
    if let Some(time) = config.time_source() {
        builder = builder.time_source(time);
    }
    if let Some(origin) = streams_endpoint(probe.configured()) {
        builder = builder.endpoint_url(origin);
    }
    aws_sdk_dynamodbstreams::Client::from_conf(builder.build())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use aws_smithy_runtime_api::client::http::{
        http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::client::result::ConnectorError;

    use super::*;

    #[test]
    fn aws_hosts_are_told_from_others() {
        for aws in [
            "https://dynamodb.eu-west-1.amazonaws.com",
            "https://dynamodb-fips.us-east-1.amazonaws.com",
            "https://123456789012.ddb.eu-west-1.amazonaws.com",
            "https://vpce-0a1b2c3d-e4f5.dynamodb.eu-west-1.vpce.amazonaws.com",
            "https://dynamodb.cn-north-1.amazonaws.com.cn",
            "https://dynamodb.eu-west-1.api.aws",
        ] {
            assert!(is_aws(aws), "{aws}");
            assert_eq!(streams_endpoint(Some(aws.to_owned())), None, "{aws}");
        }
        for other in [
            "http://127.0.0.1:8000",
            "http://localhost:4566",
            "http://amazonaws.com.evil:1",
        ] {
            assert!(!is_aws(other), "{other}");
            assert_eq!(
                streams_endpoint(Some(other.to_owned())),
                Some(other.to_owned())
            );
        }
        assert_eq!(streams_endpoint(None), None);
    }

    /// Records each request's URI and refuses it: what the client would have called.
    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl HttpConnector for Recorder {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            if let Ok(mut seen) = self.0.lock() {
                seen.push(request.uri().to_owned());
            }
            HttpConnectorFuture::ready(Err(ConnectorError::io("refused by the test".into())))
        }
    }

    /// The host the feed's Streams client calls, for a DynamoDB client set up by
    /// `configure`.
    async fn streams_host(
        configure: impl FnOnce(aws_sdk_dynamodb::config::Builder) -> aws_sdk_dynamodb::config::Builder,
    ) -> (String, String) {
        let recorder = Recorder::default();
        let connector = SharedHttpConnector::new(recorder.clone());
        let credentials = Credentials::builder()
            .access_key_id("AKID")
            .secret_access_key("secret")
            .account_id("123456789012")
            .provider_name("test")
            .build();
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("eu-west-1"))
            .credentials_provider(credentials)
            .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
            .http_client(http_client_fn(move |_, _| connector.clone()));
        let dynamo = aws_sdk_dynamodb::Client::from_conf(configure(config).build());
        let probe = EndpointProbe::default();
        let _ = dynamo
            .describe_table()
            .table_name("t")
            .customize()
            .interceptor(probe.clone())
            .send()
            .await;
        let streams = streams_client(&dynamo, &probe);
        let _ = streams
            .describe_stream()
            .stream_arn("arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/x")
            .send()
            .await;
        let seen = recorder.0.lock().unwrap().clone();
        let host = |uri: &String| uri.split('/').nth(2).unwrap_or_default().to_owned();
        (host(&seen[0]), host(&seen[1]))
    }

    #[tokio::test]
    async fn the_streams_endpoint_follows_how_the_dynamodb_endpoint_was_found() {
        // Resolved by the SDK from an account id: Streams goes to AWS's Streams host.
        let (dynamo, streams) = streams_host(|c| c).await;
        assert_eq!(dynamo, "123456789012.ddb.eu-west-1.amazonaws.com");
        assert_eq!(streams, "streams.dynamodb.eu-west-1.amazonaws.com");
        // A VPC endpoint for DynamoDB serves no Streams.
        let vpce = "https://vpce-0a1b2c3d-e4f5.dynamodb.eu-west-1.vpce.amazonaws.com";
        let (dynamo, streams) = streams_host(|c| c.endpoint_url(vpce)).await;
        assert_eq!(
            dynamo,
            "vpce-0a1b2c3d-e4f5.dynamodb.eu-west-1.vpce.amazonaws.com"
        );
        assert_eq!(streams, "streams.dynamodb.eu-west-1.amazonaws.com");
        // A local server serves both.
        let (dynamo, streams) = streams_host(|c| c.endpoint_url("http://127.0.0.1:9")).await;
        assert_eq!(
            (dynamo.as_str(), streams.as_str()),
            ("127.0.0.1:9", "127.0.0.1:9")
        );
    }
}
