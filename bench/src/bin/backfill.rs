//! A backfill beside the loop a team writes by hand: the same N items in their old form
//! (a renamed attribute, a field added since), brought to today's form by
//! - raw: a 4-segment parallel scan and BatchWriteItem puts of the item converted by
//!   hand (unconditional: a write the service makes meanwhile can be lost), 8 batches
//!   in flight per segment, unprocessed items resent;
//! - dynamap: `backfill().segments(4).concurrency(8)`, one conditional UpdateItem per
//!   item (a write made meanwhile is redone, never lost).
//!
//! Each round loads fresh tables (not measured), then times both, alternating; median of
//! the rounds. Then the backfill's peak memory at two sizes (`/proc/self/clear_refs`
//! resets the high-water mark before each run).
//!
//! `cargo run --release -p dynamap-bench --bin backfill [-- --quick]`; DynamoDB Local by
//! default, `DYNAMAP_SERVER=embedded` for the embedded server. `-- --memory N` measures
//! only the peak memory of a backfill of N items, in a process of its own (so that one
//! size's pages and allocator state do not carry into the next).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use dynamap::prelude::*;
use dynamap_bench::measure::{median, memory_kib, timed, Run};
use futures::{StreamExt, TryStreamExt};

const SEGMENTS: i32 = 4;
const IN_FLIGHT: usize = 8;

/// The first release's item.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct CustomerV1 {
    #[dynamo(partition_key)]
    id: String,
    fullname: String,
    email: String,
    city: String,
    plan: String,
    notes: String,
}

/// Today's: `fullname` is `name`, and a visit count defaults to 0.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Customer {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(alias = "fullname")]
    name: String,
    email: String,
    city: String,
    plan: String,
    notes: String,
    #[dynamo(default)]
    visits: u64,
}

fn customer(i: u64) -> CustomerV1 {
    CustomerV1 {
        id: format!("customer-{i:08}"),
        fullname: format!("Customer number {i}"),
        email: format!("customer{i}@example.com"),
        city: ["Lisbon", "Oslo", "Quito", "Osaka"][(i % 4) as usize].to_owned(),
        plan: if i.is_multiple_of(3) { "pro" } else { "free" }.to_owned(),
        notes: "x".repeat(200),
    }
}

/// Today's form of an old item, by hand.
fn converted(mut item: HashMap<String, AttributeValue>) -> HashMap<String, AttributeValue> {
    if let Some(name) = item.remove("fullname") {
        item.insert("name".to_owned(), name);
    }
    item.entry("visits".to_owned())
        .or_insert_with(|| AttributeValue::N("0".to_owned()));
    item
}

/// Writes `items` with BatchWriteItem, 25 at a time, resending what comes back.
async fn put_all(client: &Client, table: &str, items: Vec<HashMap<String, AttributeValue>>) {
    let batches: Vec<Vec<WriteRequest>> = items
        .chunks(25)
        .map(|chunk| {
            chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder()
                        .set_item(Some(item.clone()))
                        .build()
                        .expect("put");
                    WriteRequest::builder().put_request(put).build()
                })
                .collect()
        })
        .collect();
    futures::stream::iter(batches)
        .for_each_concurrent(IN_FLIGHT, |mut batch| async move {
            while !batch.is_empty() {
                let answer = client
                    .batch_write_item()
                    .request_items(table, batch)
                    .send()
                    .await
                    .expect("batch");
                batch = answer
                    .unprocessed_items
                    .and_then(|mut left| left.remove(table))
                    .unwrap_or_default();
            }
        })
        .await;
}

/// The hand-written backfill: each segment scanned page by page, each page converted
/// and put back in batches.
async fn raw_backfill(client: &Client, table: &str) -> u64 {
    let segments = (0..SEGMENTS).map(|segment| async move {
        let mut start = None;
        let mut done = 0;
        loop {
            let page = client
                .scan()
                .table_name(table)
                .segment(segment)
                .total_segments(SEGMENTS)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            let items: Vec<_> = page
                .items
                .unwrap_or_default()
                .into_iter()
                .filter(|item| item.contains_key("fullname") || !item.contains_key("visits"))
                .map(converted)
                .collect();
            done += items.len() as u64;
            put_all(client, table, items).await;
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return done,
            }
        }
    });
    futures::future::join_all(segments).await.into_iter().sum()
}

async fn load(
    client: &Client,
    name: &str,
    n: u64,
) -> Result<TypedMapping<Customer>, dynamap::Error> {
    let old = TypedMapping::<CustomerV1>::new(client.clone(), name);
    old.create_table().await?;
    old.insert_stream(futures::stream::iter((0..n).map(customer)))
        .await?;
    Ok(TypedMapping::new(client.clone(), name))
}

