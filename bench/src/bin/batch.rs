//! Batch reads and writes beside the raw-SDK loops, for client CPU per item: many
//! alternating rounds, each pairing a dynamap batch with its raw loop back to back, so
//! a server that speeds up or slows down between rounds moves both sides alike. CPU is
//! read per thread to the nanosecond (`/proc/self/task/*/schedstat`).
//!
//! `cargo run --release -p dynamap-bench --bin batch [-- ITEMS ROUNDS]` (20,000 items,
//! 9 rounds by default), on DynamoDB Local unless `DYNAMAP_SERVER=embedded` (run in a
//! process of its own) or `DYNAMAP_BENCH_ENDPOINT` say otherwise. For a profiler,
//! `BATCH_ONLY=raw-write|dynamap-write|raw-read|dynamap-read` runs one side alone;
//! `RAW_ENCODE=lazy` makes the raw write loop encode each chunk as it sends it;
//! `IN_FLIGHT=N` sets the requests in flight on every side (16 by default);
//! `BATCH_THREADS=1` prints each run's CPU per item by thread name, and its page faults.

use std::time::Instant;

/// Built with `--features mimalloc`, both sides run on mimalloc instead of glibc's
/// allocator (whose fastbin consolidation shows up in the profiles of both).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use dynamap::prelude::*;
use dynamap_bench::measure::{cpu_time_by_thread, cpu_time_precise, median_interval, minor_faults};
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
    /// Each round's dynamap/raw ratio of `f`.
    fn ratios(&self, f: fn(&Run) -> f64) -> Vec<f64> {
        let pairs = self.dynamap.iter().zip(&self.raw);
        pairs.map(|(d, r)| f(d) / f(r)).collect()
    }

    fn print(&self, workload: &str) {
        let med = |runs: &[Run], f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
        let interval = match median_interval(self.ratios(Run::cpu_us_per_item)) {
            Some((low, high)) => format!("{low:.2}–{high:.2}×"),
            None => "(under 6 pairs)".to_owned(),
        };
        println!(
            "| {workload} | {:.0} | {:.0} | **{:.2}×** | {:.1} | {:.1} | **{:.2}×** | {interval} |",
            med(&self.raw, Run::rate),
            med(&self.dynamap, Run::rate),
            median(self.ratios(Run::rate)),
            med(&self.raw, Run::cpu_us_per_item),
            med(&self.dynamap, Run::cpu_us_per_item),
            median(self.ratios(Run::cpu_us_per_item)),
        );
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return dynamap_bench::server::serve_embedded().map_err(|e| e.to_string().into());
    }
    let items: u64 = args.get(1).map_or(Ok(20_000), |a| a.parse())?;
    let rounds: usize = args.get(2).map_or(Ok(9), |a| a.parse())?;
    // Where the batches run: by default on the main thread (`block_on`, as in a
    // `#[tokio::main]` program) with the answers read on the worker threads;
    // `BATCH_RUNTIME=spawned` in a task on a worker, as a service's handler runs;
    // `BATCH_RUNTIME=current` all on one thread.
    let mode = std::env::var("BATCH_RUNTIME").unwrap_or_default();
    let runtime = match mode.as_str() {
        "current" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        _ => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(async {
        if mode == "spawned" {
            tokio::spawn(run(items, rounds)).await?
        } else {
            run(items, rounds).await
        }
    })
}

/// One side of one workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    RawWrite,
    DynamapWrite,
    RawRead,
    DynamapRead,
}

impl Side {
    const ALL: [Side; 4] = [
        Side::RawWrite,
        Side::DynamapWrite,
        Side::RawRead,
        Side::DynamapRead,
    ];

    fn name(self) -> &'static str {
        match self {
            Side::RawWrite => "raw-write",
            Side::DynamapWrite => "dynamap-write",
            Side::RawRead => "raw-read",
            Side::DynamapRead => "dynamap-read",
        }
    }

    fn named(name: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|side| side.name() == name)
    }
}

/// What every run works on: the table, its items and their keys.
struct Fixture {
    client: aws_sdk_dynamodb::Client,
    orders: TypedMapping<Order>,
    table: String,
    all: Vec<Order>,
    keys: Vec<(String, u64)>,
    in_flight: usize,
}

