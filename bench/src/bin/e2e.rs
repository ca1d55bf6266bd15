//! End-to-end benchmarks against DynamoDB Local: each dynamap operation beside its
//! baselines (the raw SDK with hand-written conversion, serde_dynamo), measured in the
//! same run, alternating (each round starting with another contender), median of five. Prints a Markdown table of ops/s, client CPU
//! per operation, and the ratio to the raw SDK.
//!
//! `cargo run --release -p dynamap-bench --bin e2e [-- --quick] [-- --python]`
//! on DynamoDB Local by default; `DYNAMAP_SERVER=embedded` for the embedded server
//! (rows are labelled by server); `DYNAMAP_BENCH_ENDPOINT` to use a running server.
//! `... --bin e2e -- startup` times each server's start to its first answer.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use dynamap::local::{DynamoDbLocal, EmbeddedServer, LocalServer, ServerKind};
use dynamap::prelude::*;
use dynamap_bench::hand_written::{order_from_item, order_to_item};
use dynamap_bench::measure::{median, timed, Run};
use dynamap_bench::models::{order, Order};
use dynamap_bench::raw_batch::{raw_batch_get, raw_batch_write};
use futures::{stream, StreamExt, TryStreamExt};

/// Runs per contender; the median is reported. DynamoDB Local shares the machine with
/// the client, so single runs vary by 10% and more.
const ROUNDS: usize = 5;

struct Row {
    workload: String,
    contender: String,
    run: Run,
    baseline: Option<Run>,
}

struct Report {
    rows: Vec<Row>,
}

impl Report {
    fn add(&mut self, workload: &str, contender: &str, run: Run, baseline: Option<Run>) {
        eprintln!(
            "{workload:<40} {contender:<34} {:>10.0} ops/s {:>8.1} µs CPU/op",
            run.ops_per_second(),
            run.cpu_us_per_op()
        );
        self.rows.push(Row {
            workload: workload.to_owned(),
            contender: contender.to_owned(),
            run,
            baseline,
        });
    }

    /// Adds a workload's results; the first contender is the baseline of the others.
    fn add_all(&mut self, workload: &str, results: &[(&str, Run)]) {
        let Some(&(_, base)) = results.first() else {
            return;
        };
        for (i, (name, run)) in results.iter().enumerate() {
            self.add(workload, name, *run, (i > 0).then_some(base));
        }
    }

    fn print(&self) {
        println!("| workload | contender | ops/s | client CPU µs/op | rate vs baseline | CPU vs baseline |");
        println!("|---|---|---:|---:|---:|---:|");
        for row in &self.rows {
            let (rate, cpu) = match row.baseline {
                Some(b) => (
                    format!("{:.2}×", row.run.ops_per_second() / b.ops_per_second()),
                    row.run.cpu_ratio(&b),
                ),
                None => ("baseline".to_owned(), "baseline".to_owned()),
            };
            println!(
                "| {} | {} | {:.0} | {:.1} | {rate} | {cpu} |",
                row.workload,
                row.contender,
                row.run.ops_per_second(),
                row.run.cpu_us_per_op()
            );
        }
    }
}

async fn raw_put(client: &Client, table: &str, o: &Order) {
    client
        .put_item()
        .table_name(table)
        .set_item(Some(order_to_item(o)))
        .send()
        .await
        .expect("put");
}

async fn raw_get(client: &Client, table: &str, key: &(String, u64)) -> Option<Order> {
    let item = client
        .get_item()
        .table_name(table)
        .key("customer", AttributeValue::S(key.0.clone()))
        .key("order_id", AttributeValue::N(key.1.to_string()))
        .send()
        .await
        .expect("get")
        .item?;
    Some(order_from_item(item).expect("decode"))
}

