//! The DynamoDB Streams client of a feed, made from the DynamoDB client's own settings
//! (region, HTTP client, retries, time limits) so that a feed needs nothing more than
//! the mapping. Two things the SDK does not expose are read off the DescribeTable
//! request the feed sends first: the endpoint (AWS's DynamoDB endpoint means AWS's
//! Streams endpoint; any other, such as DynamoDB Local, the embedded server or a proxy,
//! serves both APIs at one address) and the credentials' resolver, which the Streams
//! client then asks for credentials as the DynamoDB client does.

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
    credentials: Option<(SharedIdentityResolver, RuntimeComponents)>,
}

impl EndpointProbe {
    /// The `scheme://host[:port]` seen, if a request was sent.
    pub(crate) fn seen(&self) -> Option<String> {
        self.0.lock().ok().and_then(|seen| seen.origin.clone())
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
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
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
            seen.credentials = credentials;
        }
        Ok(())
    }
}

/// Whether `origin` is one of AWS's own DynamoDB endpoints.
fn is_aws(origin: &str) -> bool {
    let host = origin.split("://").nth(1).unwrap_or(origin);
    host.starts_with("dynamodb") && (host.contains(".amazonaws.com") || host.contains(".api.aws"))
}

/// The Streams client matching `dynamo`, for requests that went to `origin`.
pub(crate) fn streams_client(
    dynamo: &aws_sdk_dynamodb::Client,
    probe: &EndpointProbe,
) -> aws_sdk_dynamodbstreams::Client {
    let origin = probe.seen();
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
    if let Some(origin) = origin.filter(|o| !is_aws(o)) {
        builder = builder.endpoint_url(origin);
    }
    aws_sdk_dynamodbstreams::Client::from_conf(builder.build())
}

#[cfg(test)]
mod tests {
    use super::is_aws;

    #[test]
    fn aws_endpoints_are_told_from_others() {
        assert!(is_aws("https://dynamodb.eu-west-1.amazonaws.com"));
        assert!(is_aws("https://dynamodb-fips.us-east-1.amazonaws.com"));
        assert!(!is_aws("http://127.0.0.1:8000"));
        assert!(!is_aws("http://localhost:4566"));
    }
}
