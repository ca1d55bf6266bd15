//! One way every request goes out: its span, its capacity report, its pacing. Each SDK
//! operation dynamap sends is an [`SdkRequest`]; [`send`] does the rest.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::ReturnConsumedCapacity;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use tracing::Instrument;

use super::attempts::{Attempts, CountAttempts};
use super::capacity::{units_of, Access};
use super::observed::Observed;
use super::{span, Call};

/// What an SDK request's outcome is.
pub(crate) type Sent<R> =
    Result<<R as SdkRequest>::Output, SdkError<<R as SdkRequest>::Error, HttpResponse>>;

/// An SDK fluent builder dynamap sends.
pub(crate) trait SdkRequest: Sized + Send {
    /// DynamoDB's name for the operation.
    const OPERATION: &'static str;
    /// Whether the operation reads or writes items (and so can report capacity).
    const ACCESS: Option<Access>;
    type Output: Observed + Send;
    type Error: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static;

    /// The key of a single-item request, for spans that record keys.
    fn key(&self) -> Option<&crate::sdk_item::Item>;

    /// Asks for the capacity report (data operations only).
    fn report_capacity(self, detail: ReturnConsumedCapacity) -> Self;
    /// Sends it; `counts` counts its attempts, and without `sdk_retries` it is sent
    /// once (the caller retries, knowing what a lost answer means for it).
    fn send_with(
        self,
        counts: Option<Arc<Attempts>>,
        sdk_retries: bool,
    ) -> impl Future<Output = Sent<Self>> + Send;
}

/// Sends `request` as `call` describes: in a span when a subscriber records it
/// (attempts, throttles, capacity, items, request id, outcome), its capacity added to
/// the call's meter and paid to its rate limit.
pub(crate) async fn send<R: SdkRequest>(request: R, call: Call<'_>) -> Sent<R> {
    let span = span::open(R::OPERATION, &call, request.key());
    let traced = !span.is_disabled();
    let detail = R::ACCESS.and_then(|_| match &call.observer.meter {
        Some(meter) => Some(meter.detail()),
        None => (traced || call.rate.is_some()).then_some(ReturnConsumedCapacity::Total),
    });
    let request = match detail {
        Some(detail) => request.report_capacity(detail),
        None => request,
    };
    let result = if traced {
        let counts = Arc::new(Attempts::default());
        let result = request
            .send_with(Some(counts.clone()), call.sdk_retries)
            .instrument(span.clone())
            .await;
        span::close(&span, &counts, &result, R::ACCESS);
        result
    } else {
        request.send_with(None, call.sdk_retries).await
    };
    if let (Ok(output), Some(access)) = (&result, R::ACCESS) {
        if let Some(meter) = &call.observer.meter {
            meter.add(output.capacity(), access);
        }
        if let Some(rate) = call.rate {
            rate.pay(units_of(output.capacity(), access).total()).await;
        }
    }
    result
}

/// [`send`], with a failure classified as a [`crate::Error`] under the operation's own
/// name and the call's table: the one place a DynamoDB request's SDK error becomes
/// dynamap's. (Callers that must tell a lost answer from a refusal use [`send`].)
pub(crate) async fn send_classified<R: SdkRequest>(
    request: R,
    call: Call<'_>,
) -> crate::error::Result<R::Output>
where
    aws_sdk_dynamodb::Error: From<SdkError<R::Error, HttpResponse>>,
{
    let table = call.table;
    // A refusal by the encryption SDK names the item: its key, kept for the error.
    let key = request.key().cloned();
    send(request, call)
        .await
        .map_err(|e| crate::error::Error::from_sdk(R::OPERATION, table, e).naming_key(key))
}

macro_rules! sdk_request {
    (
        $sdk:ident :: $module:ident :: $builder:ident, $op:literal, $output:ident, $error:ident,
        access: $access:expr $(, capacity: $capacity:ident)? $(, key: $key:ident)?
    ) => {
        impl SdkRequest for $sdk::operation::$module::builders::$builder {
            const OPERATION: &'static str = $op;
            const ACCESS: Option<Access> = $access;
            type Output = $sdk::operation::$module::$output;
            type Error = $sdk::operation::$module::$error;

            fn key(&self) -> Option<&crate::sdk_item::Item> {
                $(return self.$key().as_ref();)?
                #[allow(unreachable_code)]
                None
            }

            #[allow(unused_variables)]
            fn report_capacity(self, detail: ReturnConsumedCapacity) -> Self {
                $(return self.$capacity(detail);)?
                #[allow(unreachable_code)]
                self
            }

            async fn send_with(self, counts: Option<Arc<Attempts>>, sdk_retries: bool) -> Sent<Self> {
                if counts.is_none() && sdk_retries {
                    return self.send().await;
                }
                let mut operation = self.customize();
                if let Some(counts) = counts {
                    operation = operation.interceptor(CountAttempts::<Self::Error> {
                        counts,
                        error: PhantomData,
                    });
                }
                if !sdk_retries {
                    operation = operation.config_override(
                        $sdk::config::Builder::new()
                            .retry_config(aws_smithy_types::retry::RetryConfig::disabled()),
                    );
                }
                operation.send().await
            }
        }
    };
}

