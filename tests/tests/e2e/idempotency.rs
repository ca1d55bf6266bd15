//! Idempotent handlers (#37 item 1): a key's handler runs once across concurrent and
//! retried calls, later calls get its stored result, a failure frees the key, and a
//! lost answer neither runs the handler twice nor leaves the key claimed past its
//! bound.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use dynamap::config::ManualClock;
use dynamap::idempotency::{Idempotency, IdempotencyRecord, IdempotencyStatus};
use dynamap::value::Serde;
use dynamap::{Error, TypedMapping};

use dynamap_tests::proxy::{self, cut_first_answer, through, FaultPlan, FaultProxy};

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct Receipt {
    charge: String,
    cents: u64,
}

#[derive(serde::Serialize)]
struct Charge<'a> {
    order: &'a str,
    cents: u64,
}

fn start() -> ManualClock {
    ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_800_000_000))
}

/// A table of records without time to live: these tests never wait for the server to
/// delete a record (dynamap takes an expired one for absent itself), and DynamoDB
/// Local's one TTL sweeper slows with every table that has it on, while the lifecycle
/// tests wait for it.
async fn records(prefix: &str) -> TypedMapping<IdempotencyRecord> {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    let client = dynamap_tests::client().await;
    let name = dynamap_tests::unique_table_name(prefix);
    client
        .create_table()
        .table_name(&name)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    TypedMapping::new(client, name)
}

/// A handler that counts its runs and answers with a receipt unique to the run.
fn charging(
    runs: &Arc<AtomicU32>,
    pause: Duration,
) -> impl FnOnce() -> futures::future::BoxFuture<'static, Result<Serde<Receipt>, Error>> {
    let runs = runs.clone();
    move || {
        Box::pin(async move {
            let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(pause).await;
            Ok(Serde(Receipt {
                charge: format!("ch-{run}-{}", fastrand::u64(..)),
                cents: 1250,
            }))
        })
    }
}

#[tokio::test]
async fn thirty_two_concurrent_calls_of_one_key_run_the_handler_once_and_all_get_its_result() {
    let idempotency =
        Idempotency::new(records("idem-32").await, "charge").wait_while_in_progress(Duration::MAX);
    let runs = Arc::new(AtomicU32::new(0));
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let idempotency = idempotency.clone();
            let handler = charging(&runs, Duration::from_millis(300));
            tokio::spawn(async move {
                let payload = Charge {
                    order: "o-1",
                    cents: 1250,
                };
                idempotency.run("o-1", &payload, handler).await
            })
        })
        .collect();
    let mut receipts = Vec::new();
    for call in calls {
        receipts.push(call.await.unwrap().unwrap().0);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert!(receipts.iter().all(|r| *r == receipts[0]), "{receipts:?}");
    let stored = idempotency
        .mapping()
        .get("charge#o-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, IdempotencyStatus::Completed);
    assert_eq!(stored.in_progress_expiration, None);
}

#[tokio::test]
async fn a_call_while_the_key_runs_is_in_progress_and_a_later_one_gets_the_stored_result() {
    let clock = start();
    let idempotency = Idempotency::new(
        records("idem-busy").await.with_clock(clock.clone()),
        "charge",
    )
    .in_progress_bound(Duration::from_secs(30));
    let (go, wait) = tokio::sync::oneshot::channel::<()>();
    let first = {
        let idempotency = idempotency.clone();
        tokio::spawn(async move {
            idempotency
                .run("o-2", &"pay", || async move {
                    wait.await.unwrap();
                    Ok::<_, Error>(7u32)
                })
                .await
        })
    };
    // Once the first call has claimed the key (its record is stored), a second call
    // is refused without running.
    while idempotency
        .mapping()
        .get("charge#o-2")
        .await
        .unwrap()
        .is_none()
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let refused = idempotency
        .run("o-2", &"pay", || async { Ok::<_, Error>(8u32) })
        .await;
    let Err(Error::InProgress { key, until }) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(key, "charge#o-2");
    assert_eq!(until, clock_now(&clock) + Duration::from_secs(30));
    go.send(()).unwrap();
    assert_eq!(first.await.unwrap().unwrap(), 7);
    let again = idempotency
        .run("o-2", &"pay", || async { Ok::<_, Error>(9u32) })
        .await
        .unwrap();
    assert_eq!(again, 7, "the stored result, without running the handler");
}

fn clock_now(clock: &ManualClock) -> SystemTime {
    dynamap::config::Clock::now(clock)
}

#[tokio::test]
async fn a_failed_handler_frees_the_key_for_a_retry() {
    let idempotency = Idempotency::new(records("idem-fail").await, "charge");
    let runs = AtomicU32::new(0);
    let failed = idempotency
        .run("o-3", &(), || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Err::<u32, _>(Error::Config("card declined".into()))
        })
        .await;
    assert!(matches!(failed, Err(Error::Config(_))), "{failed:?}");
    assert_eq!(idempotency.mapping().get("charge#o-3").await.unwrap(), None);
    let retried = idempotency
        .run("o-3", &(), || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Error>(5u32)
        })
        .await
        .unwrap();
    assert_eq!((retried, runs.load(Ordering::SeqCst)), (5, 2));
}

