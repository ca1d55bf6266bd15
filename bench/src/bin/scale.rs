//! dynamap at a million items: `insert_stream` of N items from a generator, a full
//! `values()` scan of them, and a streamed `get_many` of up to 100,000 keys, each in a
//! fresh process so its peak RSS is its own. Run at 10,000 items and at N; prints a
//! Markdown table (throughput per tenth of the run, peak RSS of each) and draws
//! throughput and RSS against items into an SVG.
//!
//! `cargo run --release -p dynamap-bench --bin scale [-- N [out.svg]]` (N = 1,000,000
//! and `bench/scale.svg` by default) on DynamoDB Local (`DYNAMAP_SERVER=embedded` runs
//! the embedded server in a child process of its own; `DYNAMAP_BENCH_ENDPOINT` uses a
//! running server).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use dynamap::prelude::*;
use dynamap_bench::measure::{cpu_time, memory_kib};
use dynamap_bench::models::{order, Order};
use dynamap_bench::plot::{draw, Series};
use dynamap_bench::server::BenchServer;
use futures::{stream, TryStreamExt};

/// Keys read by the `get_many` phase, at most.
const GET_KEYS: u64 = 100_000;

/// One point of a phase: items done, seconds since it began, resident KiB then.
#[derive(Debug, Clone, Copy)]
struct Point {
    items: u64,
    seconds: f64,
    rss_kib: u64,
    /// This process's CPU seconds so far.
    cpu: f64,
}

/// A phase's figures, as its child process printed them.
struct Phase {
    points: Vec<Point>,
    peak_kib: u64,
    start_kib: u64,
}

impl Phase {
    fn items(&self) -> u64 {
        self.points.last().map_or(0, |p| p.items)
    }

    fn rate(&self) -> f64 {
        let last = self.points.last().map_or(1e-9, |p| p.seconds);
        self.items() as f64 / last.max(1e-9)
    }

    /// Items per second between consecutive points.
    fn rates(&self) -> Vec<(u64, f64)> {
        let mut previous = Point {
            items: 0,
            seconds: 0.0,
            rss_kib: 0,
            cpu: 0.0,
        };
        self.points
            .iter()
            .map(|p| {
                let rate =
                    (p.items - previous.items) as f64 / (p.seconds - previous.seconds).max(1e-9);
                previous = *p;
                (p.items, rate)
            })
            .collect()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.get(1).map(String::as_str) {
        Some("phase") => runtime.block_on(phase_child(&args[2..])),
        Some("serve") => dynamap_bench::server::serve_embedded(),
        _ => runtime.block_on(run(&args)),
    }
}

/// Runs one phase on `n` items of `table` and prints `items seconds rss` lines, then
/// `peak start`.
async fn phase_child(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [phase, endpoint, table, n] = args else {
        return Err("phase NAME ENDPOINT TABLE N".into());
    };
    let n: u64 = n.parse()?;
    let client = dynamap::connect().local(endpoint.clone()).await?;
    let orders: TypedMapping<Order> = TypedMapping::new(client, table.clone());
    let start_kib = memory_kib("VmRSS");
    let every = (n / 10).max(1);
    let (t0, cpu0) = (Instant::now(), cpu_time());
    let points = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let points = points.clone();
        move |items: u64| {
            let point = Point {
                items,
                seconds: t0.elapsed().as_secs_f64(),
                rss_kib: memory_kib("VmRSS"),
                cpu: cpu_time().saturating_sub(cpu0).as_secs_f64(),
            };
            eprintln!(
                "{} items, {:.1} s, {} KiB",
                point.items, point.seconds, point.rss_kib
            );
            points.lock().map(|mut p| p.push(point)).ok();
        }
    };
    match phase.as_str() {
        "insert" => {
            let next_mark = Mutex::new(every);
            let report = orders
                .insert_stream(stream::iter((0..n).map(order)))
                .concurrency(16)
                .on_progress(move |p| {
                    let Ok(mut mark) = next_mark.lock() else {
                        return;
                    };
                    if p.done >= *mark {
                        record(p.done);
                        *mark += every;
                    }
                })
                .await?;
            assert_eq!(report.written, n);
        }
        "scan" => assert_eq!(drain(orders.values(), every, &record).await?, n),
        "get" => {
            let keys = (0..n).map(|i| order(i).key());
            let found = orders.get_many(keys).concurrency(4).stream();
            assert_eq!(drain(found, every, &record).await?, n);
        }
        other => return Err(format!("no phase {other}").into()),
    }
    for p in points.lock().map_err(|_| "poisoned")?.iter() {
        println!("{} {:.3} {} {:.3}", p.items, p.seconds, p.rss_kib, p.cpu);
    }
    println!("{} {start_kib}", memory_kib("VmHWM"));
    Ok(())
}

/// Reads a stream to its end, recording a point every `every` items; how many.
async fn drain(
    mut items: impl futures::Stream<Item = dynamap::Result<Order>> + Unpin,
    every: u64,
    record: &impl Fn(u64),
) -> dynamap::Result<u64> {
    let mut seen = 0u64;
    while let Some(order) = items.try_next().await? {
        std::hint::black_box(order);
        seen += 1;
        if seen.is_multiple_of(every) {
            record(seen);
        }
    }
    Ok(seen)
}

