//! A Lambda function fed by the example service's table stream: each record decoded as
//! a typed `Change<Order>` (records of users and order lines are another entity's, and
//! skipped), and records that do not decode reported back so Lambda retries only those
//! (`ReportBatchItemFailures`).
//!
//! Built in CI (`cargo build -p dynamap-example-lambda`); deploy with cargo-lambda and
//! an event source mapping on the table's stream (view type `NEW_AND_OLD_IMAGES`).

use dynamap::changes::aws_lambda_events::event::dynamodb::Event;
use dynamap::changes::aws_lambda_events::event::streams::{
    DynamoDbBatchItemFailure, DynamoDbEventResponse,
};
use dynamap::changes::ChangeKind;
use dynamap_example_service::model::Order;
use lambda_runtime::{service_fn, Error, LambdaEvent};

async fn handle(event: LambdaEvent<Event>) -> Result<DynamoDbEventResponse, Error> {
    let mut failures = Vec::new();
    for record in &event.payload.records {
        match dynamap::changes::from_lambda_record::<Order>(record) {
            Ok(Some(change)) => match (change.kind, change.old, change.new) {
                (ChangeKind::Insert, _, Some(order)) => {
                    tracing::info!(order = %order.order_id.0, total = %order.total, "placed")
                }
                (ChangeKind::Modify, Some(old), Some(new)) if old.status != new.status => {
                    tracing::info!(order = %new.order_id.0, from = ?old.status, to = ?new.status, "status")
                }
                (ChangeKind::Remove, _, _) => {
                    tracing::info!(order = %change.key.1 .0, "deleted")
                }
                _ => {}
            },
            Ok(None) => {} // a user or an order line
            Err(e) => {
                tracing::error!(record = ?record.event_id, error = %e, "undecodable record");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                failures.push(failure);
            }
        }
    }
    let mut response = DynamoDbEventResponse::default();
    response.batch_item_failures = failures;
    Ok(response)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt().without_time().init();
    lambda_runtime::run(service_fn(handle)).await
}
