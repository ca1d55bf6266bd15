//! What a client put on the wire: each request's operation (its `X-Amz-Target`) and
//! JSON body, as the server received it.

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::Client;

/// The requests a [`wire_client`] sent, in order.
#[derive(Debug, Default)]
pub struct WireLog {
    sent: Mutex<Vec<(String, serde_json::Value)>>,
}

impl WireLog {
    /// The bodies of the requests of `operation` (`CreateTable`...), in order.
    pub fn bodies(&self, operation: &str) -> Vec<serde_json::Value> {
        self.sent
            .lock()
            .map(|sent| {
                sent.iter()
                    .filter(|(op, _)| op == operation)
                    .map(|(_, body)| body.clone())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug)]
struct Recorder(Arc<WireLog>);

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "dynamap-test-wire-log"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default()
            .to_owned();
        let body = request
            .body()
            .bytes()
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or(serde_json::Value::Null);
        if let Ok(mut sent) = self.0.sent.lock() {
            sent.push((operation, body));
        }
        Ok(())
    }
}

/// The same client, logging every request's body as sent.
pub fn wire_client(client: &Client) -> (Client, Arc<WireLog>) {
    let log = Arc::new(WireLog::default());
    let config = client
        .config()
        .to_builder()
        .interceptor(Recorder(log.clone()))
        .build();
    (Client::from_conf(config), log)
}
