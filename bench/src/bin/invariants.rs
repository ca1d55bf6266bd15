//! What an invariant costs a write: the same user type with and without
//! `#[dynamo(unique)]` on its email, and the same order line with and without a
//! `count` and a `sum` kept on its order, written the same way, alternating, in one run.
//! Rows: a new user (`insert`), a changed email (`modify`), a change of another field
//! (`modify` of the name, which needs no guard); a new line, a changed amount. Each row gives throughput, client
//! CPU per write, and the requests and capacity units DynamoDB reported per write.
//!
//! `cargo run --release -p dynamap-bench --bin invariants [-- --quick]`; DynamoDB Local
//! by default (a process of its own: the CPU measured is the client's),
//! `DYNAMAP_SERVER=embedded` for the embedded server (in this process: CPU includes it).

use dynamap::observe::CapacityMeter;
use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};
use dynamap_bench::measure::{median, timed, Run};

const ROUNDS: usize = 5;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct PlainUser {
    #[dynamo(partition_key)]
    id: String,
    email: String,
    name: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct UniqueUser {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    email: String,
    name: String,
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "ORDER#{id}", sk = "ORDER")]
struct Order {
    id: String,
    #[dynamo(default)]
    lines: u32,
    #[dynamo(default)]
    total: i64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "PlainLine", pk = "PLAIN#{order}", sk = "LINE#{line}")]
struct PlainLine {
    order: String,
    line: u32,
    amount: i64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "KeptLine",
    pk = "ORDER#{order}",
    sk = "LINE#{line}",
    count(Order, into = "lines", key(id = order)),
    sum(Order, into = "total", of = amount, key(id = order))
)]
struct KeptLine {
    order: String,
    line: u32,
    amount: i64,
}

/// One side of the comparison: the writes of a row, over `n` users of round `round`.
trait Side {
    async fn write_new(&self, round: usize, n: usize);
    async fn change_email(&self, round: usize, n: usize);
    async fn change_name(&self, round: usize, n: usize);
}

macro_rules! side {
    ($ty:ident) => {
        impl Side for TypedMapping<$ty> {
            async fn write_new(&self, round: usize, n: usize) {
                for i in 0..n {
                    let user = $ty {
                        id: format!("r{round}-u{i}"),
                        email: format!("r{round}-u{i}@example.com"),
                        name: "Ada".into(),
                    };
                    TypedMapping::insert(self, &user).await.expect("insert");
                }
            }

            async fn change_email(&self, round: usize, n: usize) {
                for i in 0..n {
                    self.modify(&format!("r{round}-u{i}"))
                        .set(
                            $ty::fields().email,
                            format!("r{round}-moved{i}@example.com"),
                        )
                        .await
                        .expect("modify");
                }
            }

            async fn change_name(&self, round: usize, n: usize) {
                for i in 0..n {
                    self.modify(&format!("r{round}-u{i}"))
                        .set($ty::fields().name, "Ada L.")
                        .await
                        .expect("modify");
                }
            }
        }
    };
}

side!(PlainUser);
side!(UniqueUser);

macro_rules! line_side {
    ($ty:ident) => {
        impl Side for TypedMapping<$ty> {
            async fn write_new(&self, round: usize, n: usize) {
                for i in 0..n {
                    let line = $ty {
                        order: format!("r{round}-o{}", i % 10),
                        line: i as u32,
                        amount: 100,
                    };
                    TypedMapping::insert(self, &line).await.expect("insert");
                }
            }

            async fn change_email(&self, round: usize, n: usize) {
                for i in 0..n {
                    let key = (format!("r{round}-o{}", i % 10), i as u32);
                    self.modify(&key)
                        .add($ty::fields().amount, 5)
                        .await
                        .expect("modify");
                }
            }

            async fn change_name(&self, _: usize, _: usize) {}
        }
    };
}

line_side!(PlainLine);
line_side!(KeptLine);

#[derive(Clone, Copy, PartialEq)]
enum Row {
    Insert,
    ChangeEmail,
    ChangeName,
    NewLine,
    ChangeAmount,
}