async fn raw_scan(client: &Client, table: &str, segments: i32) -> u64 {
    let counts = stream::iter(0..segments)
        .map(|segment| async move {
            let mut start = None;
            let mut n = 0u64;
            loop {
                let mut request = client
                    .scan()
                    .table_name(table)
                    .set_exclusive_start_key(start);
                if segments > 1 {
                    request = request.segment(segment).total_segments(segments);
                }
                let page = request.send().await.expect("scan");
                for item in page.items.unwrap_or_default() {
                    std::hint::black_box(order_from_item(item).expect("decode"));
                    n += 1;
                }
                match page.last_evaluated_key {
                    Some(key) if !key.is_empty() => start = Some(key),
                    _ => return n,
                }
            }
        })
        .buffer_unordered(segments as usize)
        .collect::<Vec<u64>>()
        .await;
    counts.into_iter().sum()
}

/// The hand-written count of the orders over `min_total`: a paginated `Select=COUNT`
/// Scan with a filter.
async fn raw_count(client: &Client, table: &str, min_total: i64) -> u64 {
    let mut start = None;
    let mut n = 0u64;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .select(aws_sdk_dynamodb::types::Select::Count)
            .filter_expression("#t > :v")
            .expression_attribute_names("#t", "total_cents")
            .expression_attribute_values(":v", AttributeValue::N(min_total.to_string()))
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("count");
        n += u64::try_from(page.count).unwrap_or(0);
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => return n,
        }
    }
}

/// A workload to time: it reports how many operations it did.
type Contender<'a> = Box<dyn Fn() -> futures::future::BoxFuture<'a, u64> + 'a>;

/// Runs each contender `rounds` times, alternating, and returns their median runs.
async fn compare<'a>(
    rounds: usize,
    contenders: Vec<(&'a str, Contender<'a>)>,
) -> Vec<(&'a str, Run)> {
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        // Each round starts with another contender, so none always runs first.
        for offset in 0..contenders.len() {
            let i = (round + offset) % contenders.len();
            runs[i].push(timed(&contenders[i].1).await);
        }
    }
    contenders
        .iter()
        .map(|(name, _)| *name)
        .zip(runs.into_iter().map(median))
        .collect()
}

