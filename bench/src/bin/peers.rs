//! dynamap beside the libraries a team would pick instead, on one server in one run:
//! pydynox and boto3 (Python), ElectroDB, dynamodb-toolbox and the AWS SDK for
//! JavaScript v3 (Node). One single-table design for all (users and their orders in one
//! partition, `ORDER#{placedAt}#{orderId}`, a GSI on the status), the same 10-field
//! order, the same rows: put, get, conditional modify of 3 fields, batch write, batch
//! get, full scan, partition query, collection query (the user and their orders).
//!
//! Each library runs in a process of its own (dynamap: this binary with `run-dynamap`)
//! on a table of its own, and reports per row its wall time, its process's CPU time
//! (user + system, every thread) and the machine's busy CPU time; the server's share is
//! the busy time the client did not use. Ratios are to dynamap's row in the same run.
//!
//! `cargo run --release -p dynamap-bench --bin peers [-- --quick]`: installs the peers
//! first (a venv and `npm ci` in `bench/peers`), then runs on DynamoDB Local;
//! `DYNAMAP_SERVER=embedded` runs on the embedded server, in a process of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dynamap::prelude::*;
use dynamap::value::Millis;
use dynamap::{DynamoCollection, DynamoTable, Table};
use dynamap_bench::measure::cpu_time_precise;
use dynamap_bench::server::{serve_embedded, BenchServer};
use futures::TryStreamExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Each library, its language's runner, and how it is named in the report.
const LIBRARIES: [(&str, Runner); 7] = [
    ("dynamap", Runner::Rust),
    ("raw Rust SDK (reads)", Runner::RawRust),
    ("pydynox", Runner::Python),
    ("boto3", Runner::Python),
    ("electrodb", Runner::Node),
    ("dynamodb-toolbox", Runner::Node),
    ("sdk-v3", Runner::Node),
];

#[derive(Clone, Copy)]
enum Runner {
    Rust,
    RawRust,
    Python,
    Node,
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    entity_attribute = "_et",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct Shop;

#[derive(DynamoItem, Debug, Clone)]
#[dynamo(
    table = Shop,
    entity = "User",
    pk = "USER#{user_id}",
    sk = "PROFILE",
    rename_all = "camelCase"
)]
struct User {
    user_id: String,
    name: String,
    email: String,
}

#[derive(DynamoValue, Debug, Clone)]
struct Line {
    sku: String,
    qty: u32,
}

/// The 10-field order every contender writes.
#[derive(DynamoItem, Debug, Clone)]
#[dynamo(
    table = Shop,
    entity = "Order",
    pk = "USER#{user_id}",
    sk = "ORDER#{placed_at}#{order_id}",
    index(Gsi1, pk = "STATUS#{status}", sk = "{placed_at}#{order_id}"),
    rename_all = "camelCase"
)]
struct Order {
    user_id: String,
    order_id: String,
    placed_at: Millis<SystemTime>,
    status: String,
    total: u32,
    currency: String,
    channel: String,
    gift: bool,
    tags: BTreeSet<String>,
    lines: Vec<Line>,
}

#[derive(DynamoCollection, Debug)]
enum Account {
    User(User),
    Order(Order),
}

/// 2024-05-01T00:00:00Z.
const BASE_SECONDS: u64 = 1_714_521_600;

fn order(user_id: &str, n: u32) -> Order {
    Order {
        user_id: user_id.to_owned(),
        order_id: format!("o{n:06}"),
        placed_at: Millis::new(
            UNIX_EPOCH + Duration::from_secs(BASE_SECONDS) + Duration::from_millis(n.into()),
        ),
        status: "open".to_owned(),
        total: 1000 + n,
        currency: "EUR".to_owned(),
        channel: "web".to_owned(),
        gift: n.is_multiple_of(2),
        tags: ["fragile", "priority"].map(String::from).into(),
        lines: (0..3)
            .map(|l| Line {
                sku: format!("SKU-{l}"),
                qty: l + 1,
            })
            .collect(),
    }
}

fn user(user_id: &str) -> User {
    User {
        user_id: user_id.to_owned(),
        name: format!("name of {user_id}"),
        email: format!("{user_id}@example.com"),
    }
}

