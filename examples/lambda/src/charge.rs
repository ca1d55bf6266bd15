//! A Lambda function that charges an order at most once per request id, however often
//! the caller (or Lambda's own retries of an asynchronous invocation) sends it: the
//! handler is wrapped in `Idempotency::run`, whose records live in their own table.
//! A repeated request gets the first one's receipt; one sent while the first still
//! runs gets an "in progress" error to retry later; a claim of an invocation that
//! timed out lapses at that invocation's deadline.
//!
//! Built in CI (`cargo build -p dynamap-example-lambda`); deploy with cargo-lambda
//! (`cargo lambda build --release -p dynamap-example-lambda --bin charge`). Settings:
//! `PAYMENTS_TABLE` (default `payments`) and `IDEMPOTENCY_TABLE` (default
//! `idempotency`: partition key `id`, a string, time to live on `expiration`).

use std::time::Duration;

use dynamap::idempotency::{Idempotency, IdempotencyRecord};
use dynamap::value::Serde;
use dynamap::{DynamoItem, TypedMapping};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde::{Deserialize, Serialize};

/// What the caller sends: `request_id` is its idempotency key (one per intended
/// charge, kept across its retries).
#[derive(Deserialize, Serialize)]
struct ChargeRequest {
    request_id: String,
    order_id: String,
    cents: u64,
}

#[derive(Deserialize, Serialize, Clone)]
struct Receipt {
    payment_id: String,
    order_id: String,
    cents: u64,
}

#[derive(DynamoItem)]
struct Payment {
    #[dynamo(partition_key)]
    payment_id: String,
    order_id: String,
    cents: u64,
}

async fn handle(
    event: LambdaEvent<ChargeRequest>,
    idempotency: &Idempotency,
    payments: &TypedMapping<Payment>,
) -> Result<Receipt, Error> {
    let request = &event.payload;
    // This invocation cannot run past its deadline: its claim lapses then.
    let for_invocation = idempotency.until(event.context.deadline());
    let Serde(receipt) = for_invocation
        .run(&request.request_id, request, || async {
            // Named by the request: even a run after a lapsed claim cannot pay twice
            // (the conditional put refuses a second payment of the same request).
            let payment = Payment {
                payment_id: format!("pay_{}", request.request_id),
                order_id: request.order_id.clone(),
                cents: request.cents,
            };
            payments.insert_if_absent(&payment).await?;
            Ok::<_, dynamap::Error>(Serde(Receipt {
                payment_id: payment.payment_id,
                order_id: payment.order_id,
                cents: payment.cents,
            }))
        })
        .await?;
    Ok(receipt)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt().without_time().init();
    let client = dynamap::connect().await?;
    let table =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    let payments =
        TypedMapping::<Payment>::new(client.clone(), table("PAYMENTS_TABLE", "payments"));
    let records =
        TypedMapping::<IdempotencyRecord>::new(client, table("IDEMPOTENCY_TABLE", "idempotency"));
    let idempotency = Idempotency::new(records, "charge")
        .validate_payload(true) // the same request id with another amount is refused
        .expires_after(Duration::from_secs(24 * 3600));
    let (idempotency, payments) = (&idempotency, &payments);
    lambda_runtime::run(service_fn(move |event| {
        handle(event, idempotency, payments)
    }))
    .await
}