fn boxed<'a, F: std::future::Future<Output = u64> + Send + 'a>(
    f: F,
) -> futures::future::BoxFuture<'a, u64> {
    Box::pin(f)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("startup") {
        return tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(startup_report());
    }
    if args.get(1).map(String::as_str) == Some("changes") {
        return tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(changes_report(args.iter().any(|a| a == "--quick")));
    }
    if args.get(1).map(String::as_str) == Some("memory") {
        // One thread, so the figures are not blurred by per-thread allocator arenas.
        return tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(memory_child(&args));
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

async fn run(args: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let quick = args.iter().any(|a| a == "--quick");
    let python = args.iter().any(|a| a == "--python");
    let scale = if quick { 10 } else { 1 };
    let server = match std::env::var("DYNAMAP_BENCH_ENDPOINT") {
        Ok(endpoint) => LocalServer::External(endpoint),
        // The reference server unless asked otherwise: the published figures are its.
        Err(_) => match std::env::var("DYNAMAP_SERVER").as_deref() {
            Ok("embedded") => LocalServer::Embedded(EmbeddedServer::start()?),
            _ => LocalServer::DynamoDbLocal(DynamoDbLocal::builder().max_heap("2g").start()?),
        },
    };
    let endpoint = server.endpoint().to_owned();
    eprintln!("{} server at {endpoint}", server.kind());
    println!("Server: {}", server.kind());
    let client = dynamap::connect().local(endpoint.clone()).await?;
    let orders: TypedMapping<Order> = TypedMapping::new(
        client.clone(),
        format!("bench-orders-{}", std::process::id()),
    );
    orders.create_table().await?;
    let table = orders.table_name().to_owned();
    let mut report = Report { rows: Vec::new() };

    // Warm-up: the server's first writes are slow (JIT); see DYNAMODB_LOCAL.md.
    let warm: Vec<Order> = (0..2_000).map(|i| order(10_000_000 + i)).collect();
    orders.insert_many(warm).await?;
    for i in 0..500 {
        raw_put(&client, &table, &order(20_000_000 + i)).await;
    }

    // Sequential put and get.
    let n = 2_000 / scale;
    let items: Vec<Order> = (0..n).map(order).collect();
    let keys: Vec<(String, u64)> = items.iter().map(|o| o.key()).collect();
    let results = compare(
        ROUNDS,
        vec![
            (
                "raw SDK + hand-written",
                Box::new(|| {
                    boxed(async {
                        for o in &items {
                            raw_put(&client, &table, o).await;
                        }
                        n
                    })
                }),
            ),
            (
                "serde_dynamo",
                Box::new(|| {
                    boxed(async {
                        for o in &items {
                            let item =
                                serde_dynamo::aws_sdk_dynamodb_1::to_item(o).expect("to_item");
                            client
                                .put_item()
                                .table_name(&table)
                                .set_item(Some(item))
                                .send()
                                .await
                                .expect("put");
                        }
                        n
                    })
                }),
            ),
            (
                "dynamap insert",
                Box::new(|| {
                    boxed(async {
                        for o in &items {
                            orders.insert(o).await.expect("insert");
                        }
                        n
                    })
                }),
            ),
        ],
    )
    .await;
    report.add_all("PutItem sequential", &results);
    // serde_dynamo stores a HashSet as a list (L), not a set (SS): put the canonical
    // form back so every reader below reads the same items.
    for o in &items {
        raw_put(&client, &table, o).await;
    }
    let results = compare(
        ROUNDS,
        vec![
            (
                "raw SDK + hand-written",
                Box::new(|| {
                    boxed(async {
                        for k in &keys {
                            std::hint::black_box(raw_get(&client, &table, k).await);
                        }
                        n
                    })
                }),
            ),
            (
                "serde_dynamo",
                Box::new(|| {
                    boxed(async {
                        for k in &keys {
                            let item = client
                                .get_item()
                                .table_name(&table)
                                .key("customer", AttributeValue::S(k.0.clone()))
                                .key("order_id", AttributeValue::N(k.1.to_string()))
                                .send()
                                .await
                                .expect("get")
                                .item
                                .expect("found");
                            std::hint::black_box(
                                serde_dynamo::aws_sdk_dynamodb_1::from_item::<Order>(item)
                                    .expect("decode"),
                            );
                        }
                        n
                    })
                }),
            ),
            (
                "dynamap get",
                Box::new(|| {
                    boxed(async {
                        for k in &keys {
                            std::hint::black_box(orders.get(k).await.expect("get"));
                        }
                        n
                    })
                }),
            ),
        ],
    )
    .await;
    report.add_all("GetItem sequential", &results);

    // Bulk load: 20,000 items.
    let bulk_n = 20_000 / scale;
    let bulk: Vec<Order> = (1_000_000..1_000_000 + bulk_n).map(order).collect();
    let sequential_sample = &bulk[..(2_000 / scale) as usize];
    let results = compare(
        ROUNDS,
        vec![
            (
                "raw BatchWriteItem, 16 in flight",
                Box::new(|| boxed(raw_batch_write(&client, &table, &bulk, 16))),
            ),
            (
                "raw BatchWriteItem, 1 in flight",
                Box::new(|| boxed(raw_batch_write(&client, &table, &bulk, 1))),
            ),
            (
                "dynamap insert loop (sequential)",
                Box::new(|| {
                    boxed(async {
                        for o in sequential_sample {
                            orders.insert(o).await.expect("insert");
                        }
                        sequential_sample.len() as u64
                    })
                }),
            ),
            (
                "dynamap insert_many",
                Box::new(|| {
                    boxed(async {
                        orders
                            .insert_many(&bulk)
                            .await
                            .expect("insert_many")
                            .written
                    })
                }),
            ),
        ],
    )
    .await;
    report.add_all(&format!("bulk load of {bulk_n} items"), &results);

    // Bulk read: 5,000 keys.
    let read_keys: Vec<(String, u64)> = bulk
        .iter()
        .take((5_000 / scale) as usize)
        .map(|o| o.key())
        .collect();
    let sample_keys = &read_keys[..(1_000 / scale) as usize];
    let results = compare(
        ROUNDS,
        vec![
            (
                "raw BatchGetItem, 4 in flight",
                Box::new(|| {
                    boxed(async {
                        raw_batch_get(&client, &table, &read_keys, 4).await.len() as u64
                    })
                }),
            ),
            (
                "dynamap get loop (sequential)",
                Box::new(|| {
                    boxed(async {
                        for k in sample_keys {
                            std::hint::black_box(orders.get(k).await.expect("get"));
                        }
                        sample_keys.len() as u64
                    })
                }),
            ),
            (
                "dynamap get_many",
                Box::new(|| {
                    boxed(async {
                        orders.get_many(&read_keys).await.expect("get_many").len() as u64
                    })
                }),
            ),
        ],
    )
    .await;
    report.add_all(&format!("read {} keys", read_keys.len()), &results);

    // Full scans of everything stored (~the bulk load plus the rest).
    let total = orders.count().await?;
    let results = compare(
        ROUNDS,
        vec![
            (
                "raw Scan pagination + hand-written",
                Box::new(|| boxed(raw_scan(&client, &table, 1))),
            ),
            (
                "dynamap values()",
                Box::new(|| {
                    boxed(async {
                        orders
                            .values()
                            .try_fold(0u64, |n, o| {
                                std::hint::black_box(o);
                                async move { Ok(n + 1) }
                            })
                            .await
                            .expect("scan")
                    })
                }),
            ),
            (
                "raw Scan, 4 segments",
                Box::new(|| boxed(raw_scan(&client, &table, 4))),
            ),
            (
                "dynamap scan().segments(4)",
                Box::new(|| {
                    boxed(async {
                        orders
                            .scan()
                            .segments(4)
                            .stream()
                            .try_fold(0u64, |n, o| {
                                std::hint::black_box(o);
                                async move { Ok(n + 1) }
                            })
                            .await
                            .expect("scan")
                    })
                }),
            ),
        ],
    )
    .await;
    report.add_all(&format!("full scan of {total} items"), &results);

    // A count with a filter: the same Select=COUNT pages, each counted once; ten
    // counts a run, so the CPU of a run is many ticks.
    const COUNTS: u64 = 10;
    let min_total = 12_345 + 1_000;
    let expected = raw_count(&client, &table, min_total).await;
    let f = Order::fields();
    let counted = orders
        .scan()
        .filter(f.total_cents.gt(min_total))
        .count()
        .await?;
    assert_eq!(counted, expected, "the same count");
    let results = compare(
        ROUNDS,
        vec![
            (
                "raw Scan Select=COUNT + filter",
                Box::new(|| {
                    boxed(async {
                        for _ in 0..COUNTS {
                            std::hint::black_box(raw_count(&client, &table, min_total).await);
                        }
                        COUNTS
                    })
                }),
            ),
            (
                "dynamap scan().filter(..).count()",
                Box::new(|| {
                    boxed(async {
                        for _ in 0..COUNTS {
                            let scan = orders.scan().filter(f.total_cents.gt(min_total));
                            std::hint::black_box(scan.count().await.expect("count"));
                        }
                        COUNTS
                    })
                }),
            ),
        ],
    )
    .await;
    report.add_all(&format!("count of {total} items with a filter"), &results);

    // Last: once a subscriber has been set anywhere, every span in the process (the
    // SDK's too) asks for the current one, so no earlier row pays for this one.
    let results = compare(
        ROUNDS,
        vec![
            (
                "dynamap get, no subscriber",
                Box::new(|| {
                    boxed(async {
                        for k in &keys {
                            std::hint::black_box(orders.get(k).await.expect("get"));
                        }
                        n
                    })
                }),
            ),
            (
                "dynamap get, spans recorded",
                Box::new(|| {
                    // A subscriber that records every span (and prints nothing): what
                    // tracing costs when it is on.
                    use tracing::instrument::WithSubscriber;
                    boxed(
                        async {
                            for k in &keys {
                                std::hint::black_box(orders.get(k).await.expect("get"));
                            }
                            n
                        }
                        .with_subscriber(tracing_subscriber::registry()),
                    )
                }),
            ),
        ],
    )
    .await;
    report.add_all("GetItem sequential, tracing on", &results);
    orders.delete_table().await?;

    println!();
    report.print();
    memory_report(&endpoint, quick).await?;
    if python {
        python_report(&endpoint, quick)?;
    }
    Ok(())
}

#[derive(DynamoItem, Debug, Clone)]
struct Blob {
    #[dynamo(partition_key)]
    id: u32,
    payload: String,
}

/// Streams (or collects) a table of ~1 KB items in a fresh process, so each figure is
/// that process's own peak.
async fn memory_child(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let mode = args.get(2).cloned().unwrap_or_default();
    let endpoint = args.get(3).cloned().unwrap_or_default();
    let table = args.get(4).cloned().unwrap_or_default();
    let client = dynamap::connect().local(endpoint).await?;
    let blobs: TypedMapping<Blob> = TypedMapping::new(client, table);
    let before = dynamap_bench::measure::memory_kib("VmRSS");
    let count = match mode.as_str() {
        "stream" => {
            blobs
                .values()
                .try_fold(0u64, |n, b| {
                    std::hint::black_box(b);
                    async move { Ok(n + 1) }
                })
                .await?
        }
        // The unit: holding one whole page (DynamoDB's 1 MB) at once.
        "one-page" => {
            let page = blobs
                .pages()
                .try_next()
                .await?
                .map(|p| p.into_items())
                .unwrap_or_default();
            std::hint::black_box(&page);
            page.len() as u64
        }
        _ => blobs.values().try_collect::<Vec<Blob>>().await?.len() as u64,
    };
    let peak = dynamap_bench::measure::memory_kib("VmHWM");
    println!("{count} {before} {peak}");
    Ok(())
}

async fn memory_report(endpoint: &str, quick: bool) -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = if quick { 5_000 } else { 50_000 };
    let client = dynamap::connect().local(endpoint.to_owned()).await?;
    let blobs: TypedMapping<Blob> =
        TypedMapping::new(client, format!("bench-blobs-{}", std::process::id()));
    blobs.create_table().await?;
    let payload = "x".repeat(1000);
    blobs
        .insert_many((0..n).map(|id| Blob {
            id,
            payload: payload.clone(),
        }))
        .await?;
    let exe = std::env::current_exe()?;
    let mut figures: HashMap<&str, Vec<u64>> = HashMap::new();
    for mode in ["one-page", "stream", "collect"] {
        let out = std::process::Command::new(&exe)
            .args(["memory", mode, endpoint, blobs.table_name()])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        figures.insert(
            mode,
            text.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect(),
        );
    }
    blobs.delete_table().await?;
    let grown = |mode: &str| -> Option<(u64, u64, u64, u64)> {
        match figures.get(mode).map(Vec::as_slice) {
            Some([count, before, peak]) => {
                Some((*count, *before, *peak, peak.saturating_sub(*before)))
            }
            _ => None,
        }
    };
    let unit = grown("one-page").map_or(1, |(_, _, _, g)| g.max(1));
    println!();
    println!("| {n} items of ~1 KB, one process each | items | RSS before (KiB) | peak RSS (KiB) | peak − before (KiB) | vs holding one page |");
    println!("|---|---:|---:|---:|---:|---:|");
    for mode in ["one-page", "stream", "collect"] {
        if let Some((count, before, peak, g)) = grown(mode) {
            println!(
                "| {mode} | {count} | {before} | {peak} | {g} | {:.2}× |",
                g as f64 / unit as f64
            );
        }
    }
    Ok(())
}

