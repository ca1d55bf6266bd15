//! Lambda cold-start proxies: the release binary size (stripped, as cargo-lambda
//! deploys it) and the time from starting the process to its first answered request,
//! for `cold_dynamap` beside `cold_raw` (the same calls with the raw SDK). Each program
//! is started 31 times, alternating; medians are reported.
//!
//! `cargo build --release -p dynamap-bench --bins && target/release/coldstart` (on
//! DynamoDB Local; `DYNAMAP_SERVER=embedded` or `DYNAMAP_BENCH_ENDPOINT` as for `scale`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dynamap::prelude::*;
use dynamap_bench::server::BenchServer;

const RUNS: usize = 31;

/// The key schema both programs write to.
#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
}

/// One start: time to the first answer, and to exit.
fn start_once(
    exe: &Path,
    endpoint: &str,
    table: &str,
) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let mut child = Command::new(exe)
        .args([endpoint, table])
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut first = None;
    for line in BufReader::new(stdout).lines() {
        if line? == "answered" {
            first = Some(t0.elapsed());
        }
    }
    let status = child.wait()?;
    let total = t0.elapsed();
    match (status.success(), first) {
        (true, Some(first)) => Ok((first, total)),
        _ => Err(format!("{} failed: {status}", exe.display()).into()),
    }
}

fn stripped_size(exe: &Path) -> Result<u64, Box<dyn std::error::Error>> {
    let out = std::env::temp_dir().join(format!("coldstart-stripped-{}", std::process::id()));
    let status = Command::new("strip")
        .arg("-o")
        .arg(&out)
        .arg(exe)
        .status()?;
    if !status.success() {
        return Err("strip failed".into());
    }
    let size = std::fs::metadata(&out)?.len();
    std::fs::remove_file(&out)?;
    Ok(size)
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        return dynamap_bench::server::serve_embedded();
    }
    let exe = std::env::current_exe()?;
    let dir = exe.parent().ok_or("no directory")?;
    let programs: Vec<(&str, PathBuf)> = ["cold_raw", "cold_dynamap"]
        .iter()
        .map(|name| (*name, dir.join(name)))
        .collect();
    for (name, path) in &programs {
        if !path.exists() {
            return Err(format!(
                "{name} is not built: cargo build --release -p dynamap-bench --bins"
            )
            .into());
        }
    }
    let server = BenchServer::start(&exe)?;
    let table = format!("bench-cold-{}", std::process::id());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let orders: TypedMapping<Order> = runtime.block_on(async {
        let client = dynamap::connect().local(server.endpoint.clone()).await?;
        let orders = TypedMapping::new(client, table.clone());
        orders.create_table().await?;
        Ok::<_, dynamap::Error>(orders)
    })?;

    // Warm the server (a JVM's first requests are slow) and the page cache.
    for _ in 0..3 {
        for (_, path) in &programs {
            start_once(path, &server.endpoint, &table)?;
        }
    }
    let mut firsts = vec![Vec::new(), Vec::new()];
    let mut totals = vec![Vec::new(), Vec::new()];
    for round in 0..RUNS {
        for i in 0..programs.len() {
            let i = (i + round) % programs.len(); // alternate who goes first
            let (first, total) = start_once(&programs[i].1, &server.endpoint, &table)?;
            firsts[i].push(first);
            totals[i].push(total);
        }
    }
    runtime.block_on(orders.delete_table())?;

    println!("Server: {}\n", server.kind);
    println!("| program | stripped size (KiB) | first answer (ms, median of {RUNS}) | exit (ms) | size vs raw | first answer vs raw |");
    println!("|---|---:|---:|---:|---:|---:|");
    let sizes: Vec<u64> = programs
        .iter()
        .map(|(_, p)| stripped_size(p))
        .collect::<Result<_, _>>()?;
    let medians: Vec<(Duration, Duration)> = firsts
        .into_iter()
        .zip(totals)
        .map(|(f, t)| (median(f), median(t)))
        .collect();
    for (i, (name, _)) in programs.iter().enumerate() {
        let (first, total) = medians[i];
        let ratio = |a: f64, b: f64| match i {
            0 => "baseline".to_owned(),
            _ => format!("{:.2}×", a / b),
        };
        println!(
            "| `{name}` | {} | {:.1} | {:.1} | {} | {} |",
            sizes[i] / 1024,
            first.as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            ratio(sizes[i] as f64, sizes[0] as f64),
            ratio(first.as_secs_f64(), medians[0].0.as_secs_f64()),
        );
    }
    Ok(())
}
