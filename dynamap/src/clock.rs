//! Where `#[dynamo(created_at)]` and `#[dynamo(updated_at)]` get the time: the system
//! clock by default, a clock the tests set ([`ManualClock`]) when they must know it.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A source of the current time for the write-lifecycle attributes; set one on a
/// mapping with [`TypedMapping::with_clock`](crate::TypedMapping::with_clock).
///
/// ```
/// use dynamap::config::Clock;
/// let now = dynamap::config::SystemClock.now();
/// assert!(now > std::time::UNIX_EPOCH);
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// The time now.
    fn now(&self) -> SystemTime;
}

/// The system's clock: the default.
///
/// ```
/// let _clock: std::sync::Arc<dyn dynamap::config::Clock> = std::sync::Arc::new(dynamap::config::SystemClock);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that stands still until it is set or advanced: for tests that assert on
/// `created_at` and `updated_at`. Clones share the time.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use dynamap::{config::Clock, config::ManualClock};
/// let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_700_000_060));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl ManualClock {
    /// A clock showing `now`.
    ///
    /// ```
    /// let clock = dynamap::config::ManualClock::new(std::time::UNIX_EPOCH);
    /// ```
    pub fn new(now: SystemTime) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// Sets the time.
    ///
    /// ```
    /// let clock = dynamap::config::ManualClock::new(std::time::UNIX_EPOCH);
    /// clock.set(std::time::SystemTime::now());
    /// ```
    pub fn set(&self, now: SystemTime) {
        match self.now.lock() {
            Ok(mut guard) => *guard = now,
            Err(poisoned) => *poisoned.into_inner() = now,
        }
    }

    /// Moves the time forward by `by`.
    ///
    /// ```
    /// let clock = dynamap::config::ManualClock::new(std::time::UNIX_EPOCH);
    /// clock.advance(std::time::Duration::from_secs(1));
    /// ```
    pub fn advance(&self, by: Duration) {
        let now = Clock::now(self);
        self.set(now.checked_add(by).unwrap_or(now));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        match self.now.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// A time type a `created_at` or `updated_at` field can hold: filled from the clock.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold a write time",
    label = "created_at and updated_at take SystemTime, chrono's DateTime or time's OffsetDateTime (optionally in an Option)"
)]
pub trait Timestamp: crate::value::DynamoValue {
    /// The value for the time `now`.
    #[doc(hidden)]
    fn from_clock(now: SystemTime) -> Option<Self>;

    /// Whether the field holds no time yet (`None`), so `created_at` is filled.
    #[doc(hidden)]
    fn is_unset(&self) -> bool {
        false
    }
}

impl Timestamp for SystemTime {
    fn from_clock(now: SystemTime) -> Option<Self> {
        Some(now)
    }
}