fn reset_peak() {
    // Linux: writing 5 resets the peak resident set size (VmHWM) to the current one.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--memory") {
        let size: u64 = args.get(at + 1).ok_or("--memory takes a size")?.parse()?;
        return memory_only(size).await;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let (n, rounds) = if quick { (1_000u64, 3) } else { (10_000, 5) };
    let server = dynamap_bench::server::in_process_or_local()?;
    println!("Server: {}", server.kind());
    let client = server.client().await?;
    let pid = std::process::id();

    // The backfill at the raw loop's requests in flight, and at its items in flight
    // (8 batches of 25 per segment: 200 single-item rewrites per segment).
    let concurrencies = [IN_FLIGHT, IN_FLIGHT * 25];
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); 3];
    for round in 0..rounds {
        let raw_table = format!("bench-backfill-raw-{pid}-{round}");
        let raw = load(&client, &raw_table, n).await?;
        let mut ours = Vec::new();
        for (i, _) in concurrencies.iter().enumerate() {
            ours.push(load(&client, &format!("bench-backfill-{pid}-{round}-{i}"), n).await?);
        }
        for offset in 0..3 {
            let which = (round + offset) % 3;
            let run = if which == 0 {
                timed(|| raw_backfill(&client, &raw_table)).await
            } else {
                let (mapping, concurrency) = (&ours[which - 1], concurrencies[which - 1]);
                timed(|| async {
                    let report = mapping
                        .backfill()
                        .segments(SEGMENTS as u32)
                        .concurrency(concurrency)
                        .await
                        .expect("backfill");
                    assert!(report.finished && report.refused.is_empty());
                    report.rewritten
                })
                .await
            };
            assert_eq!(run.ops, n, "every item rewritten");
            runs[which].push(run);
        }
        // Every way, the same items in the same form.
        let a: Vec<Customer> = raw.values().try_collect().await?;
        for mapping in &ours {
            let b: Vec<Customer> = mapping.values().try_collect().await?;
            assert_eq!(a.len(), b.len());
            mapping.delete_table().await?;
        }
        raw.delete_table().await?;
    }
    let mut medians = runs.into_iter().map(median);
    let raw = medians.next().unwrap();
    println!("| {n} items of ~330 B, {SEGMENTS} segments, {IN_FLIGHT} requests in flight each | items/s | client CPU µs/item | rate vs baseline | CPU vs baseline |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| raw: parallel scan + BatchWriteItem puts (unconditional) | {:.0} | {:.1} | baseline | baseline |",
        raw.ops_per_second(),
        raw.cpu_us_per_op()
    );
    for (ours, concurrency) in medians.zip(concurrencies) {
        println!(
            "| dynamap `backfill().concurrency({concurrency})` (one conditional UpdateItem per item) | {:.0} | {:.1} | {:.2}× | {} |",
            ours.ops_per_second(),
            ours.cpu_us_per_op(),
            ours.ops_per_second() / raw.ops_per_second(),
            ours.cpu_ratio(&raw)
        );
    }

    // Peak memory: a page per segment and the rewrites in flight, whatever the size.
    println!();
    println!(
        "| items | RSS before (KiB) | peak RSS during the backfill (KiB) | peak − before (KiB) | time |"
    );
    println!("|---:|---:|---:|---:|---:|");
    let sizes = if quick {
        [1_000, 4_000]
    } else {
        [10_000, 100_000]
    };
    for size in sizes {
        peak_row(&client, &format!("bench-backfill-mem-{pid}-{size}"), size).await?;
    }
    Ok(())
}

/// One size's memory row, alone in this process.
async fn memory_only(size: u64) -> Result<(), Box<dyn std::error::Error>> {
    let server = dynamap_bench::server::in_process_or_local()?;
    println!("Server: {}", server.kind());
    let client = server.client().await?;
    let table = format!("bench-backfill-mem-{}-{size}", std::process::id());
    peak_row(&client, &table, size).await
}

/// Loads `size` items in their old form, then prints the backfill's peak memory above
/// the resident memory before it.
async fn peak_row(
    client: &Client,
    table: &str,
    size: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let mapping = load(client, table, size).await?;
    let before = memory_kib("VmRSS");
    reset_peak();
    let started = std::time::Instant::now();
    let report = mapping.backfill().segments(SEGMENTS as u32).await?;
    assert_eq!(report.rewritten, size);
    let peak = memory_kib("VmHWM");
    println!(
        "| {size} | {before} | {peak} | {} | {:.0} s |",
        peak.saturating_sub(before),
        started.elapsed().as_secs_f64()
    );
    mapping.delete_table().await?;
    Ok(())
}
