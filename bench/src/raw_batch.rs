//! The raw-SDK batch loops dynamap's batches are measured against: what a careful user
//! writes by hand (chunks, requests in flight, unprocessed items resent, conversion by
//! hand), shared by the e2e and batch benchmarks.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use futures::{stream, StreamExt};

use crate::hand_written::{order_from_item, order_to_item};
use crate::models::Order;

/// Writes `orders` with BatchWriteItem, 25 a request, `in_flight` requests at once,
/// resending what comes back unprocessed; returns how many were written.
pub async fn raw_batch_write(
    client: &Client,
    table: &str,
    orders: &[Order],
    in_flight: usize,
) -> u64 {
    // `RAW_ENCODE=lazy` encodes each chunk as it is sent (as dynamap does, for flat
    // memory) instead of all of them first: the same work in another order.
    let lazy = std::env::var("RAW_ENCODE").as_deref() == Ok("lazy");
    let encode = |chunk: &[Order]| -> Vec<WriteRequest> {
        chunk
            .iter()
            .map(|o| {
                let put = PutRequest::builder()
                    .set_item(Some(order_to_item(o)))
                    .build()
                    .expect("put");
                WriteRequest::builder().put_request(put).build()
            })
            .collect()
    };
    // Chunks to encode later are named by their place, so no borrow is in the stream.
    let chunks: Vec<Result<Vec<WriteRequest>, usize>> = (0..orders.len())
        .step_by(25)
        .map(|at| {
            if lazy {
                Err(at)
            } else {
                Ok(encode(&orders[at..(at + 25).min(orders.len())]))
            }
        })
        .collect();
    let encode = &encode;
    stream::iter(chunks)
        .map(|chunk| async move {
            let mut requests =
                chunk.unwrap_or_else(|at| encode(&orders[at..(at + 25).min(orders.len())]));
            // A correct raw loop must resend what comes back unprocessed, too.
            while !requests.is_empty() {
                let out = client
                    .batch_write_item()
                    .request_items(table, requests)
                    .send()
                    .await
                    .expect("batch");
                requests = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(table))
                    .unwrap_or_default();
            }
        })
        .buffer_unordered(in_flight)
        .collect::<Vec<()>>()
        .await;
    orders.len() as u64
}

/// Reads `keys` with BatchGetItem, 100 keys a request, `in_flight` at once, resending
/// what comes back unprocessed, and decodes what it finds by hand.
pub async fn raw_batch_get(
    client: &Client,
    table: &str,
    keys: &[(String, u64)],
    in_flight: usize,
) -> Vec<Order> {
    let batches: Vec<Vec<HashMap<String, AttributeValue>>> = keys
        .chunks(100)
        .map(|chunk| {
            chunk
                .iter()
                .map(|(customer, id)| {
                    HashMap::from([
                        ("customer".to_owned(), AttributeValue::S(customer.clone())),
                        ("order_id".to_owned(), AttributeValue::N(id.to_string())),
                    ])
                })
                .collect()
        })
        .collect();
    stream::iter(batches)
        .map(|mut keys| async move {
            let mut found = Vec::with_capacity(keys.len());
            while !keys.is_empty() {
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .build()
                    .expect("keys");
                let mut out = client
                    .batch_get_item()
                    .request_items(table, request)
                    .send()
                    .await
                    .expect("batch get");
                let items = out
                    .responses
                    .as_mut()
                    .and_then(|r| r.remove(table))
                    .unwrap_or_default();
                found.extend(
                    items
                        .into_iter()
                        .map(|i| order_from_item(i).expect("decode")),
                );
                keys = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
            found
        })
        .buffer_unordered(in_flight)
        .concat()
        .await
}
