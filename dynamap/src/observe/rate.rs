//! Pacing to a budget of capacity units per second, by what DynamoDB reports each
//! answer consumed: shared by every segment of a parallel scan and every batch in
//! flight, so the budget holds for the whole call.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// How much unused budget a paced call may save up while it waits on answers or on
/// its consumer: enough to cover request latency, so a call at its budget takes its
/// units' time and not that plus every round trip.
const SAVED_AT_MOST: Duration = Duration::from_secs(1);
/// The most one answer's units can add to the wait: a day.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// A budget of capacity units per second, spent by answers as they arrive.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_second: f64,
    /// When the budget will have paid for every unit charged so far.
    paid_up: Mutex<Instant>,
}

impl RateLimiter {
    /// A budget of `per_second` units (at least a thousandth of a unit), starting now.
    pub(crate) fn new(per_second: f64) -> Arc<Self> {
        Arc::new(RateLimiter {
            per_second: per_second.max(0.001),
            paid_up: Mutex::new(Instant::now()),
        })
    }

    /// Charges `units` and waits until the budget has paid for every unit charged so
    /// far: a call paced by it never finishes before its units divided by the rate,
    /// however many answers arrive at once.
    pub(crate) async fn pay(&self, units: f64) {
        let wait = self.charge(units, Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    fn charge(&self, units: f64, now: Instant) -> Duration {
        // The units come from the server's answer: a count no budget could pay (past
        // `Duration`'s range, or an `Instant`'s) waits a day, never panics.
        let cost = Duration::try_from_secs_f64(units.max(0.0) / self.per_second)
            .unwrap_or(LONGEST_WAIT)
            .min(LONGEST_WAIT);
        let mut paid_up = self.paid_up.lock().unwrap_or_else(PoisonError::into_inner);
        let oldest_saving = now.checked_sub(SAVED_AT_MOST).unwrap_or(now);
        let start = (*paid_up).max(oldest_saving);
        *paid_up = start.checked_add(cost).unwrap_or(start);
        paid_up.saturating_duration_since(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_queue_up_and_idle_time_saves_at_most_a_second() {
        let limiter = RateLimiter::new(10.0);
        let start = *limiter.paid_up.lock().unwrap();
        assert_eq!(limiter.charge(5.0, start), Duration::from_millis(500));
        // A second answer at the same moment waits for both.
        assert_eq!(limiter.charge(5.0, start), Duration::from_secs(1));
        // Answers that come within the schedule cost no latency on top.
        assert_eq!(
            limiter.charge(1.0, start + Duration::from_millis(1050)),
            Duration::from_millis(50)
        );
        // Four seconds idle save one second of budget, no more.
        let later = start + Duration::from_secs(5);
        assert_eq!(limiter.charge(10.0, later), Duration::ZERO);
        assert_eq!(limiter.charge(5.0, later), Duration::from_millis(500));
    }

    #[test]
    fn units_no_budget_could_pay_wait_a_day_and_never_panic() {
        for units in [f64::INFINITY, 1e300, f64::MAX, f64::NAN, -1e300] {
            let limiter = RateLimiter::new(0.001);
            let start = *limiter.paid_up.lock().unwrap();
            let wait = limiter.charge(units, start);
            assert!(wait <= LONGEST_WAIT, "{units}: {wait:?}");
            if units > 1.0 {
                assert_eq!(wait, Duration::from_secs(86_400), "{units}: a day");
            }
        }
    }
}
