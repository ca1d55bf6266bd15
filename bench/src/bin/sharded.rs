//! A sharded listing read whole: dynamap's merged query of an index partition spread
//! over 8 shards (`pk = "OPEN#{shard:8}"`), beside the same 8 queries written by hand
//! with the raw SDK (paginated concurrently, items converted by hand) and merged by
//! sorting on the index's sort key. Both send the same requests; the ratio is the
//! client CPU of the merge and conversion (each thread's CPU to the nanosecond), with the
//! page faults per item that tell where it goes. Seven rounds, alternating; the median
//! of the rounds' ratios with its 95% interval.
//!
//! `cargo run --release -p dynamap-bench --bin sharded [-- --quick]`; DynamoDB Local by
//! default, `DYNAMAP_SERVER=embedded` for the embedded server.

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};
use dynamap_bench::measure::{cpu_time_precise, median_interval, minor_faults};
use futures::TryStreamExt;

const ROUNDS: usize = 7;
const SHARDS: u32 = 8;

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(OpenByDate, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct Ledger;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Ledger,
    entity = "Ticket",
    pk = "CUSTOMER#{customer}",
    sk = "TICKET#{id}",
    index(OpenByDate, pk = "OPEN#{shard:8}", sk = "{opened_at}#{id}")
)]
struct Ticket {
    customer: String,
    id: u32,
    opened_at: DateTime<Utc>,
    total: u32,
}

fn ticket(id: u32) -> Ticket {
    Ticket {
        customer: format!("customer-{}", id % 97),
        id,
        opened_at: Utc
            .with_ymd_and_hms(2026, 1 + id % 12, 1 + id % 28, id % 24, id % 60, 0)
            .unwrap(),
        total: (id * 37) % 10_000,
    }
}

/// The hand-written conversion a raw-SDK user writes.
fn ticket_from_item(mut item: HashMap<String, AttributeValue>) -> Option<Ticket> {
    let mut take = |name: &str| item.remove(name);
    let customer = match take("customer")? {
        AttributeValue::S(s) => s,
        _ => return None,
    };
    let id = match take("id")? {
        AttributeValue::N(n) => n.parse().ok()?,
        _ => return None,
    };
    let opened_at = match take("opened_at")? {
        AttributeValue::S(s) => DateTime::parse_from_rfc3339(&s).ok()?.with_timezone(&Utc),
        _ => return None,
    };
    let total = match take("total")? {
        AttributeValue::N(n) => n.parse().ok()?,
        _ => return None,
    };
    Some(Ticket {
        customer,
        id,
        opened_at,
        total,
    })
}

/// The 8 queries by hand, each paginated, concurrently; then sorted by the index's
/// sort key into one listing.
async fn raw_merged(client: &Client, table: &str) -> Vec<Ticket> {
    let shards = (0..SHARDS).map(|shard| async move {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = client
                .query()
                .table_name(table)
                .index_name("open_by_date")
                .key_condition_expression("#p = :p")
                .expression_attribute_names("#p", "gsi1pk")
                .expression_attribute_values(":p", AttributeValue::S(format!("OPEN#{shard}")))
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("query");
            for mut item in page.items.unwrap_or_default() {
                let Some(AttributeValue::S(sort)) = item.remove("gsi1sk") else {
                    panic!("an item without its index sort key");
                };
                out.push((sort, ticket_from_item(item).expect("decode")));
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return out,
            }
        }
    });
    let mut all: Vec<(String, Ticket)> = futures::future::join_all(shards)
        .await
        .into_iter()
        .flatten()
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.into_iter().map(|(_, t)| t).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (n, reads) = if quick { (1_000u32, 5u64) } else { (4_000, 10) };
    let server = dynamap_bench::server::in_process_or_local()?;
    println!("Server: {}", server.kind());
    let client = server.client().await?;
    let ledger = Table::<Ledger>::new(
        client.clone(),
        format!("bench-sharded-{}", std::process::id()),
    );
    ledger.create_table().await?;
    let tickets = ledger.entity::<Ticket>();
    tickets
        .insert_many((0..n).map(ticket).collect::<Vec<_>>())
        .await?;
    let table = ledger.table_name().to_owned();

    // The same listing, in the same order, both ways.
    let by_hand = raw_merged(&client, &table).await;
    let merged: Vec<Ticket> = tickets
        .query_index::<OpenByDate>(&())
        .stream()
        .try_collect()
        .await?;
    assert_eq!(by_hand.len(), n as usize);
    assert_eq!(merged, by_hand, "the same listing");

    // Per round and contender: client CPU µs per item, page faults per item, items/s.
    let mut measured: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new(), Vec::new()];
    for round in 0..ROUNDS {
        for offset in 0..2 {
            let which = (round + offset) % 2;
            let (cpu, faults, wall) = (cpu_time_precise(), minor_faults(), Instant::now());
            let mut items = 0u64;
            for _ in 0..reads {
                items += if which == 0 {
                    std::hint::black_box(raw_merged(&client, &table).await).len() as u64
                } else {
                    tickets
                        .query_index::<OpenByDate>(&())
                        .stream()
                        .try_fold(0u64, |k, t| {
                            std::hint::black_box(t);
                            async move { Ok(k + 1) }
                        })
                        .await
                        .expect("merged query")
                };
            }
            let per_item = |x: f64| x / items as f64;
            measured[which].push((
                per_item((cpu_time_precise() - cpu).as_secs_f64() * 1e6),
                per_item((minor_faults() - faults) as f64),
                items as f64 / wall.elapsed().as_secs_f64(),
            ));
        }
    }
    let median = |values: Vec<f64>| {
        let mut values = values;
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let column = |which: usize, pick: fn(&(f64, f64, f64)) -> f64| {
        median(measured[which].iter().map(pick).collect())
    };
    let ratios: Vec<f64> = measured[1]
        .iter()
        .zip(&measured[0])
        .map(|(d, r)| d.0 / r.0)
        .collect();
    let interval = median_interval(ratios.clone())
        .map(|(lo, hi)| format!(" ({lo:.2}–{hi:.2})"))
        .unwrap_or_default();
    let workload = format!("{n} items over {SHARDS} shards, read whole {reads}× a round");
    println!("| workload | contender | items/s | client CPU µs/item | page faults/item | CPU vs baseline (95% interval) |");
    println!("|---|---|---:|---:|---:|---:|");
    println!(
        "| {workload} | raw: {SHARDS} Query paginations, hand-written conversion, sorted | {:.0} | {:.2} | {:.3} | baseline |",
        column(0, |m| m.2),
        column(0, |m| m.0),
        column(0, |m| m.1),
    );
    println!(
        "| {workload} | dynamap `query_index::<OpenByDate>(&())`, merged | {:.0} | {:.2} | {:.3} | **{:.2}×**{interval} |",
        column(1, |m| m.2),
        column(1, |m| m.0),
        column(1, |m| m.1),
        median(ratios),
    );
    ledger.delete_table().await?;
    Ok(())
}