/// The caller's own error type carries dynamap's through `From`.
#[derive(Debug)]
enum HandlerError {
    Store(Error),
}

impl From<Error> for HandlerError {
    fn from(e: Error) -> Self {
        HandlerError::Store(e)
    }
}

#[tokio::test]
async fn another_payload_for_a_key_is_refused_when_payloads_are_validated() {
    let mapping = records("idem-payload").await;
    let lenient = Idempotency::new(mapping.clone(), "charge");
    let strict = lenient.clone().validate_payload(true);
    let first = Charge {
        order: "o-4",
        cents: 100,
    };
    let other = Charge {
        order: "o-4",
        cents: 999,
    };
    let done: u32 = strict
        .run("o-4", &first, || async { Ok::<_, HandlerError>(1) })
        .await
        .unwrap();
    assert_eq!(done, 1);
    let refused = strict
        .run("o-4", &other, || async { Ok::<u32, HandlerError>(2) })
        .await;
    match refused {
        Err(HandlerError::Store(Error::PayloadMismatch { key })) => assert_eq!(key, "charge#o-4"),
        other => panic!("{other:?}"),
    }
    // Equal payloads, and any payload when validation is off: the stored result.
    let same = Charge {
        order: "o-4",
        cents: 100,
    };
    assert_eq!(
        strict
            .run("o-4", &same, || async { Ok::<u32, HandlerError>(3) })
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        lenient
            .run("o-4", &other, || async { Ok::<u32, HandlerError>(4) })
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_crashed_calls_claim_lapses_after_its_bound_and_a_record_after_its_expiry() {
    let clock = start();
    let idempotency =
        Idempotency::new(records("idem-lapse").await.with_clock(clock.clone()), "job")
            .in_progress_bound(Duration::from_secs(10))
            .expires_after(Duration::from_secs(3600));
    // A call that dies while its handler runs (the future dropped mid-way).
    let crashed = idempotency.run("k", &(), std::future::pending::<Result<u32, Error>>);
    assert!(tokio::time::timeout(Duration::from_millis(300), crashed)
        .await
        .is_err());
    let busy = idempotency
        .run("k", &(), || async { Ok::<_, Error>(1u32) })
        .await;
    assert!(matches!(busy, Err(Error::InProgress { .. })), "{busy:?}");
    clock.advance(Duration::from_secs(10));
    let taken = idempotency
        .run("k", &(), || async { Ok::<_, Error>(2u32) })
        .await
        .unwrap();
    assert_eq!(taken, 2, "the lapsed claim is taken over");
    clock.advance(Duration::from_secs(3599));
    assert_eq!(
        idempotency
            .run("k", &(), || async { Ok::<_, Error>(3u32) })
            .await
            .unwrap(),
        2
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        idempotency
            .run("k", &(), || async { Ok::<_, Error>(4u32) })
            .await
            .unwrap(),
        4,
        "an expired record (DynamoDB deletes it only later) runs the key again"
    );
}

/// A call that outlives its claim (the bound was too short) finds the key taken over:
/// its late result does not replace the taker's, and its late failure does not delete
/// the taker's claim.
#[tokio::test]
async fn a_call_that_outlived_its_claim_leaves_the_takers_record_alone() {
    let clock = start();
    let idempotency = Idempotency::new(
        records("idem-outlived").await.with_clock(clock.clone()),
        "job",
    )
    .in_progress_bound(Duration::from_secs(10));
    for (key, late_fails) in [("late-success", false), ("late-failure", true)] {
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let slow = {
            let idempotency = idempotency.clone();
            tokio::spawn(async move {
                idempotency
                    .run(key, &(), || async move {
                        wait.await.unwrap();
                        if late_fails {
                            Err(Error::Config("late".into()))
                        } else {
                            Ok(1u32)
                        }
                    })
                    .await
            })
        };
        let id = format!("job#{key}");
        let slow_claim = loop {
            match idempotency.mapping().get(&id).await.unwrap() {
                Some(record) => break record.attempt,
                None => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        };
        clock.advance(Duration::from_secs(10));
        if late_fails {
            // The taker is still running when the late call fails.
            let (taker_go, taker_wait) = tokio::sync::oneshot::channel::<()>();
            let taker = {
                let idempotency = idempotency.clone();
                tokio::spawn(async move {
                    idempotency
                        .run(key, &(), || async move {
                            taker_wait.await.unwrap();
                            Ok::<_, Error>(2u32)
                        })
                        .await
                })
            };
            while idempotency
                .mapping()
                .get(&id)
                .await
                .unwrap()
                .unwrap()
                .attempt
                == slow_claim
            {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            go.send(()).unwrap();
            assert!(slow.await.unwrap().is_err());
            let busy = idempotency
                .run(key, &(), || async { Ok::<_, Error>(3u32) })
                .await;
            assert!(
                matches!(busy, Err(Error::InProgress { .. })),
                "the taker's claim stands: {busy:?}"
            );
            taker_go.send(()).unwrap();
            assert_eq!(taker.await.unwrap().unwrap(), 2);
        } else {
            let taken = idempotency
                .run(key, &(), || async { Ok::<_, Error>(2u32) })
                .await
                .unwrap();
            assert_eq!(taken, 2);
            go.send(()).unwrap();
            assert_eq!(
                slow.await.unwrap().unwrap(),
                1,
                "the late call's own result, to its caller"
            );
        }
        let later = idempotency
            .run(key, &(), || async { Ok::<_, Error>(4u32) })
            .await
            .unwrap();
        assert_eq!(later, 2, "{key}: the taker's result is the key's");
    }
}

/// A claim stored without a bound (by another library) lapses only with its record:
/// a waiting call polls at its interval, then reports the record's expiry.
#[tokio::test]
async fn a_claim_without_a_bound_lapses_with_its_record() {
    let clock = start();
    let idempotency = Idempotency::new(
        records("idem-unbounded").await.with_clock(clock.clone()),
        "job",
    )
    .wait_while_in_progress(Duration::from_millis(300));
    let expiration = clock_now(&clock) + Duration::from_secs(600);
    let foreign = IdempotencyRecord {
        id: "job#k".into(),
        status: IdempotencyStatus::InProgress,
        expiration,
        in_progress_expiration: None,
        validation: None,
        data: None,
        attempt: "elsewhere".into(),
    };
    idempotency.mapping().insert(&foreign).await.unwrap();
    let started = std::time::Instant::now();
    match idempotency
        .run("k", &(), || async { Ok::<_, Error>(1u32) })
        .await
    {
        Err(Error::InProgress { until, .. }) => assert_eq!(until, expiration),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() >= Duration::from_millis(300));
    clock.advance(Duration::from_secs(600));
    assert_eq!(
        idempotency
            .run("k", &(), || async { Ok::<_, Error>(2u32) })
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn a_claim_ends_at_the_invocations_deadline_or_its_bound_whichever_is_sooner() {
    let clock = start();
    let idempotency = Idempotency::new(
        records("idem-deadline").await.with_clock(clock.clone()),
        "fn",
    )
    .in_progress_bound(Duration::from_secs(60));
    let deadline = clock_now(&clock) + Duration::from_secs(5);
    let for_invocation = idempotency.until(deadline);
    let stuck = for_invocation.run("k", &(), std::future::pending::<Result<u32, Error>>);
    assert!(tokio::time::timeout(Duration::from_millis(300), stuck)
        .await
        .is_err());
    let record = idempotency.mapping().get("fn#k").await.unwrap().unwrap();
    let ms = deadline.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    assert_eq!(record.in_progress_expiration, Some(ms));
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        idempotency
            .run("k", &(), || async { Ok::<_, Error>(1u32) })
            .await
            .unwrap(),
        1
    );
    // A deadline later than the bound: the bound ends the claim.
    let later = idempotency.until(clock_now(&clock) + Duration::from_secs(600));
    let stuck = later.run("k2", &(), std::future::pending::<Result<u32, Error>>);
    assert!(tokio::time::timeout(Duration::from_millis(300), stuck)
        .await
        .is_err());
    let record = idempotency.mapping().get("fn#k2").await.unwrap().unwrap();
    let bound = clock_now(&clock) + Duration::from_secs(60);
    let ms = bound.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    assert_eq!(record.in_progress_expiration, Some(ms));
}

/// The claim's answer lost (the PutItem applied), or the result's (the UpdateItem
/// applied): the handler runs once, the record completes, a later call gets the result.
#[tokio::test]
async fn a_lost_answer_to_the_claim_or_the_result_does_not_run_the_handler_twice() {
    if !proxy::possible("a_lost_answer_to_the_claim_or_the_result_does_not_run_the_handler_twice") {
        return;
    }
    const CLAIM: &[&str] = &["PutItem"];
    const RESULT: &[&str] = &["UpdateItem"];
    let mapping = records("idem-lost").await;
    for (key, cut) in [("claim-lost", CLAIM), ("result-lost", RESULT)] {
        let proxy = cut_first_answer(cut).await;
        let faulty = Idempotency::new(through(&proxy, &mapping).await, "charge");
        let runs = Arc::new(AtomicU32::new(0));
        let receipt = faulty
            .run(key, &(), charging(&runs, Duration::ZERO))
            .await
            .unwrap();
        assert_eq!(
            proxy.stats.dropped_after.load(Ordering::Relaxed),
            1,
            "{key}"
        );
        let stored = mapping
            .get(&format!("charge#{key}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, IdempotencyStatus::Completed, "{key}");
        let again = Idempotency::new(mapping.clone(), "charge")
            .run(key, &(), charging(&runs, Duration::ZERO))
            .await
            .unwrap();
        assert_eq!((again, runs.load(Ordering::SeqCst)), (receipt, 1), "{key}");
    }
}

/// A claim whose every answer is lost: the call fails without running the handler,
/// and the key is free again at once (the claim deleted) or, when the delete cannot
/// reach the server either, once the claim's bound passes.
#[tokio::test]
async fn a_claim_that_cannot_be_confirmed_leaves_the_key_free_or_claimed_only_until_its_bound() {
    if !proxy::possible(
        "a_claim_that_cannot_be_confirmed_leaves_the_key_free_or_claimed_only_until_its_bound",
    ) {
        return;
    }
    const NONE: &[&str] = &[];
    const DELETES: &[&str] = &["DeleteItem"];
    let clock = start();
    let mapping = records("idem-unconfirmed").await.with_clock(clock.clone());
    let runs = Arc::new(AtomicU32::new(0));
    for (key, unreachable) in [("claim-freed", NONE), ("claim-kept", DELETES)] {
        let runs_before = runs.load(Ordering::SeqCst);
        let proxy = FaultProxy::start(
            &dynamap_tests::endpoint(),
            FaultPlan {
                drop_after: 1.0,
                only: &["PutItem"],
                unreachable,
                ..FaultPlan::default()
            },
        )
        .await;
        let cut = Idempotency::new(
            through(&proxy, &mapping).await.with_clock(clock.clone()),
            "charge",
        )
        .in_progress_bound(Duration::from_secs(20));
        let failed = cut.run(key, &(), charging(&runs, Duration::ZERO)).await;
        assert!(
            matches!(
                failed,
                Err(Error::Connection { .. } | Error::Timeout { .. })
            ),
            "{key}: {failed:?}"
        );
        assert_eq!(
            runs.load(Ordering::SeqCst),
            runs_before,
            "{key}: the handler never ran"
        );
        let plain = Idempotency::new(mapping.clone(), "charge");
        if unreachable == DELETES {
            let busy = plain.run(key, &(), charging(&runs, Duration::ZERO)).await;
            assert!(matches!(busy, Err(Error::InProgress { .. })), "{busy:?}");
            clock.advance(Duration::from_secs(20));
        }
        plain
            .run(key, &(), charging(&runs, Duration::ZERO))
            .await
            .unwrap();
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}
