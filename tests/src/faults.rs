//! Fault injection at the SDK's interceptor layer: DynamoDB Local never leaves items
//! unprocessed or throttles, so this makes it look as if it did.
//!
//! - A fraction of the writes of each BatchWriteItem (and keys of each BatchGetItem)
//!   are taken out of the request before it is sent and handed back to the caller as
//!   `UnprocessedItems` (`UnprocessedKeys`): they never reach the server, so a client
//!   that drops them loses data, and one that resends them twice would show it.
//! - A fraction of whole requests are answered with
//!   `ProvisionedThroughputExceededException` after the server handled them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_get_item::{
    BatchGetItemError, BatchGetItemInput, BatchGetItemOutput,
};
use aws_sdk_dynamodb::operation::batch_write_item::{
    BatchWriteItemError, BatchWriteItemInput, BatchWriteItemOutput,
};
use aws_sdk_dynamodb::types::error::ProvisionedThroughputExceededException;
use aws_sdk_dynamodb::types::{KeysAndAttributes, WriteRequest};
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime_api::client::interceptors::context::Error as ErasedError;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

/// How often each fault happens, and what happened.
#[derive(Debug)]
pub struct Faults {
    /// Fraction of batch items bounced as unprocessed.
    pub bounce: f64,
    /// Fraction of batch requests answered with a throttling error.
    pub throttle: f64,
    rng: Mutex<fastrand::Rng>,
    /// Items (or keys) bounced so far.
    pub bounced: AtomicU64,
    /// Requests throttled so far.
    pub throttled: AtomicU64,
    /// Batch requests seen.
    pub requests: AtomicU64,
}

impl Faults {
    /// Faults at these rates, from a fixed seed so runs repeat.
    pub fn new(bounce: f64, throttle: f64) -> Arc<Self> {
        Arc::new(Faults {
            bounce,
            throttle,
            rng: Mutex::new(fastrand::Rng::with_seed(7)),
            bounced: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        })
    }

    fn roll(&self, p: f64) -> bool {
        self.rng
            .lock()
            .map(|mut rng| rng.f64() < p)
            .unwrap_or(false)
    }
}

#[derive(Debug)]
struct Interceptor(Arc<Faults>);

/// What one request lost on the way out, to be handed back with its answer.
#[derive(Debug, Clone)]
enum Bounced {
    Writes(String, Vec<WriteRequest>),
    Keys(String, KeysAndAttributes),
}

impl Storable for Bounced {
    type Storer = StoreReplace<Self>;
}

#[derive(Debug, Clone)]
struct Throttle;

impl Storable for Throttle {
    type Storer = StoreReplace<Self>;
}

impl Intercept for Interceptor {
    fn name(&self) -> &'static str {
        "dynamap-test-fault-injector"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let faults = &self.0;
        let input = context.input_mut();
        if let Some(write) = input.downcast_mut::<BatchWriteItemInput>() {
            faults.requests.fetch_add(1, Ordering::Relaxed);
            if let Some((table, requests)) = write
                .request_items
                .as_mut()
                .and_then(|m| m.iter_mut().next())
            {
                // Keep at least one write: DynamoDB refuses an empty batch.
                let mut kept = Vec::new();
                let mut bounced = Vec::new();
                for request in requests.drain(..) {
                    if faults.roll(faults.bounce) {
                        bounced.push(request);
                    } else {
                        kept.push(request);
                    }
                }
                if kept.is_empty() {
                    if let Some(first) = bounced.pop() {
                        kept.push(first);
                    }
                }
                *requests = kept;
                faults
                    .bounced
                    .fetch_add(bounced.len() as u64, Ordering::Relaxed);
                if !bounced.is_empty() {
                    cfg.interceptor_state()
                        .store_put(Bounced::Writes(table.clone(), bounced));
                }
            }
        } else if let Some(get) = input.downcast_mut::<BatchGetItemInput>() {
            faults.requests.fetch_add(1, Ordering::Relaxed);
            if let Some((table, request)) =
                get.request_items.as_mut().and_then(|m| m.iter_mut().next())
            {
                let mut kept = Vec::new();
                let mut bounced = Vec::new();
                for key in request.keys.drain(..) {
                    if faults.roll(faults.bounce) {
                        bounced.push(key);
                    } else {
                        kept.push(key);
                    }
                }
                if kept.is_empty() {
                    if let Some(first) = bounced.pop() {
                        kept.push(first);
                    }
                }
                request.keys = kept;
                faults
                    .bounced
                    .fetch_add(bounced.len() as u64, Ordering::Relaxed);
                if !bounced.is_empty() {
                    let unprocessed = KeysAndAttributes::builder()
                        .set_keys(Some(bounced))
                        .build()?;
                    cfg.interceptor_state()
                        .store_put(Bounced::Keys(table.clone(), unprocessed));
                }
            }
        } else {
            return Ok(());
        }
        if faults.roll(faults.throttle) {
            cfg.interceptor_state().store_put(Throttle);
        }
        Ok(())
    }

    fn modify_before_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let bounced = cfg.load::<Bounced>().cloned();
        let throttle = cfg.load::<Throttle>().is_some();
        let Some(Ok(output)) = context.output_or_error_mut() else {
            return Ok(());
        };
        let throttled = || {
            ProvisionedThroughputExceededException::builder()
                .message("injected by the test fault layer")
                .build()
        };
        if let Some(write) = output.downcast_mut::<BatchWriteItemOutput>() {
            if throttle {
                self.0.throttled.fetch_add(1, Ordering::Relaxed);
                // The server did write the items that were sent: like a reply lost on the
                // way back, the client must resend them, and puts are idempotent.
                let error =
                    BatchWriteItemError::ProvisionedThroughputExceededException(throttled());
                if let Some(result) = context.output_or_error_mut() {
                    *result = Err(OrchestratorError::operation(ErasedError::erase(error)));
                }
                return Ok(());
            }
            if let Some(Bounced::Writes(table, requests)) = bounced {
                write
                    .unprocessed_items
                    .get_or_insert_with(Default::default)
                    .entry(table)
                    .or_default()
                    .extend(requests);
            }
        } else if let Some(get) = output.downcast_mut::<BatchGetItemOutput>() {
            if throttle {
                self.0.throttled.fetch_add(1, Ordering::Relaxed);
                let error = BatchGetItemError::ProvisionedThroughputExceededException(throttled());
                if let Some(result) = context.output_or_error_mut() {
                    *result = Err(OrchestratorError::operation(ErasedError::erase(error)));
                }
                return Ok(());
            }
            if let Some(Bounced::Keys(table, keys)) = bounced {
                get.unprocessed_keys
                    .get_or_insert_with(Default::default)
                    .insert(table, keys);
            }
        }
        Ok(())
    }
}

/// The same client, with faults injected into its batch requests.
pub fn faulty_client(client: &Client, faults: Arc<Faults>) -> Client {
    // The faults are dense: back off in milliseconds, not the SDK's seconds, or the
    // tests only get slow. Batch retries follow the client's retry policy.
    let fast = aws_sdk_dynamodb::config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(std::time::Duration::from_millis(5))
        .with_max_backoff(std::time::Duration::from_millis(100));
    let config = client
        .config()
        .to_builder()
        .retry_config(fast)
        .interceptor(Interceptor(faults))
        .build();
    Client::from_conf(config)
}
