//! The fault matrix: throttling, server errors, delays, connections cut before and
//! after the server acted, batch items left unprocessed, all through a loopback proxy in
//! front of DynamoDB Local. Nothing may be lost, duplicated or double-applied where
//! RELIABILITY.md says it cannot be.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use dynamap::prelude::*;
use dynamap::{config::RetryPolicy, reads::PageToken, Error};
use dynamap_tests::proxy::{self, cut_first_answer, through, FaultPlan, FaultProxy};
use dynamap_tests::{insert_all, new_mapping};
use futures::{StreamExt, TryStreamExt};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Entry {
    #[dynamo(partition_key)]
    group: String,
    #[dynamo(sort_key)]
    seq: u32,
    body: String,
}

/// The server behind the proxy.
fn upstream() -> String {
    dynamap_tests::endpoint()
}

fn entries(n: u32) -> Vec<Entry> {
    (0..n)
        .map(|seq| Entry {
            group: format!("g{}", seq % 5),
            seq,
            body: format!("entry {seq}"),
        })
        .collect()
}

#[tokio::test]
async fn bulk_load_through_throttling_and_cut_connections_loses_nothing() {
    if !proxy::possible("bulk_load_through_throttling_and_cut_connections_loses_nothing") {
        return;
    }
    let table = new_mapping::<Entry>("proxy-bulk").await;
    let proxy = FaultProxy::start(
        &upstream(),
        FaultPlan {
            throttle: 0.20,
            drop_before: 0.025,
            drop_after: 0.025,
            unprocessed: 0.10,
            ..FaultPlan::default()
        },
    )
    .await;
    let faulty = through(&proxy, &table).await;
    let all = entries(5_000);
    let report = faulty
        .insert_many(all.clone())
        .max_attempts(40)
        .await
        .unwrap();
    assert_eq!(
        report.written, 5_000,
        "success is reported for exactly what landed"
    );

    let stats = &proxy.stats;
    let (throttled, cut_before, cut_after, bounced) = (
        stats.throttled.load(Ordering::Relaxed),
        stats.dropped_before.load(Ordering::Relaxed),
        stats.dropped_after.load(Ordering::Relaxed),
        stats.bounced.load(Ordering::Relaxed),
    );
    eprintln!("bulk: {} requests, {throttled} throttled, {cut_before} cut before, {cut_after} cut after, {bounced} items bounced",
        stats.requests.load(Ordering::Relaxed));
    assert!(throttled > 0 && cut_before > 0 && cut_after > 0 && bounced > 0);

    // Every item present exactly once, each as written (read without the proxy).
    assert_eq!(table.count().await.unwrap(), 5_000);
    let keys: Vec<(String, u32)> = all.iter().map(|e| e.key()).collect();
    assert_eq!(table.get_many(keys).await.unwrap(), all);
}

