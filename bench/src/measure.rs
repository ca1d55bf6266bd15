//! Measuring a run: wall time, this process's CPU time, and resident memory, all read
//! from /proc so no extra dependency is needed (Linux only, like the CI machines).

use std::time::{Duration, Instant};

/// CPU time (user + system) used by this process so far.
pub fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after ") ".
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let clock_ticks_per_second = 100; // Linux's USER_HZ on every architecture it ships
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / clock_ticks_per_second)
}

/// CPU time used by this process's live threads so far, to the nanosecond: the sum
/// of each thread's `/proc/self/task/*/schedstat`. Finer than [`cpu_time`]'s 10 ms
/// ticks, for runs of a second or two; a thread that has exited no longer counts, so it
/// is for runtimes whose threads live as long as the measurement.
pub fn cpu_time_precise() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return cpu_time();
    };
    tasks
        .flatten()
        .filter_map(|task| thread_cpu(&task.path()))
        .sum()
}

/// One thread's CPU time so far, from its `schedstat` (`/proc/self/task/<id>`).
fn thread_cpu(task: &std::path::Path) -> Option<Duration> {
    let stat = std::fs::read_to_string(task.join("schedstat")).ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// [`cpu_time_precise`] by thread name (`/proc/self/task/*/comm`): the calling thread
/// apart from the runtime's workers, to see on which side of a runtime a cost is.
pub fn cpu_time_by_thread() -> std::collections::BTreeMap<String, Duration> {
    let mut by_name = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return by_name;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm"));
        let (Ok(name), Some(cpu)) = (name, thread_cpu(&path)) else {
            continue;
        };
        *by_name
            .entry(name.trim().to_owned())
            .or_insert(Duration::ZERO) += cpu;
    }
    by_name
}

/// Page faults this process has taken that needed no disk (`minflt` of
/// /proc/self/stat): each is a page of memory touched for the first time, what an
/// allocator that gives memory back to the kernel and takes it again pays for.
pub fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (in parentheses, may hold spaces): state, ppid, pgrp,
    // session, tty_nr, tpgid, flags, minflt.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after_name
        .split_whitespace()
        .nth(7)
        .and_then(|faults| faults.parse().ok())
        .unwrap_or(0)
}

/// A memory figure of this process from /proc/self/status, in KiB (`VmRSS`, `VmHWM`).
pub fn memory_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// One timed run of `ops` operations.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Operations done.
    pub ops: u64,
    /// Wall-clock time.
    pub wall: Duration,
    /// Client CPU time.
    pub cpu: Duration,
}

impl Run {
    /// Operations per second.
    pub fn ops_per_second(&self) -> f64 {
        self.ops as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Client CPU microseconds per operation.
    pub fn cpu_us_per_op(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / (self.ops.max(1) as f64)
    }
    /// This run's client CPU per operation as a multiple of `baseline`'s (`1.23×`), or
    /// `n/a` when the baseline's CPU was below the clock's resolution (no ticks at all,
    /// as at `--quick` sizes): a ratio to nothing would print a number without meaning.
    pub fn cpu_ratio(&self, baseline: &Run) -> String {
        if baseline.cpu.is_zero() || self.ops == 0 {
            return "n/a".to_owned();
        }
        format!("{:.2}×", self.cpu_us_per_op() / baseline.cpu_us_per_op())
    }
}

/// Times `work`, which reports how many operations it did.
pub async fn timed<F, Fut>(work: F) -> Run
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    let (cpu0, t0) = (cpu_time(), Instant::now());
    let ops = work().await;
    Run {
        ops,
        wall: t0.elapsed(),
        cpu: cpu_time().saturating_sub(cpu0),
    }
}

/// The run with the median rate of several.
pub fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.ops_per_second().total_cmp(&b.ops_per_second()));
    runs[runs.len() / 2]
}

/// A 95% interval for the median of `values` that assumes nothing about their
/// distribution: the order statistics `j` and `n + 1 - j` with `j` the largest rank for
/// which fewer than `j` values fall below the median with chance at most 2.5% (each
/// value is below it with chance ½). `None` under six values, too few for 95%.
///
/// A ratio's interval is what says whether a goal is met: a 2-core machine running its
/// own server moves one run by ±15%, so a median alone can land on either side.
pub fn median_interval(mut values: Vec<f64>) -> Option<(f64, f64)> {
    let n = values.len();
    values.sort_by(f64::total_cmp);
    // P(Binomial(n, ½) ≤ k) for growing k, until it passes 2.5%.
    let mut below = 0.0;
    let mut choose = 1.0; // C(n, k)
    let mut j = 0;
    for k in 0..n {
        below += choose * 0.5_f64.powi(n as i32);
        if below > 0.025 {
            break;
        }
        j = k + 1;
        choose = choose * (n - k) as f64 / (k + 1) as f64;
    }
    (j >= 1).then(|| (values[j - 1], values[n - j]))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{median_interval, Run};

    fn run(ops: u64, cpu_ms: u64) -> Run {
        Run {
            ops,
            wall: Duration::from_secs(1),
            cpu: Duration::from_millis(cpu_ms),
        }
    }

    #[test]
    fn a_ratio_to_a_baseline_without_cpu_ticks_is_not_a_number() {
        assert_eq!(run(100, 20).cpu_ratio(&run(100, 0)), "n/a");
        assert_eq!(run(100, 30).cpu_ratio(&run(100, 20)), "1.50×");
        assert_eq!(run(200, 20).cpu_ratio(&run(100, 20)), "0.50×");
    }

    #[test]
    fn the_median_interval_follows_the_binomial_table() {
        let values = |n: usize| (1..=n).map(|v| v as f64).collect::<Vec<_>>();
        // Too few values for 95%.
        assert_eq!(median_interval(values(5)), None);
        // n = 6: only all-or-nothing is rarer than 2.5% (2/64): the extremes.
        assert_eq!(median_interval(values(6)), Some((1.0, 6.0)));
        // Published tables: n = 10 → ranks 2 and 9; n = 25 → 8 and 18.
        assert_eq!(median_interval(values(10)), Some((2.0, 9.0)));
        assert_eq!(median_interval(values(25)), Some((8.0, 18.0)));
        // Order does not matter.
        let mut shuffled = values(10);
        shuffled.reverse();
        assert_eq!(median_interval(shuffled), Some((2.0, 9.0)));
    }
}