impl Fixture {
    /// Runs `side` once, timed.
    async fn run(&self, side: Side) -> Run {
        // `BATCH_THREADS=1`: where each run's CPU went, thread by thread name.
        let by_thread = std::env::var_os("BATCH_THREADS").map(|_| cpu_time_by_thread());
        let faults = minor_faults();
        let run = self.run_once(side).await;
        if let Some(before) = by_thread {
            let per_item = |cpu: std::time::Duration| cpu.as_secs_f64() * 1e6 / run.items as f64;
            let spent: Vec<String> = cpu_time_by_thread()
                .into_iter()
                .map(|(name, cpu)| {
                    let earlier = before.get(&name).copied().unwrap_or_default();
                    format!("{name} {:.1}", per_item(cpu.saturating_sub(earlier)))
                })
                .collect();
            let faults = (minor_faults() - faults) as f64 / run.items as f64;
            eprintln!(
                "{}: µs/item by thread: {}; page faults/item {faults:.2}",
                side.name(),
                spent.join(", ")
            );
        }
        run
    }

    async fn run_once(&self, side: Side) -> Run {
        let Fixture {
            client,
            orders,
            table,
            all,
            keys,
            in_flight,
        } = self;
        let in_flight = *in_flight;
        match side {
            Side::RawWrite => timed(raw_batch_write(client, table, all, in_flight)).await,
            Side::DynamapWrite => {
                timed(async {
                    let report = orders.insert_many(all).concurrency(in_flight).await;
                    report.expect("insert_many").written
                })
                .await
            }
            Side::RawRead => {
                timed(async { raw_batch_get(client, table, keys, in_flight).await.len() as u64 })
                    .await
            }
            Side::DynamapRead => {
                timed(async {
                    let found = orders
                        // Borrowed, as the raw loop reads its keys from a slice.
                        .get_many(keys.iter())
                        .concurrency(in_flight)
                        .await;
                    found.expect("get_many").len() as u64
                })
                .await
            }
        }
    }
}

async fn run(items: u64, rounds: usize) -> Result<(), BoxError> {
    let server = BenchServer::start(&std::env::current_exe()?).map_err(|e| e.to_string())?;
    eprintln!("{} server at {}", server.kind, server.endpoint);
    if let Ok(pairs) = std::env::var("BATCH_PROCESSES") {
        return processes(&server, items, rounds, pairs.parse()?);
    }
    let client = dynamap::connect().local(server.endpoint.clone()).await?;
    let orders: TypedMapping<Order> = TypedMapping::new(
        client.clone(),
        format!("bench-batch-{}", std::process::id()),
    );
    orders.create_table().await?;
    let table = orders.table_name().to_owned();
    let all: Vec<Order> = (0..items).map(order).collect();
    let keys: Vec<(String, u64)> = all.iter().map(|o| o.key()).collect();
    let fixture = Fixture {
        client,
        orders,
        table,
        all,
        keys,
        // Both sides of both workloads keep the same number of requests in flight
        // (`IN_FLIGHT`, 16 by default: `insert_many`'s default; `get_many`'s is 4).
        in_flight: std::env::var("IN_FLIGHT").map_or(Ok(16), |n| n.parse())?,
    };
    let outcome = match std::env::var("BATCH_ONLY") {
        Ok(only) => {
            let side = Side::named(&only).ok_or("BATCH_ONLY names no side")?;
            only_one_side(&fixture, side, rounds).await
        }
        Err(_) => paired_rounds(&fixture, &server, items, rounds).await,
    };
    fixture.orders.delete_table().await?;
    outcome
}

/// One side alone, after its own warm-up (and, for a read, a raw load of the items):
/// prints its median rate and CPU per item, for a profiler or for `processes`.
async fn only_one_side(fixture: &Fixture, side: Side, rounds: usize) -> Result<(), BoxError> {
    let load = raw_batch_write(
        &fixture.client,
        &fixture.table,
        &fixture.all,
        fixture.in_flight,
    );
    load.await;
    fixture.run(side).await; // warm-up
    let mut runs = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        runs.push(fixture.run(side).await);
    }
    println!(
        "{} {} {}",
        side.name(),
        median(runs.iter().map(Run::rate).collect()),
        median(runs.iter().map(Run::cpu_us_per_item).collect()),
    );
    Ok(())
}

/// One run of each side of both workloads, dynamap's first or second as asked, so
/// neither side always goes first.
async fn one_of_each<F, Fut>(
    writes: &mut Pairs,
    reads: &mut Pairs,
    dynamap_first: bool,
    mut run: F,
) -> Result<(), BoxError>
where
    F: FnMut(Side) -> Fut,
    Fut: std::future::Future<Output = Result<Run, BoxError>>,
{
    for (pairs, raw, dynamap) in [
        (writes, Side::RawWrite, Side::DynamapWrite),
        (reads, Side::RawRead, Side::DynamapRead),
    ] {
        for dynamap_now in [dynamap_first, !dynamap_first] {
            if dynamap_now {
                pairs.dynamap.push(run(dynamap).await?);
            } else {
                pairs.raw.push(run(raw).await?);
            }
        }
    }
    Ok(())
}