/// Reads every page, resuming from the last good page's token whenever a page fails
/// for good, as a client of the stream would.
async fn resume_until_done(
    make: impl Fn(
        Option<PageToken>,
    )
        -> futures::stream::BoxStream<'static, dynamap::Result<dynamap::reads::Page<Entry>>>,
) -> (Vec<u32>, u32) {
    let mut seen = Vec::new();
    let mut token = None;
    let mut resumed = 0;
    loop {
        let mut pages = make(token.clone());
        let mut finished = true;
        loop {
            match pages.try_next().await {
                Ok(Some(page)) => {
                    seen.extend(page.items().iter().map(|e| e.seq));
                    match page.next_token() {
                        Some(next) => token = Some(next.clone()),
                        None => break,
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    finished = false;
                    resumed += 1;
                    break;
                }
            }
        }
        if finished {
            return (seen, resumed);
        }
        assert!(resumed < 200, "resumed too often");
    }
}

#[tokio::test]
async fn scans_and_queries_resume_after_faults_with_every_item_once() {
    if !proxy::possible("scans_and_queries_resume_after_faults_with_every_item_once") {
        return;
    }
    let table = new_mapping::<Entry>("proxy-scan").await;
    insert_all(&table, entries(2_000)).await;
    let proxy = FaultProxy::start(
        &upstream(),
        FaultPlan {
            throttle: 0.25,
            server_error: 0.10,
            drop_before: 0.05,
            drop_after: 0.05,
            delay: (0.10, Duration::from_millis(20)),
            ..FaultPlan::default()
        },
    )
    .await;
    // One attempt per page: every fault surfaces, and the reader must resume.
    let client = dynamap::connect()
        .local(proxy.url.clone())
        .retry(RetryPolicy::none())
        .await
        .unwrap();
    let faulty = TypedMapping::<Entry>::new(client, table.table_name());

    let (seen, resumed) = resume_until_done(|token| {
        let mut scan = faulty.scan().page_size(50);
        if let Some(token) = token {
            scan = scan.start_from(token);
        }
        scan.pages()
    })
    .await;
    assert!(resumed > 0, "faults were hit");
    assert_eq!(seen.len(), 2_000, "no duplicates");
    assert_eq!(
        seen.iter().copied().collect::<BTreeSet<u32>>(),
        (0..2_000).collect(),
        "no gaps"
    );

    let (seen, resumed) = resume_until_done(|token| {
        let mut query = faulty.query("g3").page_size(25);
        if let Some(token) = token {
            query = query.start_from(token);
        }
        query.pages()
    })
    .await;
    assert!(resumed > 0);
    assert_eq!(seen.len(), 400);
    assert_eq!(
        seen.iter().copied().collect::<BTreeSet<u32>>(),
        (0..2_000).filter(|s| s % 5 == 3).collect()
    );
    // With retries (each page request retried by the SDK), a plain stream rides
    // through the same faults by itself: every item once, nothing for the caller to do.
    let retrying = through(&proxy, &table).await;
    let all: Vec<u32> = retrying
        .scan()
        .page_size(50)
        .stream()
        .map_ok(|e| e.seq)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2_000);
    assert_eq!(all.iter().copied().collect::<BTreeSet<u32>>().len(), 2_000);
    eprintln!(
        "scan/query: {} requests, {} faults",
        proxy.stats.requests.load(Ordering::Relaxed),
        proxy.stats.faults()
    );
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    balance: i64,
    #[dynamo(version)]
    version: u64,
}

#[tokio::test]
async fn an_ambiguous_failure_never_double_applies_a_guarded_change() {
    if !proxy::possible("an_ambiguous_failure_never_double_applies_a_guarded_change") {
        return;
    }
    let accounts = new_mapping::<Account>("proxy-ambiguous").await;
    let key = "a".to_string();
    accounts
        .insert(&Account {
            id: key.clone(),
            balance: 100,
            version: 0,
        })
        .await
        .unwrap();
    let f = Account::fields();

    // The hazard: an unguarded add whose answer is lost is sent again by the SDK's
    // retry, and applied twice. RELIABILITY.md says so; this shows it.
    let proxy = cut_first_answer(&[]).await;
    let faulty = through(&proxy, &accounts).await;
    faulty.modify(&key).add(f.balance, 10).await.unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    assert_eq!(
        accounts.get(&key).await.unwrap().unwrap().balance,
        120,
        "applied twice"
    );

    // Guarded by the version: the retry fails its condition, so the change lands once.
    // The caller sees ConditionFailed and re-reads to learn that its change is there.
    let version = accounts.get(&key).await.unwrap().unwrap().version;
    let proxy = cut_first_answer(&[]).await;
    let faulty = through(&proxy, &accounts).await;
    let result = faulty
        .modify(&key)
        .add(f.balance, 10)
        .when(f.version.eq(version))
        .await;
    assert!(
        matches!(result, Err(Error::ConditionFailed { .. })),
        "{result:?}"
    );
    let after = accounts.get(&key).await.unwrap().unwrap();
    assert_eq!(
        (after.balance, after.version),
        (130, version + 1),
        "applied once"
    );

    // A transaction with a client request token: the retry is recognised and succeeds
    // without applying again.
    let proxy = cut_first_answer(&[]).await;
    let faulty = through(&proxy, &accounts).await;
    dynamap::transaction(faulty.client())
        .modify(&faulty, &key, |m| m.add(f.balance, 10))
        .client_request_token(format!("deposit-{}", dynamap_tests::unique_suffix()))
        .await
        .unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    assert_eq!(
        accounts.get(&key).await.unwrap().unwrap().balance,
        140,
        "applied once"
    );
}