impl Row {
    fn name(self) -> &'static str {
        match self {
            Row::Insert => "a new user (`insert`)",
            Row::ChangeEmail => "its email changed (`modify`)",
            Row::ChangeName => "its name changed (`modify`, no guard)",
            Row::NewLine => "a new order line (`insert`)",
            Row::ChangeAmount => "its amount added to (`modify`)",
        }
    }
}

async fn one(side: &impl Side, row: Row, round: usize, n: usize) {
    match row {
        Row::Insert | Row::NewLine => side.write_new(round, n).await,
        Row::ChangeEmail | Row::ChangeAmount => side.change_email(round, n).await,
        Row::ChangeName => side.change_name(round, n).await,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 100 } else { 500 };
    let server = dynamap_bench::server::in_process_or_local()?;
    println!("Server: {}", server.kind());
    let client = server.client().await?;
    let id = std::process::id();
    let (plain_meter, unique_meter) = (CapacityMeter::new(), CapacityMeter::new());
    let plain = TypedMapping::<PlainUser>::new(client.clone(), format!("bench-plain-{id}"))
        .with_capacity_meter(&plain_meter);
    let unique = TypedMapping::<UniqueUser>::new(client.clone(), format!("bench-unique-{id}"))
        .with_capacity_meter(&unique_meter);
    plain.create_table().await?;
    unique.create_table().await?;
    let shop = Table::<Shop>::new(client.clone(), format!("bench-shop-{id}"));
    shop.create_table().await?;
    let (plain_lines, kept_lines) = (
        shop.entity::<PlainLine>().with_capacity_meter(&plain_meter),
        shop.entity::<KeptLine>().with_capacity_meter(&unique_meter),
    );
    for round in (0..ROUNDS).chain([99]) {
        for o in 0..10 {
            shop.entity::<Order>()
                .insert(&Order {
                    id: format!("r{round}-o{o}"),
                    lines: 0,
                    total: 0,
                })
                .await?;
        }
    }
    plain_lines.write_new(99, 20).await;
    kept_lines.write_new(99, 20).await;
    // Warm both paths.
    plain.write_new(99, 20).await;
    unique.write_new(99, 20).await;

    println!("| write | side | writes/s | client CPU µs/write | requests/write | units/write | CPU vs plain |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for row in [
        Row::Insert,
        Row::ChangeEmail,
        Row::ChangeName,
        Row::NewLine,
        Row::ChangeAmount,
    ] {
        let lines = matches!(row, Row::NewLine | Row::ChangeAmount);
        let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
        let mut usage = [(0u64, 0.0f64); 2];
        for round in 0..ROUNDS {
            for offset in 0..2 {
                let which = (round + offset) % 2;
                let meter = if which == 0 {
                    &plain_meter
                } else {
                    &unique_meter
                };
                meter.take();
                let run = timed(|| async {
                    match (which, lines) {
                        (0, false) => one(&plain, row, round, n).await,
                        (_, false) => one(&unique, row, round, n).await,
                        (0, true) => one(&plain_lines, row, round, n).await,
                        (_, true) => one(&kept_lines, row, round, n).await,
                    }
                    n as u64
                })
                .await;
                let used = meter.take();
                usage[which].0 += used.requests;
                usage[which].1 += used.units.total();
                runs[which].push(run);
            }
        }
        let [plain_runs, unique_runs] = runs;
        let (p, u) = (median(plain_runs), median(unique_runs));
        let writes = (ROUNDS * n) as f64;
        let kept = if lines {
            "`count` + `sum` on its order"
        } else {
            "`unique` email"
        };
        for (label, run, (requests, units)) in [("plain", p, usage[0]), (kept, u, usage[1])] {
            let ratio = if label == "plain" {
                "baseline".to_owned()
            } else {
                format!("**{}**", run.cpu_ratio(&p))
            };
            println!(
                "| {} | {label} | {:.0} | {:.1} | {:.2} | {:.2} | {ratio} |",
                row.name(),
                run.ops_per_second(),
                run.cpu_us_per_op(),
                requests as f64 / writes,
                units / writes,
            );
        }
    }
    plain.delete_table().await?;
    unique.delete_table().await?;
    shop.delete_table().await?;
    Ok(())
}
