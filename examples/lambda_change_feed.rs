//! A Lambda function fed by a table's stream: each DynamoDB event record decoded into a
//! typed `Change<Order>` with dynamap's own codecs (not serde_dynamo's), and failed
//! records reported back so Lambda retries only those (`ReportBatchItemFailures`).
//!
//! Built in CI (`cargo build --example lambda_change_feed`); deploy it with cargo-lambda.

use dynamap::changes::aws_lambda_events::event::dynamodb::Event;
use dynamap::changes::aws_lambda_events::event::streams::{
    DynamoDbBatchItemFailure, DynamoDbEventResponse,
};
use dynamap::{changes::ChangeKind, DynamoItem};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    id: String,
    status: String,
    total_cents: i64,
}

async fn handle(event: LambdaEvent<Event>) -> Result<DynamoDbEventResponse, Error> {
    let mut failures = Vec::new();
    for record in &event.payload.records {
        match dynamap::changes::from_lambda_record::<Order>(record) {
            Ok(Some(change)) => match (change.kind, change.new) {
                (ChangeKind::Remove, _) if change.expired => {
                    println!("order {} expired", change.key)
                }
                (_, Some(order)) => println!("order {} is {}", order.id, order.status),
                (kind, None) => println!("{kind:?} of order {}", change.key),
            },
            // Another entity's record, for an entity type: not ours.
            Ok(None) => {}
            Err(e) => {
                eprintln!("cannot decode record {}: {e}", record.event_id);
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
    lambda_runtime::run(service_fn(handle)).await
}