fn key(o: &Order) -> (String, Millis<SystemTime>, String) {
    (o.user_id.clone(), o.placed_at, o.order_id.clone())
}

/// The machine's busy CPU time so far (all CPUs), from `/proc/stat`.
fn busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: u64 = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .enumerate()
        // user nice system idle iowait irq softirq steal: all but idle and iowait.
        .filter(|(i, _)| *i != 3 && *i != 4)
        .filter_map(|(_, t)| t.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Runs one row and prints it as the other runners do.
async fn row<F: std::future::Future<Output = Result<u64, BoxError>>>(
    name: &str,
    ops: u64,
    body: F,
) -> Result<(), BoxError> {
    let (t0, c0, b0) = (Instant::now(), cpu_time_precise(), busy());
    let count = body.await?;
    let (wall, cpu, b) = (t0.elapsed(), cpu_time_precise() - c0, busy() - b0);
    if count != ops {
        return Err(format!("{name}: {count} items, not {ops}").into());
    }
    println!(
        "{{\"row\": \"{name}\", \"ops\": {ops}, \"wall\": {}, \"cpu\": {}, \"busy\": {}}}",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        b.as_secs_f64()
    );
    Ok(())
}

/// dynamap's side: the rows, in this process.
async fn run_dynamap(endpoint: &str, table: &str, quick: bool) -> Result<(), BoxError> {
    let (n, per_user, batch_get) = if quick {
        (200, 100, 500)
    } else {
        (2000, 1000, 5000)
    };
    let client = dynamap::connect().local(endpoint.to_owned()).await?;
    let shop = Table::<Shop>::new(client, table);
    let (users, orders) = (shop.entity::<User>(), shop.entity::<Order>());
    let single: Vec<Order> = (0..n).map(|i| order("single", i)).collect();
    let people: Vec<User> = (0..20).map(|u| user(&format!("b{u}"))).collect();
    let bulk: Vec<Order> = people
        .iter()
        .flat_map(|u| (0..per_user).map(|i| order(&u.user_id, i)))
        .collect();
    for i in 0..50 {
        orders.insert(&order("warm", i)).await?;
    }
    let f = Order::fields();
    let n64 = u64::from(n);
    row("put", n64, async {
        for o in &single {
            orders.insert(o).await?;
        }
        Ok(n64)
    })
    .await?;
    row("get", n64, async {
        let mut found = 0;
        for o in &single {
            found += u64::from(orders.get(&key(o)).await?.is_some());
        }
        Ok(found)
    })
    .await?;
    row("conditional modify of 3 fields", n64, async {
        for o in &single {
            orders
                .modify(&key(o))
                .set(f.status, "paid".to_owned())
                .set(f.total, o.total + 1)
                .set(f.channel, "app".to_owned())
                .when(f.status.eq("open"))
                .await?;
        }
        Ok(n64)
    })
    .await?;
    let written = bulk.len() as u64 + 20;
    row(&format!("batch write of {written}"), written, async {
        let people = users.insert_many(&people).await?.written;
        Ok(people + orders.insert_many(&bulk).await?.written)
    })
    .await?;
    let keys: Vec<_> = bulk.iter().take(batch_get).map(key).collect();
    row(
        &format!("batch get of {batch_get}"),
        batch_get as u64,
        async { Ok(orders.get_many(keys.iter()).await?.len() as u64) },
    )
    .await?;
    let reads = Reads::new(n64 + 50 + bulk.len() as u64, u64::from(per_user), quick);
    row(&reads.scan_row(), reads.scans * reads.orders, async {
        let mut found = 0;
        for _ in 0..reads.scans {
            let all = orders.scan().stream();
            found += all.try_fold(0, |n, _| async move { Ok(n + 1) }).await?;
        }
        Ok(found)
    })
    .await?;
    row(&reads.query_row(), reads.queries * reads.per_user, async {
        let mut found = 0;
        for _ in 0..reads.queries {
            let mine = orders.query("b7").stream();
            found += mine.try_fold(0, |n, _| async move { Ok(n + 1) }).await?;
        }
        Ok(found)
    })
    .await?;
    row(
        &reads.collection_row(),
        reads.queries * (reads.per_user + 1),
        async {
            // Each item decoded as its entity, all of the one user.
            let mine = |a: &Account| match a {
                Account::User(u) => u.user_id == "b7",
                Account::Order(o) => o.user_id == "b7",
            };
            let mut found = 0;
            for _ in 0..reads.queries {
                let view = shop.collection::<Account>().query("b7").stream();
                found += view
                    .try_fold(0, |n, a| async move { Ok(n + u64::from(mine(&a))) })
                    .await?;
            }
            Ok(found)
        },
    )
    .await?;
    Ok(())
}

/// The raw Rust SDK's side, for the read rows only: the same table loaded (by dynamap,
/// unmeasured), then the scan and the queries paginated by hand, each item's entity
/// checked as the others do. It tells the SDK's share of a read from dynamap's.
async fn run_raw_reads(endpoint: &str, table: &str, quick: bool) -> Result<(), BoxError> {
    use aws_sdk_dynamodb::types::AttributeValue;
    let (n, per_user) = if quick { (200, 100) } else { (2000, 1000) };
    let client = dynamap::connect().local(endpoint.to_owned()).await?;
    let shop = Table::<Shop>::new(client.clone(), table);
    let (users, orders) = (shop.entity::<User>(), shop.entity::<Order>());
    let people: Vec<User> = (0..20).map(|u| user(&format!("b{u}"))).collect();
    let mut bulk: Vec<Order> = (0..n + 50).map(|i| order("single", i)).collect();
    bulk.extend(
        people
            .iter()
            .flat_map(|u| (0..per_user).map(|i| order(&u.user_id, i))),
    );
    users.insert_many(&people).await?;
    orders.insert_many(&bulk).await?;
    let is_order = |item: &std::collections::HashMap<String, AttributeValue>| {
        u64::from(
            item.get("_et")
                .and_then(|e| e.as_s().ok())
                .is_some_and(|e| e == "Order"),
        )
    };
    let reads = Reads::new(bulk.len() as u64, u64::from(per_user), quick);
    row(&reads.scan_row(), reads.scans * reads.orders, async {
        let mut found = 0;
        for _ in 0..reads.scans {
            let mut pages = client.scan().table_name(table).into_paginator().send();
            while let Some(page) = pages.next().await {
                found += page?.items().iter().map(is_order).sum::<u64>();
            }
        }
        Ok(found)
    })
    .await?;
    let query = |orders_only: bool| {
        let mut q = client
            .query()
            .table_name(table)
            .expression_attribute_values(":p", AttributeValue::S("USER#b7".into()));
        q = if orders_only {
            q.key_condition_expression("pk = :p AND begins_with(sk, :o)")
                .expression_attribute_values(":o", AttributeValue::S("ORDER#".into()))
        } else {
            q.key_condition_expression("pk = :p")
        };
        q.into_paginator().send()
    };
    row(&reads.query_row(), reads.queries * reads.per_user, async {
        let mut found = 0;
        for _ in 0..reads.queries {
            let mut pages = query(true);
            while let Some(page) = pages.next().await {
                found += page?.items().iter().map(is_order).sum::<u64>();
            }
        }
        Ok(found)
    })
    .await?;
    row(
        &reads.collection_row(),
        reads.queries * (reads.per_user + 1),
        async {
            let mut found = 0;
            for _ in 0..reads.queries {
                let mut pages = query(false);
                while let Some(page) = pages.next().await {
                    found += page?.items().len() as u64;
                }
            }
            Ok(found)
        },
    )
    .await?;
    Ok(())
}

/// The read rows, named alike by every runner: reads are short, so each repeats its read
/// (the scan twice, each query 20 times) to last long enough to time.
struct Reads {
    orders: u64,
    per_user: u64,
    scans: u64,
    queries: u64,
}

impl Reads {
    fn new(orders: u64, per_user: u64, quick: bool) -> Self {
        let queries = if quick { 5 } else { 20 };
        Reads {
            orders,
            per_user,
            scans: 2,
            queries,
        }
    }

    fn scan_row(&self) -> String {
        let (o, s) = (self.orders, self.scans);
        format!("full scan ({o} orders of {} items), {s} times", o + 20)
    }

    fn query_row(&self) -> String {
        format!(
            "partition query of {}, {} times",
            self.per_user, self.queries
        )
    }

    fn collection_row(&self) -> String {
        let (p, q) = (self.per_user, self.queries);
        format!("collection query (user + {p} orders), {q} times")
    }
}

/// One row of one library, as its runner printed it.
#[derive(Debug, Clone)]
struct Measured {
    library: &'static str,
    row: String,
    ops: f64,
    wall: f64,
    cpu: f64,
    busy: f64,
}

/// A runner's line, if it is a row.
fn measured(library: &'static str, line: &str) -> Option<Measured> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    Some(Measured {
        library,
        row: v["row"].as_str()?.to_owned(),
        ops: v["ops"].as_f64()?,
        wall: v["wall"].as_f64()?,
        cpu: v["cpu"].as_f64()?,
        busy: v["busy"].as_f64()?,
    })
}

