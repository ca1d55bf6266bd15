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
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
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
