//! Leases with fencing (#37 item 2): one holder at a time, renewals, releases, waiting
//! acquirers, background renewal, and fenced writes that a holder paused past its lease
//! cannot land, even with answers lost.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dynamap::config::{Clock, ManualClock};
use dynamap::lease::{LeaseRecord, Leases};
use dynamap::prelude::*;
use dynamap::Error;

use dynamap_tests::new_mapping;
use dynamap_tests::proxy::{self, through, FaultPlan, FaultProxy};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Ledger {
    #[dynamo(partition_key)]
    id: String,
    entries: Vec<String>,
}

fn start() -> ManualClock {
    ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
}

async fn leases(prefix: &str, clock: &ManualClock) -> Leases {
    Leases::new(
        new_mapping::<LeaseRecord>(prefix)
            .await
            .with_clock(clock.clone()),
    )
}

const MINUTE: Duration = Duration::from_secs(60);

/// Whether another holder's acquisition of `name` is refused as held.
async fn held(leases: &Leases, name: &str) -> bool {
    match leases.acquire(name, "someone-else", MINUTE).await {
        Err(Error::LeaseHeld { .. }) => true,
        Ok(_) => false,
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn one_holder_at_a_time_and_every_acquisition_raises_the_token() {
    let clock = start();
    let leases = leases("lease-basic", &clock).await;
    let first = leases.acquire("job", "w-1", MINUTE).await.unwrap();
    assert_eq!(
        (
            first.name(),
            first.holder(),
            first.token(),
            first.duration()
        ),
        ("job", "w-1", 1, MINUTE)
    );
    match leases.acquire("job", "w-2", MINUTE).await {
        Err(Error::LeaseHeld {
            name,
            holder,
            until,
        }) => {
            assert_eq!((name.as_str(), holder.as_str()), ("job", "w-1"));
            assert_eq!(until, clock.now() + MINUTE);
        }
        other => panic!("{other:?}"),
    }
    clock.advance(Duration::from_secs(50));
    let until = first.renew().await.unwrap();
    assert_eq!(until, clock.now() + MINUTE);
    clock.advance(Duration::from_secs(50));
    assert!(
        held(&leases, "job").await,
        "the renewal holds it past the first minute"
    );
    first.release().await.unwrap();
    let second = leases.acquire("job", "w-2", MINUTE).await.unwrap();
    assert_eq!(second.token(), 2);
    let stored = leases.mapping().get("job").await.unwrap().unwrap();
    assert_eq!((stored.holder.as_deref(), stored.token), (Some("w-2"), 2));
    // Another name is another lease.
    assert_eq!(
        leases
            .acquire("other", "w-1", MINUTE)
            .await
            .unwrap()
            .token(),
        1
    );
}

#[tokio::test]
async fn a_holder_paused_past_its_lease_loses_it_and_its_fenced_writes_fail() {
    let clock = start();
    let leases = leases("lease-paused", &clock).await;
    let ledger = new_mapping::<Ledger>("lease-ledger").await;
    let client = ledger.client().clone();
    let f = Ledger::fields();
    ledger
        .insert(&Ledger {
            id: "L".into(),
            entries: vec![],
        })
        .await
        .unwrap();
    let paused = leases.acquire("job", "w-1", MINUTE).await.unwrap();
    dynamap::transaction(&client)
        .fenced(&paused)
        .modify(&ledger, "L", |m| {
            m.append(f.entries, ["w-1 before".to_owned()])
        })
        .await
        .unwrap();
    // w-1 stops (a long pause) past its lease; w-2 takes over.
    clock.advance(MINUTE + Duration::from_millis(1));
    let next = leases.acquire("job", "w-2", MINUTE).await.unwrap();
    assert_eq!(next.token(), 2);
    // w-1 wakes and writes: refused, nothing written.
    let late = dynamap::transaction(&client)
        .fenced(&paused)
        .modify(&ledger, "L", |m| {
            m.append(f.entries, ["w-1 late".to_owned()])
        })
        .await;
    match late {
        Err(Error::LeaseLost { name, token }) => assert_eq!((name.as_str(), token), ("job", 1)),
        other => panic!("{other:?}"),
    }
    dynamap::transaction(&client)
        .fenced(&next)
        .modify(&ledger, "L", |m| m.append(f.entries, ["w-2".to_owned()]))
        .await
        .unwrap();
    assert!(matches!(
        paused.renew().await,
        Err(Error::LeaseLost { token: 1, .. })
    ));
    assert!(matches!(
        paused.release().await,
        Err(Error::LeaseLost { token: 1, .. })
    ));
    assert_eq!(
        ledger.get("L").await.unwrap().unwrap().entries,
        ["w-1 before", "w-2"]
    );
    // A released lease fences its holder out too.
    next.release().await.unwrap();
    // A late release after the next holder released: the token moved on, so it is
    // still lost (not taken for its own release, whose retry finds no holder).
    assert!(matches!(
        paused.release().await,
        Err(Error::LeaseLost { token: 1, .. })
    ));
    let after_release = dynamap::transaction(&client)
        .fenced(&next)
        .modify(&ledger, "L", |m| {
            m.append(f.entries, ["w-2 after release".to_owned()])
        })
        .await;
    assert!(
        matches!(after_release, Err(Error::LeaseLost { token: 2, .. })),
        "{after_release:?}"
    );
    // A holder that restarts under the same name holds a new acquisition: its old
    // lease (paused past its end) is fenced out by the token, not by the name.
    let old = leases.acquire("job", "w-3", MINUTE).await.unwrap();
    clock.advance(MINUTE + Duration::from_millis(1));
    let restarted = leases.acquire("job", "w-3", MINUTE).await.unwrap();
    assert_eq!((old.token(), restarted.token()), (3, 4));
    let stale = dynamap::transaction(&client)
        .fenced(&old)
        .modify(&ledger, "L", |m| {
            m.append(f.entries, ["w-3 stale".to_owned()])
        })
        .await;
    assert!(
        matches!(stale, Err(Error::LeaseLost { token: 3, .. })),
        "{stale:?}"
    );
    assert!(matches!(
        old.renew().await,
        Err(Error::LeaseLost { token: 3, .. })
    ));
}

/// Lost answers to an acquisition, a renewal and a release: each is applied once and
/// reported as done.
#[tokio::test]
async fn lost_answers_to_acquire_renew_and_release_are_each_applied_once() {
    if !proxy::possible("lost_answers_to_acquire_renew_and_release_are_each_applied_once") {
        return;
    }
    let clock = start();
    let records = new_mapping::<LeaseRecord>("lease-lost-answers").await;
    let plain = Leases::new(records.clone().with_clock(clock.clone()));
    const PUTS: &[&str] = &["PutItem"];
    const UPDATES: &[&str] = &["UpdateItem"];
    for (step, cut) in [("acquire", PUTS), ("renew", UPDATES), ("release", UPDATES)] {
        let proxy = proxy::cut_first_answer(cut).await;
        let leases = Leases::new(through(&proxy, &records).await.with_clock(clock.clone()));
        let lease = leases.acquire("job", "w-1", MINUTE).await.unwrap();
        if step == "renew" {
            clock.advance(Duration::from_secs(1));
            let until = lease.renew().await.unwrap();
            let stored = plain.mapping().get("job").await.unwrap().unwrap();
            assert_eq!(dynamap_time(stored.expires_at_ms), until);
        }
        lease.release().await.unwrap();
        assert_eq!(
            proxy.stats.dropped_after.load(Ordering::Relaxed),
            1,
            "{step}"
        );
        let stored = plain.mapping().get("job").await.unwrap().unwrap();
        assert_eq!(stored.holder, None, "{step}");
    }
    // The release's retry found its own release, not a lost lease; the next acquirer
    // gets the next token.
    assert_eq!(
        plain.acquire("job", "w-2", MINUTE).await.unwrap().token(),
        4
    );
}

#[tokio::test]
async fn a_lapsed_lease_nobody_took_over_is_still_its_holders() {
    let clock = start();
    let leases = leases("lease-lapsed", &clock).await;
    let lease = leases.acquire("job", "w-1", MINUTE).await.unwrap();
    clock.advance(MINUTE * 2);
    lease.renew().await.unwrap();
    assert!(held(&leases, "job").await);
}

#[tokio::test]
async fn a_lease_lapses_exactly_at_its_end() {
    let clock = start();
    let leases = leases("lease-end", &clock).await;
    leases.acquire("job", "w-1", MINUTE).await.unwrap();
    clock.advance(MINUTE - Duration::from_millis(1));
    assert!(held(&leases, "job").await);
    clock.advance(Duration::from_millis(1));
    assert_eq!(
        leases.acquire("job", "w-2", MINUTE).await.unwrap().token(),
        2
    );
}

#[tokio::test]
async fn of_sixteen_racing_acquirers_exactly_one_wins() {
    let clock = start();
    let leases = leases("lease-race", &clock).await;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let leases = leases.clone();
            tokio::spawn(async move { leases.acquire("job", format!("w-{i}"), MINUTE).await })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(lease) => won.push(lease),
            Err(Error::LeaseHeld { .. }) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(won.len(), 1);
    let stored = leases.mapping().get("job").await.unwrap().unwrap();
    assert_eq!(stored.holder.as_deref(), Some(won[0].holder()));
    assert_eq!(stored.token, 1);
}

#[tokio::test]
async fn a_waiting_acquirer_gets_the_lease_once_it_is_released_and_gives_up_at_its_timeout() {
    let clock = start();
    let leases = leases("lease-wait", &clock).await;
    let held = leases.acquire("job", "w-1", MINUTE).await.unwrap();
    let timed_out = leases
        .acquire("job", "w-2", MINUTE)
        .wait(Duration::from_millis(200))
        .poll_interval(Duration::from_millis(20))
        .await;
    assert!(
        matches!(timed_out, Err(Error::LeaseHeld { .. })),
        "{timed_out:?}"
    );
    let waiter = {
        let leases = leases.clone();
        tokio::spawn(async move {
            leases
                .acquire("job", "w-2", MINUTE)
                .wait(Duration::MAX) // no end: until released
                .poll_interval(Duration::from_millis(20))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    held.release().await.unwrap();
    let lease = waiter.await.unwrap().unwrap();
    assert_eq!((lease.holder(), lease.token()), ("w-2", 2));
}

#[tokio::test]
async fn keep_alive_renews_while_held_and_reports_the_loss() {
    // Real time: the heartbeat sleeps with Tokio's timer.
    let leases = Leases::new(new_mapping::<LeaseRecord>("lease-heartbeat").await);
    let lease = leases
        .acquire("job", "w-1", Duration::from_millis(600))
        .await
        .unwrap();
    let heartbeat = lease.keep_alive();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!heartbeat.is_lost());
    assert!(
        held(&leases, "job").await,
        "renewed past twice its duration"
    );
    // Someone takes it by force (an operator, a bug): the next renewal finds out.
    let f = LeaseRecord::fields();
    leases
        .mapping()
        .modify("job")
        .set(f.holder, Some("thief".to_owned()))
        .add(f.token, 1u64)
        .await
        .unwrap();
    let lost = tokio::time::timeout(Duration::from_secs(5), heartbeat.lost())
        .await
        .expect("the loss is reported within a renewal period");
    assert!(
        matches!(lost, Error::LeaseLost { token: 1, .. }),
        "{lost:?}"
    );
    assert!(heartbeat.is_lost());
}

/// A renewal that fails (every attempt answered with a server error) is tried again
/// soon, well inside the lease: the lease is still held past the end it had before the
/// failure, and nobody else can take it.
#[tokio::test]
async fn keep_alive_tries_a_failed_renewal_again_before_the_lease_ends() {
    if !proxy::possible("keep_alive_tries_a_failed_renewal_again_before_the_lease_ends") {
        return;
    }
    const LEASE: Duration = Duration::from_millis(3000);
    let records = new_mapping::<LeaseRecord>("lease-heartbeat-retry").await;
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The client through the proxy makes 5 attempts per request: one renewal's worth of
    // server errors, then the proxy only forwards.
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            server_error: 1.0,
            max_faults: 5,
            only: &["UpdateItem"],
            armed: Some(armed.clone()),
            ..FaultPlan::default()
        },
    )
    .await;
    let leases = Leases::new(through(&proxy, &records).await);
    let lease = leases.acquire("job", "w-1", LEASE).await.unwrap();
    let acquired = std::time::Instant::now();
    armed.store(true, Ordering::SeqCst);
    let heartbeat = lease.keep_alive();
    // Past the end the lease had when its first renewal failed.
    tokio::time::sleep_until((acquired + LEASE + LEASE / 6).into()).await;
    assert_eq!(
        proxy.stats.server_errors.load(Ordering::Relaxed),
        5,
        "the first renewal failed"
    );
    assert!(!heartbeat.is_lost());
    assert!(
        held(&Leases::new(records), "job").await,
        "the failed renewal was tried again before the lease ended"
    );
}

/// Dropping a `KeepAlive` stops the renewals: the lease then ends at its time, and
/// another holder takes it.
#[tokio::test]
async fn a_dropped_keep_alive_stops_renewing() {
    const LEASE: Duration = Duration::from_millis(600);
    let leases = Leases::new(new_mapping::<LeaseRecord>("lease-heartbeat-drop").await);
    let lease = leases.acquire("job", "w-1", LEASE).await.unwrap();
    let heartbeat = lease.keep_alive();
    // Renewed while kept alive...
    tokio::time::sleep(LEASE + LEASE / 2).await;
    assert!(held(&leases, "job").await, "renewed while kept alive");
    drop(heartbeat);
    // ...and left to end once dropped.
    tokio::time::sleep(LEASE * 2).await;
    let next = leases.acquire("job", "w-2", LEASE).await;
    assert!(
        matches!(&next, Ok(l) if l.token() == 2),
        "the lease ended after its KeepAlive was dropped: {next:?}"
    );
}

fn dynamap_time(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

/// Moves the shared clock past `until`, never back.
fn pass_time(clock: &ManualClock, lock: &Mutex<()>, until: SystemTime) {
    let _guard = lock.lock().unwrap();
    if clock.now() <= until {
        clock.set(until + Duration::from_millis(1));
    }
}

/// Four workers hand one lease over a thousand times through a proxy that cuts 10%
/// of the answers after the server applied the request. Time is a shared manual
/// clock that a worker finding the lease held moves past its end, so holders are
/// routinely "paused" past their lease while another takes over. Every fenced write
/// appends to a ledger; in the ledger's order, tokens never go down (no write of an
/// older holder lands after a newer holder's), each token belongs to one holder,
/// every acknowledged write is there exactly once, and no refused one is.
#[tokio::test]
async fn a_thousand_handovers_with_lost_answers_never_let_two_holders_writes_both_land() {
    if !proxy::possible(
        "a_thousand_handovers_with_lost_answers_never_let_two_holders_writes_both_land",
    ) {
        return;
    }
    const HANDOVERS: u32 = 1000;
    let clock = start();
    let records = new_mapping::<LeaseRecord>("lease-handovers").await;
    let ledger = new_mapping::<Ledger>("lease-handover-ledger").await;
    ledger
        .insert(&Ledger {
            id: "L".into(),
            entries: vec![],
        })
        .await
        .unwrap();
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            drop_after: 0.10,
            seed: 37,
            ..FaultPlan::default()
        },
    )
    .await;
    let faulty_leases = Leases::new(through(&proxy, &records).await.with_clock(clock.clone()));
    let faulty_ledger = through(&proxy, &ledger).await;
    let acquired = Arc::new(AtomicU32::new(0));
    let clock_lock = Arc::new(Mutex::new(()));
    #[derive(Default)]
    struct Outcomes {
        acknowledged: Vec<String>,
        refused: Vec<String>,
    }
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let (leases, ledger, clock) =
                (faulty_leases.clone(), faulty_ledger.clone(), clock.clone());
            let (acquired, outcomes, clock_lock) =
                (acquired.clone(), outcomes.clone(), clock_lock.clone());
            tokio::spawn(async move {
                let f = Ledger::fields();
                let me = format!("w{w}");
                let mut seq = 0;
                while acquired.load(Ordering::SeqCst) < HANDOVERS {
                    let lease = match leases
                        .acquire("job", me.clone(), Duration::from_secs(10))
                        .await
                    {
                        Ok(lease) => lease,
                        Err(Error::LeaseHeld { until, .. }) => {
                            // Time passes: the holder is now paused past its lease.
                            pass_time(&clock, &clock_lock, until);
                            continue;
                        }
                        Err(_) => continue, // a lost answer: whether it holds is unknown
                    };
                    acquired.fetch_add(1, Ordering::SeqCst);
                    for _ in 0..2 {
                        seq += 1;
                        let entry = format!("{}:{me}:{seq}", lease.token());
                        let written = dynamap::transaction(ledger.client())
                            .fenced(&lease)
                            .modify(&ledger, "L", |m| m.append(f.entries, [entry.clone()]))
                            .await;
                        {
                            let mut outcomes = outcomes.lock().unwrap();
                            match written {
                                Ok(()) => outcomes.acknowledged.push(entry),
                                Err(Error::LeaseLost { .. }) => outcomes.refused.push(entry),
                                Err(_) => {} // unknown: may or may not have landed
                            }
                        }
                        tokio::task::yield_now().await;
                    }
                    if seq % 4 == 0 {
                        let _ = lease.release().await; // else: abandoned, to lapse
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    assert!(proxy.stats.dropped_after.load(Ordering::Relaxed) > 100);
    let entries = ledger.get("L").await.unwrap().unwrap().entries;
    let outcomes = outcomes.lock().unwrap();
    let mut holders: HashMap<u64, &str> = HashMap::new();
    let mut last = 0;
    for entry in &entries {
        let mut parts = entry.split(':');
        let token: u64 = parts.next().unwrap().parse().unwrap();
        let holder = parts.next().unwrap();
        assert!(
            token >= last,
            "a write with token {token} landed after one with {last}"
        );
        last = token;
        assert_eq!(
            *holders.entry(token).or_insert(holder),
            holder,
            "token {token} had two holders"
        );
    }
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for entry in &entries {
        *counts.entry(entry).or_default() += 1;
    }
    for entry in &outcomes.acknowledged {
        assert_eq!(counts.get(entry.as_str()), Some(&1), "acknowledged {entry}");
    }
    for entry in &outcomes.refused {
        assert_eq!(counts.get(entry.as_str()), None, "refused {entry} landed");
    }
    assert!(
        !outcomes.refused.is_empty(),
        "no holder was ever fenced out"
    );
    assert!(
        holders.len() as u32 >= HANDOVERS / 2,
        "{} tokens wrote",
        holders.len()
    );
}