/// The last pair of runs of each workload, as the bench goes.
fn report(label: &str, writes: &Pairs, reads: &Pairs) {
    let last = |runs: &[Run]| runs.last().map_or(0.0, Run::cpu_us_per_item);
    eprintln!(
        "{label}: write CPU {:.1} vs {:.1} µs/item, read CPU {:.1} vs {:.1} µs/key",
        last(&writes.dynamap),
        last(&writes.raw),
        last(&reads.dynamap),
        last(&reads.raw),
    );
}

/// Both sides in one process, paired round by round.
async fn paired_rounds(
    fixture: &Fixture,
    server: &BenchServer,
    items: u64,
    rounds: usize,
) -> Result<(), BoxError> {
    // Warm-up: a server's first writes are slow (DynamoDB Local's JIT).
    fixture.run(Side::DynamapWrite).await;
    fixture.run(Side::RawWrite).await;
    let (mut writes, mut reads) = (Pairs::default(), Pairs::default());
    for round in 0..rounds {
        // Every other round starts with dynamap, so neither side always goes first.
        let dynamap_first = round % 2 == 1;
        let run = |side| async move { Ok(fixture.run(side).await) };
        one_of_each(&mut writes, &mut reads, dynamap_first, run).await?;
        report(&format!("round {round}"), &writes, &reads);
    }
    let how = "rounds (medians; ratios are medians of each round's pair)";
    print_table(
        &server.kind,
        items,
        rounds,
        how,
        fixture.in_flight,
        &writes,
        &reads,
    );
    Ok(())
}

/// Each side in processes of its own, `pairs` of them per workload, alternating which
/// goes first: neither side runs on a heap the other shaped (one process per run).
fn processes(
    server: &BenchServer,
    items: u64,
    rounds: usize,
    pairs: usize,
) -> Result<(), BoxError> {
    let exe = std::env::current_exe()?;
    let in_flight: usize = std::env::var("IN_FLIGHT").map_or(Ok(16), |n| n.parse())?;
    let child = |side: Side| -> Result<Run, BoxError> {
        let out = std::process::Command::new(&exe)
            .args([items.to_string(), rounds.to_string()])
            .env("BATCH_ONLY", side.name())
            .env("DYNAMAP_BENCH_ENDPOINT", &server.endpoint)
            .env("IN_FLIGHT", in_flight.to_string())
            .env_remove("BATCH_PROCESSES")
            .stderr(std::process::Stdio::null())
            .output()?;
        let text = String::from_utf8(out.stdout)?;
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [_, rate, cpu] = fields[..] else {
            return Err(format!("{}: unexpected output {text:?}", side.name()).into());
        };
        let (rate, cpu): (f64, f64) = (rate.parse()?, cpu.parse()?);
        // Back to a run of `items`: the same rate and CPU per item.
        let seconds = items as f64 / rate;
        Ok(Run {
            items,
            seconds,
            cpu: cpu * items as f64 / 1e6,
        })
    };
    let (mut writes, mut reads) = (Pairs::default(), Pairs::default());
    for pair in 0..pairs {
        let dynamap_first = pair % 2 == 1;
        let run = |side| std::future::ready(child(side));
        futures::executor::block_on(one_of_each(&mut writes, &mut reads, dynamap_first, run))?;
        report(&format!("pair {pair}"), &writes, &reads);
    }
    let how = format!(
        "processes a side, {pairs} pairs (each process: the median of {rounds} runs; ratios are medians of each pair's)"
    );
    print_table(&server.kind, items, pairs, &how, in_flight, &writes, &reads);
    Ok(())
}

fn print_table(
    server: &str,
    items: u64,
    count: usize,
    how: &str,
    in_flight: usize,
    writes: &Pairs,
    reads: &Pairs,
) {
    println!("Server: {server}; {items} items, {count} {how}");
    println!();
    println!("| workload | raw items/s | dynamap items/s | rate vs raw | raw CPU µs/item | dynamap CPU µs/item | CPU vs raw | CPU ratio, 95% interval |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    writes.print(&format!(
        "write {items}: `insert_many(&items)` vs raw BatchWriteItem, {in_flight} in flight"
    ));
    reads.print(&format!(
        "read {items} keys: `get_many` vs raw BatchGetItem, {in_flight} in flight"
    ));
}