/// Installs the peers into `bench/peers` (a venv; npm ci) when they are not there yet.
fn install(peers: &Path) -> Result<PathBuf, BoxError> {
    let python = peers.join(".venv/bin/python");
    if !python.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(peers.join(".venv"))
            .status()?;
        let pip = Command::new(&python)
            .args(["-m", "pip", "install", "-q", "-r"])
            .arg(peers.join("requirements.txt"))
            .status()?;
        if !made.success() || !pip.success() {
            return Err("cannot install the Python peers".into());
        }
    }
    if !peers.join("node_modules").is_dir() {
        let npm = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(peers)
            .status()?;
        if !npm.success() {
            return Err("cannot install the JavaScript peers".into());
        }
    }
    Ok(python)
}

fn versions(python: &Path, peers: &Path) -> String {
    let pip = Command::new(python).args(["-m", "pip", "freeze"]).output();
    let pip = pip
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut out: Vec<String> = pip
        .lines()
        .filter(|l| l.starts_with("pydynox==") || l.starts_with("boto3=="))
        .map(str::to_owned)
        .collect();
    for package in ["electrodb", "dynamodb-toolbox", "@aws-sdk/client-dynamodb"] {
        let manifest = peers
            .join("node_modules")
            .join(package)
            .join("package.json");
        let text = std::fs::read_to_string(manifest).unwrap_or_default();
        if let Some(version) = text
            .split("\"version\": \"")
            .nth(1)
            .and_then(|v| v.split('"').next())
        {
            out.push(format!("{package}@{version}"));
        }
    }
    let node = Command::new("node").arg("--version").output();
    out.push(format!(
        "node {}",
        node.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    ));
    out.join(", ")
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Runtime::new()?;
    match args.get(1).map(String::as_str) {
        Some("serve") => return serve_embedded().map_err(|e| e.to_string().into()),
        Some("run-raw") => {
            let (endpoint, table, quick) = (&args[2], &args[3], args[4] == "1");
            return runtime.block_on(run_raw_reads(endpoint, table, quick));
        }
        Some("run-dynamap") => {
            let (endpoint, table, quick) = (&args[2], &args[3], args[4] == "1");
            return runtime.block_on(run_dynamap(endpoint, table, quick));
        }
        _ => {}
    }
    let quick = args.iter().any(|a| a == "--quick");
    let peers = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers");
    let python = install(&peers)?;
    let exe = std::env::current_exe()?;
    let server = BenchServer::start(&exe).map_err(|e| e.to_string())?;
    eprintln!("{} server at {}", server.kind, server.endpoint);
    let client =
        runtime.block_on(async { dynamap::connect().local(server.endpoint.clone()).await })?;
    let context = Context {
        runtime: &runtime,
        client,
        exe: &exe,
        python: &python,
        peers: &peers,
        endpoint: &server.endpoint,
    };
    // `PEERS_ONLY=dynamap,sdk-v3` runs some of them (to profile one against another).
    let only = std::env::var("PEERS_ONLY").ok();
    let chosen: Vec<(&'static str, Runner)> = LIBRARIES
        .into_iter()
        .filter(|(library, _)| {
            only.as_deref()
                .is_none_or(|o| o.split(',').any(|l| l == *library))
        })
        .collect();
    // A quick round of every library first, unmeasured: DynamoDB Local compiles its hot
    // paths as it runs (the first library would otherwise pay the server's warm-up).
    for &(library, runner) in &chosen {
        context.run(library, runner, true)?;
    }
    let mut all: Vec<Measured> = Vec::new();
    for &(library, runner) in &chosen {
        all.extend(context.run(library, runner, quick)?);
    }
    print(&all, &server.kind, &versions(&python, &peers), quick);
    Ok(())
}

struct Context<'a> {
    runtime: &'a tokio::runtime::Runtime,
    client: aws_sdk_dynamodb::Client,
    exe: &'a Path,
    python: &'a Path,
    peers: &'a Path,
    endpoint: &'a str,
}

