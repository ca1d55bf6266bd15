//! The `modify` builder against the hand-written `format!` of the same UpdateItem,
//! alternating in one process (15 rounds of 200,000 each), for a ratio steadier than
//! two separate criterion rows: `cargo run --release -p dynamap-bench --example
//! modify_ratio`. With `modify N` or `hand N` it runs one side N times, for a profiler
//! (perf, callgrind, heaptrack).

use dynamap::prelude::*;
use dynamap_bench::hand_written;
use dynamap_bench::models::{Line, Order};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = runtime
        .block_on(dynamap::connect().local("http://127.0.0.1:9").client())
        .unwrap();
    let orders: TypedMapping<Order> = TypedMapping::new(client, "orders");
    let key = ("alice".to_string(), 7u64);
    let line = Line {
        sku: "SKU-0001".into(),
        quantity: 1,
        unit_price_cents: 499,
    };
    let f = Order::fields();
    let n = 200_000;
    println!(
        "size of Modify {} AttributeValue {} ConversionError {}",
        std::mem::size_of_val(&orders.modify(&key)),
        std::mem::size_of::<aws_sdk_dynamodb::types::AttributeValue>(),
        std::mem::size_of::<dynamap::ConversionError>()
    );
    if let Some(which) = std::env::args().nth(1) {
        for _ in 0..std::env::args()
            .nth(2)
            .map_or(10_000, |n| n.parse().unwrap())
        {
            if which == "modify" {
                black_box(
                    orders
                        .modify(black_box(&key))
                        .set(f.status, "shipped")
                        .add(f.total_cents, 250)
                        .remove(f.note)
                        .insert_into(f.tags, ["gift"])
                        .append(f.lines, [line.clone()])
                        .__render_as_sent()
                        .unwrap(),
                );
            } else if which == "hand" {
                black_box(hand_written::update_by_hand(
                    black_box(&key),
                    black_box("shipped"),
                    250,
                    true,
                    "gift",
                    &line,
                ));
            }
        }
        return;
    }
    let mut ratios = vec![];
    let (mut best_a, mut best_b) = (f64::MAX, f64::MAX);
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..n {
            black_box(
                orders
                    .modify(black_box(&key))
                    .set(f.status, "shipped")
                    .add(f.total_cents, 250)
                    .remove(f.note)
                    .insert_into(f.tags, ["gift"])
                    .append(f.lines, [line.clone()])
                    .__render_as_sent()
                    .unwrap(),
            );
        }
        let a = t.elapsed().as_secs_f64() / n as f64 * 1e9;
        let t = Instant::now();
        for _ in 0..n {
            black_box(hand_written::update_by_hand(
                black_box(&key),
                black_box("shipped"),
                250,
                true,
                "gift",
                &line,
            ));
        }
        let b = t.elapsed().as_secs_f64() / n as f64 * 1e9;
        best_a = best_a.min(a);
        best_b = best_b.min(b);
        ratios.push(a / b);
    }
    ratios.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "modify {best_a:.0} ns, by hand {best_b:.0} ns, best ratio {:.2}, median ratio {:.2}",
        best_a / best_b,
        ratios[ratios.len() / 2]
    );
}
