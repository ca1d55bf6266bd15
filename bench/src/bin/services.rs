//! What the service recipes cost: a handler (one `insert`) called bare and wrapped in
//! `Idempotency::run` (its first call, and a repeated call answered from the record),
//! and a write (`insert`) sent plain and fenced by a lease
//! (`transaction(..).fenced(&lease).put(..)`), alternating in one run. Each row gives
//! throughput, client CPU per call, and the requests and capacity units DynamoDB
//! reported per call.
//!
//! `cargo run --release -p dynamap-bench --bin services [-- --quick]`; DynamoDB Local
//! by default (a process of its own: the CPU measured is the client's),
//! `DYNAMAP_SERVER=embedded` for the embedded server (in this process: CPU includes it).

use std::time::Duration;

use dynamap::idempotency::{Idempotency, IdempotencyRecord};
use dynamap::lease::{Lease, LeaseRecord, Leases};
use dynamap::observe::CapacityMeter;
use dynamap::prelude::*;
use dynamap_bench::measure::{median, timed, Run};

const ROUNDS: usize = 5;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Payment {
    #[dynamo(partition_key)]
    id: String,
    order: String,
    cents: u64,
}

fn payment(round: usize, i: usize, side: &str) -> Payment {
    Payment {
        id: format!("{side}-r{round}-p{i}"),
        order: format!("o{i}"),
        cents: 1250,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Row {
    FirstCall,
    RepeatedCall,
    FencedWrite,
}

impl Row {
    fn name(self) -> &'static str {
        match self {
            Row::FirstCall => "a handler's first call",
            Row::RepeatedCall => "a repeated call of a key",
            Row::FencedWrite => "a write (`insert` / fenced `put`)",
        }
    }

    fn sides(self) -> [&'static str; 2] {
        match self {
            Row::FirstCall | Row::RepeatedCall => ["bare handler", "`Idempotency::run`"],
            Row::FencedWrite => ["plain `insert`", "fenced by a lease"],
        }
    }
}

struct Bench {
    payments: TypedMapping<Payment>,
    idempotency: Idempotency,
    lease: Lease,
}

impl Bench {
    async fn one(&self, row: Row, kept: bool, round: usize, n: usize) {
        for i in 0..n {
            match (row, kept) {
                (Row::FirstCall | Row::RepeatedCall, false) => {
                    // The bare handler, called again on a repeat as nothing stops it.
                    let side = if row == Row::FirstCall {
                        "bare"
                    } else {
                        "bare-again"
                    };
                    self.payments
                        .insert(&payment(round, i, side))
                        .await
                        .expect("insert");
                }
                (Row::FirstCall | Row::RepeatedCall, true) => {
                    let key = format!("r{round}-k{i}");
                    let paid = self
                        .idempotency
                        .run(&key, &i, || async {
                            self.payments.insert(&payment(round, i, "kept")).await?;
                            Ok::<_, dynamap::Error>(1250u64)
                        })
                        .await
                        .expect("run");
                    assert_eq!(paid, 1250);
                }
                (Row::FencedWrite, false) => {
                    self.payments
                        .insert(&payment(round, i, "plain"))
                        .await
                        .expect("insert");
                }
                (Row::FencedWrite, true) => {
                    dynamap::transaction(self.payments.client())
                        .fenced(&self.lease)
                        .put(&self.payments, &payment(round, i, "fenced"))
                        .await
                        .expect("fenced put");
                }
            }
        }
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
    let meters = [CapacityMeter::new(), CapacityMeter::new()];
    // One handle per side over the same tables, each with its meter, so that each
    // side's requests and units are its own (a fenced transaction is metered by the
    // lease's mapping, its first action's).
    let mut sides = Vec::new();
    for meter in &meters {
        let payments = TypedMapping::<Payment>::new(client.clone(), format!("bench-payments-{id}"))
            .with_capacity_meter(meter);
        let records =
            TypedMapping::<IdempotencyRecord>::new(client.clone(), format!("bench-idem-{id}"))
                .with_capacity_meter(meter);
        let leases = Leases::new(
            TypedMapping::<LeaseRecord>::new(client.clone(), format!("bench-leases-{id}"))
                .with_capacity_meter(meter),
        );
        if sides.is_empty() {
            payments.create_table().await?;
            records.create_table().await?;
            leases.mapping().create_table().await?;
        }
        let lease = leases
            .acquire(
                format!("bench-{}", sides.len()),
                "bench",
                Duration::from_secs(3600),
            )
            .await?;
        sides.push(Bench {
            payments,
            idempotency: Idempotency::new(records, "bench"),
            lease,
        });
    }
    // Warm both paths.
    for (i, side) in sides.iter().enumerate() {
        side.one(Row::FirstCall, i == 1, 99, 20).await;
        side.one(Row::FencedWrite, i == 1, 99, 20).await;
    }

    println!("| call | side | calls/s | client CPU µs/call | requests/call | units/call | CPU vs baseline |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for row in [Row::FirstCall, Row::RepeatedCall, Row::FencedWrite] {
        let mut runs: [Vec<Run>; 2] = [Vec::new(), Vec::new()];
        let mut usage = [(0u64, 0.0f64); 2];
        for round in 0..ROUNDS {
            for offset in 0..2 {
                let which = (round + offset) % 2;
                meters[which].take();
                let side = &sides[which];
                let run = timed(|| async {
                    side.one(row, which == 1, round, n).await;
                    n as u64
                })
                .await;
                let used = meters[which].take();
                usage[which].0 += used.requests;
                usage[which].1 += used.units.total();
                runs[which].push(run);
            }
        }
        let [base_runs, kept_runs] = runs;
        let (b, k) = (median(base_runs), median(kept_runs));
        let calls = (ROUNDS * n) as f64;
        let [base_label, kept_label] = row.sides();
        for (label, run, (requests, units)) in
            [(base_label, b, usage[0]), (kept_label, k, usage[1])]
        {
            let ratio = if label == base_label {
                "baseline".to_owned()
            } else {
                format!("**{}**", run.cpu_ratio(&b))
            };
            println!(
                "| {} | {label} | {:.0} | {:.1} | {:.2} | {:.2} | {ratio} |",
                row.name(),
                run.ops_per_second(),
                run.cpu_us_per_op(),
                requests as f64 / calls,
                units / calls,
            );
        }
    }
    let first = &sides[0];
    first.payments.delete_table().await?;
    first.idempotency.mapping().delete_table().await?;
    first.lease.release().await?;
    TypedMapping::<LeaseRecord>::new(client.clone(), format!("bench-leases-{id}"))
        .delete_table()
        .await?;
    Ok(())
}