impl<T: Timestamp> Timestamp for Option<T> {
    fn from_clock(now: SystemTime) -> Option<Self> {
        T::from_clock(now).map(Some)
    }

    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

#[cfg(feature = "chrono")]
impl Timestamp for chrono::DateTime<chrono::Utc> {
    fn from_clock(now: SystemTime) -> Option<Self> {
        Some(now.into())
    }
}

#[cfg(feature = "chrono")]
impl Timestamp for chrono::DateTime<chrono::FixedOffset> {
    fn from_clock(now: SystemTime) -> Option<Self> {
        Some(chrono::DateTime::<chrono::Utc>::from(now).fixed_offset())
    }
}

#[cfg(feature = "time")]
impl Timestamp for time::OffsetDateTime {
    fn from_clock(now: SystemTime) -> Option<Self> {
        Some(now.into())
    }
}

#[diagnostic::do_not_recommend]
impl<T: crate::value::PointInTime + Timestamp, const DIGITS: u32> Timestamp
    for crate::value::TimeText<T, DIGITS>
{
    fn from_clock(now: SystemTime) -> Option<Self> {
        T::from_clock(now).map(Self::new)
    }
}

/// The write-lifecycle attributes of an item at one instant, encoded as the item
/// stores them.
#[derive(Debug, Default, Clone)]
pub struct Stamps {
    /// `(attribute, value)` of the `created_at` field.
    pub created: Option<(&'static str, aws_sdk_dynamodb::types::AttributeValue)>,
    /// `(attribute, value)` of the `updated_at` field.
    pub updated: Option<(&'static str, aws_sdk_dynamodb::types::AttributeValue)>,
}

impl Stamps {
    /// Applies the stamps to a whole item about to be put: `updated_at` now, and
    /// `created_at` now unless the item has one, or whatever it has when the write
    /// `creates` the item (an insert only if absent): then both times are the one
    /// clock read of the write.
    pub(crate) fn apply_to(&self, item: &mut crate::sdk_item::Item, creates: bool) {
        if let Some((name, value)) = &self.created {
            if creates || !item.contains_key(*name) {
                item.insert((*name).to_owned(), value.clone());
            }
        }
        if let Some((name, value)) = &self.updated {
            item.insert((*name).to_owned(), value.clone());
        }
    }
}

/// Epoch milliseconds of `at`, as leases and idempotency records store times (0 before
/// 1970).
pub(crate) fn epoch_millis(at: SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH).map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

/// The time `ms` epoch milliseconds name.
pub(crate) fn from_epoch_millis(ms: u64) -> SystemTime {
    std::time::UNIX_EPOCH
        .checked_add(Duration::from_millis(ms))
        .unwrap_or(std::time::UNIX_EPOCH)
}

/// `at` plus `after`; a duration too long for the platform's time (which `+` would
/// panic on) ends at the last second of year 9999, past any real deadline.
pub(crate) fn later(at: SystemTime, after: Duration) -> SystemTime {
    at.checked_add(after)
        .unwrap_or_else(|| std::time::UNIX_EPOCH + Duration::from_secs(253_402_300_799))
}

/// The instant `wait` from now, for a wait on real time; a wait too long for the
/// platform's clock (which `+` would panic on) ends in about a century.
pub(crate) fn deadline_in(wait: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(wait)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

/// How long a waiter (for a lease, for an idempotent call in progress) sleeps before it
/// looks again: its poll interval shortened by up to a quarter at random (so waiters
/// spread out), no longer than until the holder's claim lapses (but at least a
/// millisecond) nor than the time it has `left`.
pub(crate) fn poll_pause(poll: Duration, lapses_in: Duration, left: Duration) -> Duration {
    let quarter = u64::try_from(poll.as_micros() / 4).unwrap_or(u64::MAX);
    let jitter = Duration::from_micros(fastrand::u64(0..=quarter));
    poll.saturating_sub(jitter)
        .min(lapses_in.max(Duration::from_millis(1)))
        .min(left)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn a_manual_clock_shows_the_time_it_is_set_or_advanced_to_in_every_clone() {
        let clock = ManualClock::new(at(1_000));
        let clone = clock.clone();
        clock.set(at(2_000));
        assert_eq!(clone.now(), at(2_000));
        clone.advance(Duration::from_secs(5));
        assert_eq!(clock.now(), at(2_005));
        // Past the platform's last time: it stands still rather than panic.
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), at(2_005));
    }

    #[test]
    fn each_write_time_type_holds_the_clocks_time() {
        let now = at(1_700_000_000) + Duration::from_millis(250);
        assert_eq!(SystemTime::from_clock(now), Some(now));
        assert_eq!(Option::<SystemTime>::from_clock(now), Some(Some(now)));
        assert_eq!(
            crate::value::TimeText::<SystemTime, 3>::from_clock(now).map(|t| t.into_inner()),
            Some(now)
        );
        #[cfg(feature = "chrono")]
        {
            let utc = chrono::DateTime::<chrono::Utc>::from_clock(now).unwrap();
            assert_eq!(SystemTime::from(utc), now);
            let fixed = chrono::DateTime::<chrono::FixedOffset>::from_clock(now).unwrap();
            assert_eq!(SystemTime::from(fixed), now);
            assert_eq!(
                Option::<chrono::DateTime<chrono::Utc>>::from_clock(now),
                Some(Some(utc))
            );
        }
        #[cfg(feature = "time")]
        {
            let odt = time::OffsetDateTime::from_clock(now).unwrap();
            assert_eq!(SystemTime::from(odt), now);
        }
    }

    #[test]
    fn only_an_absent_optional_time_is_unset() {
        assert!(Option::<SystemTime>::None.is_unset());
        assert!(!Some(at(1)).is_unset());
        assert!(!at(1).is_unset());
    }

    #[test]
    fn stamps_set_updated_at_always_and_created_at_when_missing_or_created() {
        let s = |text: &str| AttributeValue::S(text.to_owned());
        let stamps = Stamps {
            created: Some(("created", s("now"))),
            updated: Some(("updated", s("now"))),
        };
        let mut new = crate::sdk_item::Item::new();
        stamps.apply_to(&mut new, false);
        assert_eq!((&new["created"], &new["updated"]), (&s("now"), &s("now")));
        let mut kept = crate::sdk_item::Item::from([("created".to_owned(), s("before"))]);
        stamps.apply_to(&mut kept, false);
        assert_eq!(
            (&kept["created"], &kept["updated"]),
            (&s("before"), &s("now"))
        );
        let mut created = crate::sdk_item::Item::from([("created".to_owned(), s("before"))]);
        stamps.apply_to(&mut created, true);
        assert_eq!(
            created["created"],
            s("now"),
            "an insert only if absent creates"
        );
    }

    #[test]
    fn epoch_millis_and_back() {
        let t = at(1_700_000_000) + Duration::from_millis(123);
        assert_eq!(epoch_millis(t), 1_700_000_000_123);
        assert_eq!(from_epoch_millis(1_700_000_000_123), t);
        assert_eq!(epoch_millis(UNIX_EPOCH - Duration::from_secs(1)), 0);
    }

    #[test]
    fn a_time_too_far_ends_at_year_9999_and_a_wait_too_long_in_a_century() {
        assert_eq!(later(at(10), Duration::from_secs(5)), at(15));
        assert_eq!(later(at(10), Duration::MAX), at(253_402_300_799));
        let century = Duration::from_secs(100 * 365 * 24 * 3600);
        let before = tokio::time::Instant::now();
        let deadline = deadline_in(Duration::MAX);
        assert!(deadline >= before + century, "{:?}", deadline - before);
        assert!(deadline <= tokio::time::Instant::now() + century);
        let soon = deadline_in(Duration::from_secs(2));
        assert!(soon >= before + Duration::from_secs(2));
        assert!(soon <= tokio::time::Instant::now() + Duration::from_secs(2));
    }

    #[test]
    fn a_pause_is_the_poll_interval_less_up_to_a_quarter() {
        let poll = Duration::from_millis(400);
        let pauses: Vec<Duration> = (0..2000).map(|_| poll_pause(poll, HOUR, HOUR)).collect();
        assert!(
            pauses.iter().all(|p| *p >= poll * 3 / 4 && *p <= poll),
            "{pauses:?}"
        );
        let (shortest, longest) = (pauses.iter().min().unwrap(), pauses.iter().max().unwrap());
        assert!(
            *longest - *shortest > Duration::from_millis(80),
            "spread out: {shortest:?}..{longest:?}"
        );
    }

    #[test]
    fn a_pause_ends_when_the_claim_lapses_or_the_wait_does() {
        let poll = Duration::from_secs(1);
        assert_eq!(
            poll_pause(poll, Duration::from_millis(30), HOUR),
            Duration::from_millis(30)
        );
        assert_eq!(
            poll_pause(poll, Duration::ZERO, HOUR),
            Duration::from_millis(1)
        );
        assert_eq!(
            poll_pause(poll, HOUR, Duration::from_millis(20)),
            Duration::from_millis(20)
        );
    }
}