fn python_report(endpoint: &str, quick: bool) -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = std::process::Command::new(root.join("scripts/bench-python"))
        .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        .env("BENCH_QUICK", if quick { "1" } else { "0" })
        .status()?;
    if !status.success() {
        eprintln!("scripts/bench-python failed: {status}");
    }
    Ok(())
}

/// Time from asking for a server to its first answered request (ListTables), for each
/// kind of server, median of five starts.
async fn startup_report() -> Result<(), Box<dyn std::error::Error>> {
    println!("| server | start to first answer (median of 5) | vs DynamoDB Local |");
    println!("|---|---:|---:|");
    let mut medians = Vec::new();
    for kind in [ServerKind::DynamoDbLocal, ServerKind::Embedded] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = std::time::Instant::now();
            let server = LocalServer::start(kind)?;
            let client = server.client().await?;
            client.list_tables().send().await?;
            times.push(started.elapsed().as_secs_f64());
            drop(server);
        }
        times.sort_by(f64::total_cmp);
        medians.push((kind, times[times.len() / 2]));
    }
    let reference = medians[0].1;
    for (kind, median) in medians {
        println!(
            "| {kind} | {:.1} ms | {:.3}× |",
            median * 1000.0,
            median / reference
        );
    }
    Ok(())
}

/// Whether a change feed keeps up with the server's write rate: `insert_many` of N items
/// alone, then N more written while a feed consumes them (the rate is N over the time
/// from the first write to the last change read), median of three runs each.
async fn changes_report(quick: bool) -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = match std::env::var("DYNAMAP_BENCH_CHANGES") {
        Ok(n) => n.parse()?,
        Err(_) if quick => 2_000,
        Err(_) => 10_000,
    };
    let server = match std::env::var("DYNAMAP_SERVER").as_deref() {
        Ok("embedded") => LocalServer::Embedded(EmbeddedServer::start()?),
        _ => LocalServer::DynamoDbLocal(DynamoDbLocal::builder().max_heap("2g").start()?),
    };
    println!("Server: {}", server.kind());
    let client = server.client().await?;
    let mut write_rates = Vec::new();
    let mut feed_rates = Vec::new();
    let mut lags = Vec::new();
    for round in 0..3u64 {
        let orders: TypedMapping<Order> = TypedMapping::new(
            client.clone(),
            format!("bench-changes-{}-{round}", std::process::id()),
        );
        orders
            .create_table()
            .stream(dynamap::schema::StreamView::NewAndOldImages)
            .await?;
        let base = round * 10 * n;
        let first: Vec<Order> = (base..base + n).map(order).collect();
        let started = std::time::Instant::now();
        orders.insert_many(first).await?;
        write_rates.push(n as f64 / started.elapsed().as_secs_f64());

        // The feed starts after the first load: it must read those changes too, then
        // keep up with the second load as it is written.
        let consumer = {
            let orders = orders.clone();
            tokio::spawn(async move {
                let mut feed = orders
                    .changes()
                    .poll_interval(std::time::Duration::from_millis(20))
                    .stream();
                let mut seen = 0u64;
                while seen < 2 * n {
                    match feed.next().await {
                        Some(Ok(_)) => {
                            seen += 1;
                            if seen.is_multiple_of(2_000) {
                                eprintln!("change feed: {seen} of {}", 2 * n);
                            }
                        }
                        Some(Err(e)) => panic!("change feed: {e}"),
                        None => break,
                    }
                }
                (seen, std::time::Instant::now())
            })
        };
        let started = std::time::Instant::now();
        let second: Vec<Order> = (base + n..base + 2 * n).map(order).collect();
        orders.insert_many(second).await?;
        let written = std::time::Instant::now();
        let (seen, done) = consumer.await?;
        assert_eq!(seen, 2 * n, "every change read");
        feed_rates.push(2.0 * n as f64 / done.duration_since(started).as_secs_f64());
        lags.push(done.saturating_duration_since(written).as_secs_f64());
        orders.delete_table().await?;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (write, feed, lag) = (median(write_rates), median(feed_rates), median(lags));
    println!("| workload | items/s (median of 3) | vs insert_many |");
    println!("|---|---:|---:|");
    println!("| `insert_many` of {n} orders | {write:.0} | 1.00× |");
    println!(
        "| change feed reading {} changes while {n} of them are written | {feed:.0} | {:.2}× |",
        2 * n,
        feed / write
    );
    println!(
        "| the last change read after the last write | {:.0} ms | |",
        lag * 1000.0
    );
    Ok(())
}