#[tokio::test]
async fn a_slow_server_and_rejected_credentials_give_typed_errors() {
    if !proxy::possible("a_slow_server_and_rejected_credentials_give_typed_errors") {
        return;
    }
    let accounts = new_mapping::<Account>("proxy-errors").await;
    let proxy = FaultProxy::start(
        &upstream(),
        FaultPlan {
            delay: (1.0, Duration::from_secs(3)),
            max_faults: 1,
            ..FaultPlan::default()
        },
    )
    .await;
    let slow = through(&proxy, &accounts)
        .await
        .with_retry(RetryPolicy::none())
        .with_timeouts(dynamap::config::Timeouts::default().operation(Duration::from_millis(500)));
    let err = slow.get(&"a".to_string()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");

    let proxy = FaultProxy::start(
        &upstream(),
        FaultPlan {
            reject_credentials: 1.0,
            ..FaultPlan::default()
        },
    )
    .await;
    let refused = through(&proxy, &accounts).await;
    let err = refused.get(&"a".to_string()).await.unwrap_err();
    let code = err
        .sdk_error()
        .and_then(|e| aws_sdk_dynamodb::error::ProvideErrorMetadata::code(e).map(str::to_owned));
    assert_eq!(
        code.as_deref(),
        Some("UnrecognizedClientException"),
        "{err:?}"
    );
    assert_eq!(
        proxy.stats.requests.load(Ordering::Relaxed),
        1,
        "a credentials error is not retried"
    );
    let err = refused
        .insert_many(entries_for_accounts())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BatchIncomplete { completed: 0, remaining, .. } if remaining.len() == 3),
        "{err:?}"
    );
    // The items come back typed, in input order, and so do their keys.
    let mut unwritten: Vec<Account> = err.remaining().unwrap();
    unwritten.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(unwritten, entries_for_accounts());
    let mut keys: Vec<String> = err.remaining_keys::<Account>().unwrap();
    keys.sort();
    assert_eq!(keys, ["x0", "x1", "x2"]);
    assert!(Error::NotFound { table: "t".into() }
        .remaining::<Account>()
        .unwrap()
        .is_empty());
}

fn entries_for_accounts() -> Vec<Account> {
    (0..3)
        .map(|i| Account {
            id: format!("x{i}"),
            balance: 0,
            version: 0,
        })
        .collect()
}

/// A page whose resume key is the key it started after (a server that made no
/// progress) is an `Error::UnexpectedAnswer` at once: asking for the same page again
/// would read it for ever, and hand its items out each time.
#[tokio::test]
async fn a_page_that_resumes_where_it_started_is_an_error_not_a_loop() {
    if !proxy::possible("a_page_that_resumes_where_it_started_is_an_error_not_a_loop") {
        return;
    }
    let table = new_mapping::<Entry>("proxy-stall").await;
    insert_all(&table, entries(60)).await;
    let proxy = FaultProxy::start(
        &upstream(),
        FaultPlan {
            stall_pages: 1.0,
            max_faults: 20,
            ..FaultPlan::default()
        },
    )
    .await;
    let faulty = through(&proxy, &table).await;
    for read in [
        faulty.scan().page_size(7).stream().boxed(),
        faulty.query("g1").page_size(3).stream().boxed(),
    ] {
        let got = tokio::time::timeout(Duration::from_secs(20), read.try_collect::<Vec<Entry>>())
            .await
            .expect("the read ends");
        match got {
            Err(Error::UnexpectedAnswer { problem, .. }) => {
                assert!(problem.contains("no progress"), "{problem}")
            }
            other => panic!("expected UnexpectedAnswer, got {other:?}"),
        }
    }
    let counted = faulty.query("g2").page_size(2).count().await;
    assert!(
        matches!(counted, Err(Error::UnexpectedAnswer { .. })),
        "{counted:?}"
    );
    assert_eq!(
        proxy.stats.stalled.load(Ordering::Relaxed),
        3,
        "one stalled page each"
    );
}
