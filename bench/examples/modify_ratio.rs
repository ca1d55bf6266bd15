//! The `modify` builder against the hand-written `format!` of the same UpdateItem,
//! alternating in one process (15 rounds of 200,000 each), for a ratio steadier than
//! two separate criterion rows: `cargo run --release -p dynamap-bench --example
//! modify_ratio`. With `modify N` or `hand N` it runs one side N times, for a profiler
//! (perf, callgrind, heaptrack).

use std::time::Instant;

use dynamap_bench::modify_case::ModifyCase;

/// Nanoseconds per call of `f`, over `n` calls.
fn per_call(n: u32, f: impl Fn()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64() / f64::from(n) * 1e9
}

fn main() {
    let case = ModifyCase::new();
    let args: Vec<String> = std::env::args().collect();
    if let Some(side) = args.get(1) {
        let n = args.get(2).map_or(10_000, |n| n.parse().expect("a count"));
        match side.as_str() {
            "modify" => per_call(n, || case.modify()),
            _ => per_call(n, || case.by_hand()),
        };
        return;
    }
    let n = 200_000;
    let (mut ratios, mut best_modify, mut best_hand) = (Vec::new(), f64::MAX, f64::MAX);
    for _ in 0..15 {
        let modify = per_call(n, || case.modify());
        let hand = per_call(n, || case.by_hand());
        best_modify = best_modify.min(modify);
        best_hand = best_hand.min(hand);
        ratios.push(modify / hand);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "modify {best_modify:.0} ns, by hand {best_hand:.0} ns, best ratio {:.2}, median ratio {:.2}",
        best_modify / best_hand,
        ratios[ratios.len() / 2]
    );
}