impl Context<'_> {
    /// Runs one library's rows on a new table of its own.
    fn run(
        &self,
        library: &'static str,
        runner: Runner,
        quick: bool,
    ) -> Result<Vec<Measured>, BoxError> {
        let name = format!(
            "peers-{}-{}",
            library.replace(|c: char| !c.is_ascii_alphanumeric(), "-"),
            fresh_suffix()
        );
        let shop = Table::<Shop>::new(self.client.clone(), name.clone());
        self.runtime.block_on(async { shop.create_table().await })?;
        let q = if quick { "1" } else { "0" };
        let mut command = match runner {
            Runner::Rust => {
                let mut c = Command::new(self.exe);
                c.args(["run-dynamap", self.endpoint, &name, q]);
                c
            }
            Runner::RawRust => {
                let mut c = Command::new(self.exe);
                c.args(["run-raw", self.endpoint, &name, q]);
                c
            }
            Runner::Python => {
                let mut c = Command::new(self.python);
                c.arg(self.peers.join("peers.py"))
                    .args([self.endpoint, &name, library, q]);
                c
            }
            Runner::Node => {
                let mut c = Command::new("node");
                c.arg(self.peers.join("peers.mjs"))
                    .args([self.endpoint, &name, library, q]);
                c.env("NODE_NO_WARNINGS", "1");
                c
            }
        };
        let output = command.output()?;
        self.runtime.block_on(async { shop.delete_table().await })?;
        if !output.status.success() {
            return Err(format!(
                "{library} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let rows: Vec<Measured> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| measured(library, line))
            .collect();
        for m in &rows {
            eprintln!("{library:>16}  {}: {:.0} ops/s", m.row, m.ops / m.wall);
        }
        Ok(rows)
    }
}

/// A table name suffix no earlier run used.
fn fresh_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}

fn print(all: &[Measured], server: &str, versions: &str, quick: bool) {
    println!(
        "\nServer: {server}{}. Peers: {versions}.",
        if quick { " (--quick sizes)" } else { "" }
    );
    println!("Ratios are to dynamap's row in this run (throughput: higher is better; CPU: lower is better).");
    println!("Server CPU per op is the machine's busy time the client did not use.\n");
    println!(
        "| row | library | ops/s | × dynamap | client CPU µs/op | × dynamap | server CPU µs/op |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let rows: Vec<&String> = all
        .iter()
        .filter(|m| m.library == "dynamap")
        .map(|m| &m.row)
        .collect();
    for row in rows {
        let Some(base) = all.iter().find(|m| m.library == "dynamap" && &m.row == row) else {
            continue;
        };
        let (base_rate, base_cpu) = (base.ops / base.wall, base.cpu / base.ops);
        for m in all.iter().filter(|m| &m.row == row) {
            let (rate, cpu) = (m.ops / m.wall, m.cpu / m.ops);
            let server_cpu = (m.busy - m.cpu).max(0.0) / m.ops;
            println!(
                "| {row} | {} | {rate:.0} | {:.2}× | {:.1} | {} | {:.1} |",
                m.library,
                rate / base_rate,
                cpu * 1e6,
                if base_cpu > 0.0 {
                    format!("{:.2}×", cpu / base_cpu)
                } else {
                    "n/a".to_owned()
                },
                server_cpu * 1e6,
            );
        }
    }
}