fn run_phase(
    phase: &str,
    endpoint: &str,
    table: &str,
    n: u64,
) -> Result<Phase, Box<dyn std::error::Error>> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["phase", phase, endpoint, table, &n.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "phase {phase} of {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let (last, points) = lines.split_last().ok_or("no output")?;
    let points = points
        .iter()
        .filter_map(|f| match f.as_slice() {
            [items, seconds, rss, cpu] => Some(Point {
                items: items.parse().ok()?,
                seconds: seconds.parse().ok()?,
                rss_kib: rss.parse().ok()?,
                cpu: cpu.parse().ok()?,
            }),
            _ => None,
        })
        .collect();
    let [peak, start] = last.as_slice() else {
        return Err("no peak line".into());
    };
    Ok(Phase {
        points,
        peak_kib: peak.parse()?,
        start_kib: start.parse()?,
    })
}

async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = args.get(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let svg = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "bench/scale.svg".to_owned());
    let server = BenchServer::start(&std::env::current_exe()?)?;
    let (endpoint, kind) = (server.endpoint.clone(), server.kind.clone());
    eprintln!("{kind} server at {endpoint}");
    let client = dynamap::connect().local(endpoint.clone()).await?;

    let mut runs = Vec::new();
    for size in [10_000, n] {
        let orders: TypedMapping<Order> = TypedMapping::new(
            client.clone(),
            format!("bench-scale-{size}-{}", std::process::id()),
        );
        orders.create_table().await?;
        let table = orders.table_name().to_owned();
        let insert = run_phase("insert", &endpoint, &table, size)?;
        eprintln!(
            "{size}: insert {:.0} items/s, peak {} KiB",
            insert.rate(),
            insert.peak_kib
        );
        let scan = run_phase("scan", &endpoint, &table, size)?;
        eprintln!(
            "{size}: scan {:.0} items/s, peak {} KiB",
            scan.rate(),
            scan.peak_kib
        );
        let get = run_phase("get", &endpoint, &table, size.min(GET_KEYS))?;
        eprintln!(
            "{size}: get_many {:.0} items/s, peak {} KiB",
            get.rate(),
            get.peak_kib
        );
        orders.delete_table().await?;
        runs.push((size, insert, scan, get));
    }
    drop(server);

    println!("Server: {kind}\n");
    println!("| phase | items | items/s (whole run) | peak RSS (MiB) | RSS at start (MiB) | peak vs 10,000 items |");
    println!("|---|---:|---:|---:|---:|---:|");
    let small = &runs[0];
    for (size, insert, scan, get) in &runs {
        for (name, phase, base) in [
            ("`insert_stream`", insert, &small.1),
            ("`values()` scan", scan, &small.2),
            ("`get_many(..).stream()`", get, &small.3),
        ] {
            println!(
                "| {name} | {} | {:.0} | {:.1} | {:.1} | {:.2}× |",
                phase.items(),
                phase.rate(),
                phase.peak_kib as f64 / 1024.0,
                phase.start_kib as f64 / 1024.0,
                phase.peak_kib as f64 / base.peak_kib.max(1) as f64,
            );
            let _ = size;
        }
    }
    let (_, big_insert, big_scan, _) = &runs[1];
    println!("\nEach tenth of the {n}-item run: items/s, resident MiB, client CPU µs per item:\n");
    println!("| items done | `insert_stream` items/s | RSS | CPU µs/item | `values()` items/s | RSS | CPU µs/item |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let tenths = |phase: &Phase| -> Vec<(u64, f64, f64, f64)> {
        let mut last = (0u64, 0.0f64);
        phase
            .points
            .iter()
            .zip(phase.rates())
            .map(|(p, (_, rate))| {
                let cpu_per_item = (p.cpu - last.1) * 1e6 / (p.items - last.0).max(1) as f64;
                last = (p.items, p.cpu);
                (p.items, rate, p.rss_kib as f64 / 1024.0, cpu_per_item)
            })
            .collect()
    };
    for (w, r) in tenths(big_insert).into_iter().zip(tenths(big_scan)) {
        println!(
            "| {} | {:.0} | {:.1} | {:.1} | {:.0} | {:.1} | {:.1} |",
            w.0, w.1, w.2, w.3, r.1, r.2, r.3
        );
    }

    let series = |phase: &Phase, name: &str| Series {
        name: name.to_owned(),
        rates: phase.rates(),
        rss_mib: phase
            .points
            .iter()
            .map(|p| (p.items, p.rss_kib as f64 / 1024.0))
            .collect(),
    };
    draw(
        &svg,
        &format!("dynamap, {n} items ({kind})"),
        &[
            series(big_insert, "insert_stream"),
            series(big_scan, "values() scan"),
        ],
    )?;
    eprintln!("drew {svg}");
    Ok(())
}
