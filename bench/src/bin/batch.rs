//! Batch reads and writes beside the raw-SDK loops, for client CPU per item: many
//! alternating rounds, each pairing a dynamap batch with its raw loop back to back, so
//! a server that speeds up or slows down between rounds moves both sides alike. CPU is
//! read per thread to the nanosecond (`/proc/self/task/*/schedstat`).
//!
//! `cargo run --release -p dynamap-bench --bin batch [-- ITEMS ROUNDS]` (20,000 items,
//! 9 rounds by default), on DynamoDB Local unless `DYNAMAP_SERVER=embedded` (run in a
//! process of its own) or `DYNAMAP_BENCH_ENDPOINT` say otherwise. For a profiler,
//! `BATCH_ONLY=raw-write|dynamap-write|raw-read|dynamap-read` runs one side alone;
//! `RAW_ENCODE=lazy` makes the raw write loop encode each chunk as it sends it.

use std::time::Instant;

use dynamap::prelude::*;
use dynamap_bench::measure::cpu_time_precise;
use dynamap_bench::models::{order, Order};
use dynamap_bench::raw_batch::{raw_batch_get, raw_batch_write};
use dynamap_bench::server::BenchServer;

/// One timed run: items done, seconds, client CPU seconds.
#[derive(Debug, Clone, Copy)]
struct Run {
    items: u64,
    seconds: f64,
    cpu: f64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.items as f64 / self.seconds
    }

    fn cpu_us_per_item(&self) -> f64 {
        self.cpu * 1e6 / self.items as f64
    }
}

async fn timed<F: std::future::Future<Output = u64>>(work: F) -> Run {
    let (t0, cpu0) = (Instant::now(), cpu_time_precise());
    let items = work.await;
    Run {
        items,
        seconds: t0.elapsed().as_secs_f64(),
        cpu: (cpu_time_precise() - cpu0).as_secs_f64(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The runs of one workload: the raw loop's and dynamap's, paired by round.
#[derive(Default)]
struct Pairs {
    raw: Vec<Run>,
    dynamap: Vec<Run>,
}

impl Pairs {
    fn print(&self, workload: &str) {
        let ratios = |f: fn(&Run) -> f64| {
            median(
                self.dynamap
                    .iter()
                    .zip(&self.raw)
                    .map(|(d, r)| f(d) / f(r))
                    .collect(),
            )
        };
        let med = |runs: &[Run], f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
        println!(
            "| {workload} | {:.0} | {:.0} | **{:.2}×** | {:.1} | {:.1} | **{:.2}×** |",
            med(&self.raw, Run::rate),
            med(&self.dynamap, Run::rate),
            ratios(Run::rate),
            med(&self.raw, Run::cpu_us_per_item),
            med(&self.dynamap, Run::cpu_us_per_item),
            ratios(Run::cpu_us_per_item),
        );
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return dynamap_bench::server::serve_embedded();
    }
    let items: u64 = args.get(1).map_or(Ok(20_000), |a| a.parse())?;
    let rounds: usize = args.get(2).map_or(Ok(9), |a| a.parse())?;
    // `BATCH_RUNTIME=current` runs on one thread: client CPU without the worker threads'
    // idle spinning, which varies with how the server paces the answers.
    let runtime = match std::env::var("BATCH_RUNTIME").as_deref() {
        Ok("current") => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        _ => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(run(items, rounds))
}

async fn run(items: u64, rounds: usize) -> Result<(), Box<dyn std::error::Error>> {
    let server = BenchServer::start(&std::env::current_exe()?)?;
    eprintln!("{} server at {}", server.kind, server.endpoint);
    let client = dynamap::connect().local(server.endpoint.clone()).await?;
    let orders: TypedMapping<Order> = TypedMapping::new(
        client.clone(),
        format!("bench-batch-{}", std::process::id()),
    );
    orders.create_table().await?;
    let table = orders.table_name().to_owned();
    let all: Vec<Order> = (0..items).map(order).collect();
    let keys: Vec<(String, u64)> = all.iter().map(|o| o.key()).collect();
    // Warm-up: a server's first writes are slow (DynamoDB Local's JIT).
    orders.insert_many(&all).await?;
    raw_batch_write(&client, &table, &all, 16).await;

    if let Ok(only) = std::env::var("BATCH_ONLY") {
        for _ in 0..rounds {
            match only.as_str() {
                "raw-write" => drop(raw_batch_write(&client, &table, &all, 16).await),
                "dynamap-write" => drop(orders.insert_many(&all).await?),
                "raw-read" => drop(raw_batch_get(&client, &table, &keys, 16).await),
                _ => drop(orders.get_many(keys.iter().cloned()).await?),
            }
        }
        return Ok(());
    }
    let (mut writes, mut reads) = (Pairs::default(), Pairs::default());
    for round in 0..rounds {
        // Every other round starts with dynamap, so neither side always goes first.
        let dynamap_first = round % 2 == 1;
        for side in [dynamap_first, !dynamap_first] {
            if side {
                writes.dynamap.push(
                    timed(async { orders.insert_many(&all).await.expect("insert_many").written })
                        .await,
                );
            } else {
                writes
                    .raw
                    .push(timed(raw_batch_write(&client, &table, &all, 16)).await);
            }
        }
        for side in [dynamap_first, !dynamap_first] {
            if side {
                reads.dynamap.push(
                    timed(async {
                        let found = orders.get_many(keys.iter().cloned()).await;
                        found.expect("get_many").len() as u64
                    })
                    .await,
                );
            } else {
                reads.raw.push(
                    timed(async { raw_batch_get(&client, &table, &keys, 16).await.len() as u64 })
                        .await,
                );
            }
        }
        eprintln!(
            "round {round}: write CPU {:.1} vs {:.1} µs/item, read CPU {:.1} vs {:.1} µs/key",
            writes.dynamap[round].cpu_us_per_item(),
            writes.raw[round].cpu_us_per_item(),
            reads.dynamap[round].cpu_us_per_item(),
            reads.raw[round].cpu_us_per_item(),
        );
    }
    println!("Server: {}; {items} items, {rounds} rounds (medians; ratios are medians of each round's pair)", server.kind);
    println!();
    println!("| workload | raw items/s | dynamap items/s | rate vs raw | raw CPU µs/item | dynamap CPU µs/item | CPU vs raw |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    writes.print(&format!(
        "write {items}: `insert_many(&items)` vs 16 raw BatchWriteItem in flight"
    ));
    reads.print(&format!(
        "read {items} keys: `get_many` vs 16 raw BatchGetItem in flight"
    ));
    orders.delete_table().await?;
    Ok(())
}