use aws_sdk_dynamodb as ddb;
#[cfg(feature = "change-feed")]
use aws_sdk_dynamodbstreams as streams;

const READ: Option<Access> = Some(Access::Read);
const WRITE: Option<Access> = Some(Access::Write);

sdk_request!(ddb::get_item::GetItemFluentBuilder, "GetItem", GetItemOutput, GetItemError,
    access: READ, capacity: return_consumed_capacity, key: get_key);
sdk_request!(ddb::put_item::PutItemFluentBuilder, "PutItem", PutItemOutput, PutItemError,
    access: WRITE, capacity: return_consumed_capacity);
sdk_request!(ddb::update_item::UpdateItemFluentBuilder, "UpdateItem", UpdateItemOutput,
    UpdateItemError, access: WRITE, capacity: return_consumed_capacity, key: get_key);
sdk_request!(ddb::delete_item::DeleteItemFluentBuilder, "DeleteItem", DeleteItemOutput,
    DeleteItemError, access: WRITE, capacity: return_consumed_capacity, key: get_key);
sdk_request!(ddb::query::QueryFluentBuilder, "Query", QueryOutput, QueryError,
    access: READ, capacity: return_consumed_capacity);
sdk_request!(ddb::scan::ScanFluentBuilder, "Scan", ScanOutput, ScanError,
    access: READ, capacity: return_consumed_capacity);
sdk_request!(ddb::batch_get_item::BatchGetItemFluentBuilder, "BatchGetItem",
    BatchGetItemOutput, BatchGetItemError, access: READ, capacity: return_consumed_capacity);
sdk_request!(ddb::batch_write_item::BatchWriteItemFluentBuilder, "BatchWriteItem",
    BatchWriteItemOutput, BatchWriteItemError, access: WRITE, capacity: return_consumed_capacity);
sdk_request!(ddb::transact_get_items::TransactGetItemsFluentBuilder, "TransactGetItems",
    TransactGetItemsOutput, TransactGetItemsError, access: READ,
    capacity: return_consumed_capacity);
sdk_request!(ddb::transact_write_items::TransactWriteItemsFluentBuilder, "TransactWriteItems",
    TransactWriteItemsOutput, TransactWriteItemsError, access: WRITE,
    capacity: return_consumed_capacity);
sdk_request!(ddb::create_table::CreateTableFluentBuilder, "CreateTable", CreateTableOutput,
    CreateTableError, access: None);
sdk_request!(ddb::delete_table::DeleteTableFluentBuilder, "DeleteTable", DeleteTableOutput,
    DeleteTableError, access: None);
sdk_request!(ddb::describe_table::DescribeTableFluentBuilder, "DescribeTable",
    DescribeTableOutput, DescribeTableError, access: None);
sdk_request!(ddb::update_time_to_live::UpdateTimeToLiveFluentBuilder, "UpdateTimeToLive",
    UpdateTimeToLiveOutput, UpdateTimeToLiveError, access: None);
sdk_request!(ddb::describe_time_to_live::DescribeTimeToLiveFluentBuilder, "DescribeTimeToLive",
    DescribeTimeToLiveOutput, DescribeTimeToLiveError, access: None);
sdk_request!(ddb::update_table::UpdateTableFluentBuilder, "UpdateTable", UpdateTableOutput,
    UpdateTableError, access: None);
#[cfg(feature = "change-feed")]
sdk_request!(streams::describe_stream::DescribeStreamFluentBuilder, "DescribeStream",
    DescribeStreamOutput, DescribeStreamError, access: None);
#[cfg(feature = "change-feed")]
sdk_request!(streams::get_shard_iterator::GetShardIteratorFluentBuilder, "GetShardIterator",
    GetShardIteratorOutput, GetShardIteratorError, access: None);
#[cfg(feature = "change-feed")]
sdk_request!(streams::get_records::GetRecordsFluentBuilder, "GetRecords", GetRecordsOutput,
    GetRecordsError, access: None);
