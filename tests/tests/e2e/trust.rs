//! Trust: a lost answer is never turned into a wrong one (applied twice, reported as
//! failed when it succeeded, or as "nothing there" when it took something), and bulk
//! loads leave items every other write path can work with.

use std::sync::atomic::Ordering;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::prelude::*;
use dynamap::{config::RetryPolicy, Error};
use dynamap_tests::new_mapping;
use dynamap_tests::proxy::{self, cut_first_answer, through, FaultPlan, FaultProxy};
use futures::StreamExt as _;

/// Another client sets one attribute of the item whose partition key `id` is `key`.
async fn set_behind_our_back<T: DynamoItem>(
    table: &TypedMapping<T>,
    key: &str,
    name: &str,
    value: AttributeValue,
) {
    table
        .client()
        .update_item()
        .table_name(table.table_name())
        .key("id", AttributeValue::S(key.into()))
        .update_expression("SET #a = :a")
        .expression_attribute_names("#a", name)
        .expression_attribute_values(":a", value)
        .send()
        .await
        .unwrap();
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    balance: i64,
    #[dynamo(version)]
    version: u64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Wallet {
    #[dynamo(partition_key)]
    id: String,
    balance: i64,
    nick: Option<String>,
}

#[tokio::test]
async fn update_after_a_lost_answer_applies_once() {
    if !proxy::possible("update_after_a_lost_answer_applies_once") {
        return;
    }
    let accounts = new_mapping::<Account>("trust-update").await;
    let wallets = new_mapping::<Wallet>("trust-update-w").await;
    accounts
        .insert(&Account {
            id: "a".into(),
            balance: 100,
            version: 0,
        })
        .await
        .unwrap();
    wallets
        .insert(&Wallet {
            id: "w".into(),
            balance: 100,
            nick: None,
        })
        .await
        .unwrap();

    let proxy = cut_first_answer(&["UpdateItem"]).await;
    let faulty = through(&proxy, &accounts).await;
    let written = faulty.update_with("a", |a| a.balance += 10).await.unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    let stored = accounts.get("a").await.unwrap().unwrap();
    assert_eq!(
        (stored.balance, stored.version),
        (110, 2),
        "versioned: applied once"
    );
    assert_eq!(written, stored);

    let proxy = cut_first_answer(&["UpdateItem"]).await;
    let faulty = through(&proxy, &wallets).await;
    let written = faulty.update_with("w", |w| w.balance += 10).await.unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    let stored = wallets.get("w").await.unwrap().unwrap();
    assert_eq!(stored.balance, 110, "unversioned: applied once");
    assert_eq!(written, stored);
}

#[tokio::test]
async fn conditional_puts_after_a_lost_answer_report_their_own_success() {
    if !proxy::possible("conditional_puts_after_a_lost_answer_report_their_own_success") {
        return;
    }
    let wallets = new_mapping::<Wallet>("trust-put").await;
    let w = Wallet {
        id: "w".into(),
        balance: 5,
        nick: None,
    };
    let proxy = cut_first_answer(&["PutItem"]).await;
    let faulty = through(&proxy, &wallets).await;
    faulty.insert_if_absent(&w).await.unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    // Without the lost answer, the same call is a real ConditionFailed.
    assert!(matches!(
        wallets.insert_if_absent(&w).await,
        Err(Error::ConditionFailed { .. })
    ));

    let f = Wallet::fields();
    let richer = Wallet {
        balance: 50,
        ..w.clone()
    };
    let proxy = cut_first_answer(&["PutItem"]).await;
    let faulty = through(&proxy, &wallets).await;
    faulty.insert(&richer).when(f.balance.lt(10)).await.unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    assert_eq!(wallets.get("w").await.unwrap(), Some(richer));

    // A versioned insert: the retry finds version 1 stored, which is ours.
    let accounts = new_mapping::<Account>("trust-put-v").await;
    let proxy = cut_first_answer(&["PutItem"]).await;
    let faulty = through(&proxy, &accounts).await;
    faulty
        .insert(&Account {
            id: "a".into(),
            balance: 1,
            version: 0,
        })
        .await
        .unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    assert_eq!(accounts.get("a").await.unwrap().unwrap().version, 1);
}

#[tokio::test]
async fn a_remove_whose_answer_is_lost_never_claims_there_was_nothing() {
    if !proxy::possible("a_remove_whose_answer_is_lost_never_claims_there_was_nothing") {
        return;
    }
    let wallets = new_mapping::<Wallet>("trust-remove").await;
    for id in ["a", "b"] {
        wallets
            .insert(&Wallet {
                id: id.into(),
                balance: 1,
                nick: None,
            })
            .await
            .unwrap();
    }
    let proxy = cut_first_answer(&["DeleteItem"]).await;
    let faulty = through(&proxy, &wallets).await;
    let err = faulty.remove("a").await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(
        !wallets.contains_key("a").await.unwrap(),
        "the first attempt took it"
    );

    let proxy = cut_first_answer(&["DeleteItem"]).await;
    let faulty = through(&proxy, &wallets).await;
    let err = faulty
        .remove("b")
        .when(Wallet::fields().balance.eq(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(!wallets.contains_key("b").await.unwrap());
}

#[tokio::test]
async fn bulk_loaded_versioned_items_can_be_written_back() {
    let accounts = new_mapping::<Account>("trust-bulk-version").await;
    let all: Vec<Account> = (0..30)
        .map(|i| Account {
            id: format!("a{i}"),
            balance: i,
            version: 0,
        })
        .collect();
    accounts.insert_many(all).await.unwrap();
    // Stored as insert stores it: version 1.
    let read = accounts.get("a3").await.unwrap().unwrap();
    assert_eq!(read.version, 1);
    accounts.insert(&read).await.unwrap();
    assert_eq!(accounts.get("a3").await.unwrap().unwrap().version, 2);
    let updated = accounts
        .update_with("a4", |a| a.balance += 1)
        .await
        .unwrap();
    assert_eq!((updated.balance, updated.version), (5, 2));
    // A stale copy still conflicts.
    assert!(matches!(
        accounts.insert(&read).await,
        Err(Error::VersionConflict {
            expected: 1,
            found: Some(2),
            ..
        })
    ));
}

#[tokio::test]
async fn version_zero_also_means_stored_without_a_version() {
    let accounts = new_mapping::<Account>("trust-version-zero").await;
    // Written by another client: no version attribute at all, or version 0.
    for (id, version) in [("none", None), ("zero", Some("0"))] {
        let mut put = accounts
            .client()
            .put_item()
            .table_name(accounts.table_name())
            .item("id", aws_sdk_dynamodb::types::AttributeValue::S(id.into()))
            .item(
                "balance",
                aws_sdk_dynamodb::types::AttributeValue::N("1".into()),
            );
        if let Some(v) = version {
            put = put.item(
                "version",
                aws_sdk_dynamodb::types::AttributeValue::N(v.into()),
            );
        }
        put.send().await.unwrap();
    }
    accounts
        .insert(&Account {
            id: "none".into(),
            balance: 2,
            version: 0,
        })
        .await
        .unwrap();
    let zero = accounts.get("zero").await.unwrap().unwrap();
    assert_eq!(zero.version, 0);
    accounts.insert(&zero).await.unwrap();
    assert_eq!(accounts.get("zero").await.unwrap().unwrap().version, 1);
    // An item stored at version 3 is not version 0.
    assert!(matches!(
        accounts
            .insert(&Account {
                id: "zero".into(),
                balance: 9,
                version: 0
            })
            .await,
        Err(Error::VersionConflict {
            expected: 0,
            found: Some(1),
            ..
        })
    ));
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Doc {
    #[dynamo(partition_key)]
    id: String,
    body: String,
}

#[tokio::test]
async fn a_bad_item_in_a_bulk_load_is_named_and_the_rest_are_written() {
    let docs = new_mapping::<Doc>("trust-bulk-bad").await;
    let mut all: Vec<Doc> = (0..40)
        .map(|i| Doc {
            id: format!("d{i:02}"),
            body: "ok".into(),
        })
        .collect();
    all[10].body = "x".repeat(dynamap::value::MAX_ITEM_SIZE);
    all[25].id = "k".repeat(2049); // over DynamoDB's 2,048-byte partition key limit
    match docs.insert_many(all).await.unwrap_err() {
        Error::BatchIncomplete {
            completed,
            read,
            remaining,
            rejected,
            ..
        } => {
            assert_eq!(completed, 38);
            assert_eq!(read, 40);
            assert!(remaining.is_empty());
            let indexes: Vec<usize> = rejected.iter().map(|r| r.index).collect();
            assert_eq!(indexes, [10, 25]);
            assert!(matches!(rejected[0].error, Error::ItemTooLarge { .. }));
            assert!(
                rejected[1].error.to_string().contains("2,048"),
                "{}",
                rejected[1].error
            );
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
    assert_eq!(docs.count().await.unwrap(), 38);
    assert!(!docs.contains_key("d10").await.unwrap());
    assert!(docs.contains_key("d39").await.unwrap());
}

#[tokio::test]
async fn unversioned_update_keeps_concurrent_additions_and_undeclared_attributes() {
    let wallets = new_mapping::<Wallet>("trust-unversioned").await;
    wallets
        .insert(&Wallet {
            id: "w".into(),
            balance: 1,
            nick: None,
        })
        .await
        .unwrap();
    // An attribute the struct does not declare, written by another client.
    set_behind_our_back(&wallets, "w", "other", AttributeValue::S("kept".into())).await;
    let endpoint = dynamap_tests::endpoint();
    let table = wallets.table_name().to_owned();
    let mut calls = 0;
    let written = wallets
        .update_with("w", |w| {
            calls += 1;
            if calls == 1 {
                // Another writer sets the nick (None -> Some) between our read and write.
                let (endpoint, table) = (endpoint.clone(), table.clone());
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Runtime::new().unwrap();
                    rt.block_on(async {
                        let client = dynamap::connect().local(endpoint).await.unwrap();
                        TypedMapping::<Wallet>::new(client, table)
                            .modify("w")
                            .set(Wallet::fields().nick, Some("theirs".to_string()))
                            .await
                            .unwrap();
                    });
                })
                .join()
                .unwrap();
            }
            w.balance += 10;
        })
        .await
        .unwrap();
    assert_eq!(
        calls, 2,
        "the concurrent addition made the first attempt conflict"
    );
    let stored = wallets.get("w").await.unwrap().unwrap();
    assert_eq!(stored, written);
    assert_eq!(
        (stored.balance, stored.nick.as_deref()),
        (11, Some("theirs"))
    );
    let raw = wallets
        .client()
        .get_item()
        .table_name(wallets.table_name())
        .key("id", aws_sdk_dynamodb::types::AttributeValue::S("w".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        raw.item().unwrap()["other"].as_s().unwrap(),
        "kept",
        "update writes only what changed"
    );
}

#[tokio::test]
async fn an_undecodable_item_never_stops_a_paginating_reader() {
    use futures::StreamExt;
    let docs = new_mapping::<Doc>("trust-bad-page").await;
    let all: Vec<Doc> = (0..30)
        .map(|i| Doc {
            id: format!("d{i:02}"),
            body: "ok".into(),
        })
        .collect();
    docs.insert_many(all).await.unwrap();
    // Another writer stored a body that is not a string.
    docs.client()
        .put_item()
        .table_name(docs.table_name())
        .item(
            "id",
            aws_sdk_dynamodb::types::AttributeValue::S("bad".into()),
        )
        .item(
            "body",
            aws_sdk_dynamodb::types::AttributeValue::N("7".into()),
        )
        .send()
        .await
        .unwrap();

    let mut good = Vec::new();
    let mut bad = 0;
    let mut token = None;
    loop {
        let mut scan = docs.scan().page_size(7);
        if let Some(token) = token.take() {
            scan = scan.start_from(token);
        }
        let mut pages = scan.pages();
        let mut resumed = false;
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => good.extend(page.into_items()),
                Err(Error::UndecodablePage {
                    next_token,
                    failures,
                    decoded,
                }) => {
                    bad += failures.len();
                    assert!(
                        failures[0].1.to_string().contains("body"),
                        "{:?}",
                        failures[0]
                    );
                    let err = Error::UndecodablePage {
                        next_token: next_token.clone(),
                        failures,
                        decoded,
                    };
                    good.extend(err.into_decoded::<Doc>().unwrap());
                    // A paginating API stops here and hands out the token.
                    token = next_token;
                    resumed = token.is_some();
                    break;
                }
                Err(e) => panic!("{e}"),
            }
        }
        if !resumed {
            break;
        }
    }
    assert_eq!(bad, 1);
    assert_eq!(good.len(), 30, "every good item, none twice");
    good.sort_by(|a, b| a.id.cmp(&b.id));
    good.dedup();
    assert_eq!(good.len(), 30, "every good item once");
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Line {
    #[dynamo(partition_key)]
    owner: String,
    #[dynamo(sort_key)]
    n: u32,
    secret_note: String,
}

#[tokio::test]
async fn sealed_tokens_resume_their_own_read_only() {
    use futures::TryStreamExt;
    let lines = new_mapping::<Line>("trust-sealed").await;
    let all: Vec<Line> = ["alice", "bob"]
        .iter()
        .flat_map(|owner| {
            (0..25).map(move |n| Line {
                owner: owner.to_string(),
                n,
                secret_note: format!("{owner}-{n}"),
            })
        })
        .collect();
    lines.insert_many(all).await.unwrap();
    let secret = [42_u8; 32];
    // A client pages through alice's lines holding only sealed cursors.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = lines.query("alice").page_size(10);
        if let Some(cursor) = &cursor {
            query = query.start_from_sealed(cursor, &secret);
        }
        let page = query.pages().try_next().await.unwrap().unwrap();
        seen.extend(page.items().iter().map(|l| l.n));
        cursor = page
            .next_token()
            .map(|t| t.seal(&secret))
            .transpose()
            .unwrap();
        if let Some(c) = &cursor {
            assert!(!c.contains("alice"));
            // The same cursor cannot read bob's partition, nor be opened with another secret.
            let err = lines
                .query("bob")
                .start_from_sealed(c, &secret)
                .pages()
                .try_next()
                .await
                .unwrap_err();
            assert!(
                matches!(&err, Error::InvalidPageToken { problem } if problem.contains("not sealed for this read")),
                "{err}"
            );
            assert!(lines
                .query("alice")
                .start_from_sealed(c, &[1; 32])
                .pages()
                .try_next()
                .await
                .is_err());
            assert!(lines
                .scan()
                .start_from_sealed(c, &secret)
                .pages()
                .try_next()
                .await
                .is_err());
        } else {
            break;
        }
    }
    assert_eq!(seen, (0..25).collect::<Vec<u32>>());

    // Scans seal and resume the same way.
    let page = lines
        .scan()
        .page_size(30)
        .pages()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let cursor = page.next_token().unwrap().seal(&secret).unwrap();
    let rest: Vec<Line> = lines
        .scan()
        .start_from_sealed(&cursor, &secret)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(page.len() + rest.len(), 50);
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Small {
    #[dynamo(partition_key)]
    id: String,
    n: u32,
    #[dynamo(version)]
    version: u8,
}

#[tokio::test]
async fn a_version_that_would_not_fit_its_field_is_refused_before_writing() {
    let smalls = new_mapping::<Small>("trust-u8").await;
    smalls
        .insert(&Small {
            id: "s".into(),
            n: 0,
            version: 0,
        })
        .await
        .unwrap();
    // Put the stored version at the top of u8 with a raw write.
    set_behind_our_back(&smalls, "s", "version", AttributeValue::N("255".into())).await;
    let at_top = smalls.get("s").await.unwrap().unwrap();
    assert_eq!(at_top.version, 255);
    for err in [
        smalls.insert(&at_top).await.unwrap_err(),
        smalls.update_with("s", |s| s.n += 1).await.unwrap_err(),
        smalls.insert_many(vec![at_top.clone()]).await.unwrap_err(),
    ] {
        assert!(err.to_string().contains("version"), "{err}");
    }
    assert_eq!(
        smalls.get("s").await.unwrap(),
        Some(at_top),
        "nothing was written"
    );
}

#[tokio::test]
async fn a_parallel_scan_of_too_many_segments_is_refused() {
    use futures::TryStreamExt;
    let docs = new_mapping::<Doc>("trust-segments").await;
    let err = docs
        .scan()
        .segments(1_000_000)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let fine: Vec<Doc> = docs
        .scan()
        .segments(dynamap::reads::MAX_PARALLEL_SEGMENTS)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(fine.is_empty());
}

#[tokio::test]
async fn a_bulk_load_against_a_throttled_table_stops_at_its_deadline_losing_nothing() {
    use dynamap_tests::faults::{faulty_client, Faults};
    let docs = new_mapping::<Doc>("trust-deadline").await;
    // A deadline that is not reached changes nothing.
    let report = docs
        .insert_many((0..60).map(|i| Doc {
            id: format!("early{i}"),
            body: "b".into(),
        }))
        .deadline(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(report.written, 60);
    // Every request throttled; the retry policy alone would keep trying for ages.
    let client = faulty_client(docs.client(), Faults::new(0.0, 1.0));
    let slow = TypedMapping::<Doc>::new(client, docs.table_name()).with_retry(
        RetryPolicy::default()
            .max_attempts(1_000)
            .initial_backoff(Duration::from_millis(50))
            .max_backoff(Duration::from_millis(50)),
    );
    let all: Vec<Doc> = (0..100)
        .map(|i| Doc {
            id: format!("d{i}"),
            body: "b".into(),
        })
        .collect();
    let started = std::time::Instant::now();
    let err = slow
        .insert_many(all)
        .max_attempts(1_000)
        .deadline(Duration::from_millis(400))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "{took:?}");
    match err {
        Error::BatchIncomplete {
            completed,
            remaining,
            source,
            ..
        } => {
            assert_eq!(completed, 0);
            assert_eq!(remaining.len(), 100, "every item handed back");
            assert!(
                took >= Duration::from_millis(350),
                "stopped before its deadline: {took:?}"
            );
            assert!(matches!(*source, Error::Timeout { .. }), "{source:?}");
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
}

#[tokio::test]
async fn an_endless_insert_stream_is_not_drained_after_a_failure() {
    if !proxy::possible("an_endless_insert_stream_is_not_drained_after_a_failure") {
        return;
    }
    let docs = new_mapping::<Doc>("trust-endless").await;
    // Every request refused for good (credentials rejected: never retried).
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            reject_credentials: 1.0,
            ..FaultPlan::default()
        },
    )
    .await;
    let refused = through(&proxy, &docs).await;
    let endless = futures::stream::iter(0_u64..).map(|i| Doc {
        id: format!("d{i}"),
        body: "b".into(),
    });
    let batches = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = batches.clone();
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        refused
            .insert_stream(endless)
            .concurrency(2)
            .on_progress(move |p| seen.store(p.batches, Ordering::SeqCst)),
    )
    .await
    .expect("an endless stream was read on after the failure");
    match outcome.unwrap_err() {
        Error::BatchIncomplete {
            completed,
            read,
            remaining,
            rejected,
            ..
        } => {
            assert_eq!(completed, 0);
            assert!(rejected.is_empty());
            assert!((25..1_000).contains(&read), "read {read}");
            assert_eq!(
                remaining.len() as u64,
                read,
                "everything read is handed back"
            );
            assert_eq!(batches.load(Ordering::SeqCst), 0, "no batch wrote anything");
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
}

/// Ten sends of a batch the client always throttles, under a retry policy whose every
/// wait is drawn from `0..wait`: how long they took, and the error.
async fn throttled_insert_many(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    wait: Duration,
) -> (Duration, Error) {
    let mapping = TypedMapping::<Doc>::new(client.clone(), table).with_retry(
        RetryPolicy::default()
            .max_attempts(1)
            .initial_backoff(wait)
            .max_backoff(wait),
    );
    let started = std::time::Instant::now();
    let err = mapping
        .insert_many(vec![Doc {
            id: "d".into(),
            body: "b".into(),
        }])
        .max_attempts(10)
        .await
        .unwrap_err();
    (started.elapsed(), err)
}

#[tokio::test]
async fn batch_retries_wait_as_the_retry_policy_says() {
    use dynamap_tests::faults::{faulty_client, Faults};
    let docs = new_mapping::<Doc>("trust-batch-policy").await;
    let throttled = faulty_client(docs.client(), Faults::new(0.0, 1.0));
    // A policy of 1 ms waits: ten sends of a throttled batch take milliseconds. (The
    // fixed backoff batches had before, up to 1 s a wait, took seconds.)
    let (took, err) =
        throttled_insert_many(&throttled, docs.table_name(), Duration::from_millis(1)).await;
    assert!(took < Duration::from_millis(800), "{took:?}");
    match err {
        Error::BatchIncomplete {
            remaining, source, ..
        } => {
            assert_eq!(remaining.len(), 1);
            assert!(
                source.sdk_error().is_some(),
                "the throttling error: {source:?}"
            );
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
    // And the waits are there: with a 40 ms policy, nine waits drawn from 0..40 ms
    // (full jitter) add up to more than 40 ms but for odds of 1 in 9! (a loop that did
    // not wait at all would take a few milliseconds).
    let (took, _) =
        throttled_insert_many(&throttled, docs.table_name(), Duration::from_millis(40)).await;
    assert!(
        (Duration::from_millis(40)..Duration::from_secs(5)).contains(&took),
        "{took:?}"
    );
}

#[tokio::test]
async fn missing_credentials_are_not_a_lost_connection_and_are_not_retried() {
    let docs = new_mapping::<Doc>("trust-no-credentials").await;
    // A client with an endpoint and a region but no credentials at all.
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .endpoint_url(dynamap_tests::endpoint())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .build();
    let anonymous = TypedMapping::<Doc>::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        docs.table_name(),
    );
    let err = anonymous.get("d").await.unwrap_err();
    assert!(matches!(err, Error::Sdk { .. }), "{err:?}");
    let started = std::time::Instant::now();
    let err = anonymous
        .insert_many(vec![Doc {
            id: "d".into(),
            body: "b".into(),
        }])
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "retried: {:?}",
        started.elapsed()
    );
    match err {
        Error::BatchIncomplete {
            remaining, source, ..
        } => {
            assert_eq!(remaining.len(), 1);
            assert!(matches!(*source, Error::Sdk { .. }), "{source:?}");
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Blob {
    #[dynamo(partition_key)]
    id: Vec<u8>,
    #[dynamo(sort_key)]
    part: String,
}

#[tokio::test]
async fn bulk_keys_are_judged_by_dynamodbs_limits_to_the_byte() {
    let blobs = new_mapping::<Blob>("trust-key-limits").await;
    let mut all: Vec<Blob> = (0..30_u8)
        .map(|i| Blob {
            id: vec![i, 255 - i],
            part: "p".into(),
        })
        .collect();
    all.push(Blob {
        id: vec![7; 2048],
        part: "p".into(),
    }); // 30: at the limit
    all.push(Blob {
        id: vec![7; 2049],
        part: "p".into(),
    }); // 31: one over
    all.push(Blob {
        id: vec![8],
        part: "s".repeat(1024),
    }); // 32: at the limit
    all.push(Blob {
        id: vec![8],
        part: "s".repeat(1025),
    }); // 33: one over
    match blobs.insert_many(all).await.unwrap_err() {
        Error::BatchIncomplete {
            completed,
            rejected,
            remaining,
            ..
        } => {
            let indexes: Vec<usize> = rejected.iter().map(|r| r.index).collect();
            assert_eq!(indexes, [31, 33]);
            assert_eq!(
                completed, 32,
                "30 distinct binary keys and the two at the limit"
            );
            assert!(remaining.is_empty());
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
    assert_eq!(blobs.count().await.unwrap(), 32);
}

#[tokio::test]
async fn a_transaction_whose_answer_is_lost_is_a_connection_error() {
    if !proxy::possible("a_transaction_whose_answer_is_lost_is_a_connection_error") {
        return;
    }
    let accounts = new_mapping::<Account>("trust-tx-lost").await;
    accounts
        .insert(&Account {
            id: "a".into(),
            balance: 1,
            version: 0,
        })
        .await
        .unwrap();
    let proxy = cut_first_answer(&["TransactWriteItems"]).await;
    let faulty = through(&proxy, &accounts)
        .await
        .with_retry(RetryPolicy::none());
    let f = Account::fields();
    let err = dynamap::transaction(faulty.client())
        .modify(&faulty, "a", |m| m.add(f.balance, 1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
}

/// After a batch fails for good, the unread rest of the input is read into the error:
/// a refused item there is named in `rejected` (not dropped), the others are in
/// `remaining`, and every input item is in one of them.
#[tokio::test]
async fn a_refused_item_in_the_unread_rest_is_named() {
    if !proxy::possible("a_refused_item_in_the_unread_rest_is_named") {
        return;
    }
    let docs = new_mapping::<Doc>("trust-rest-refused").await;
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            reject_credentials: 1.0,
            ..FaultPlan::default()
        },
    )
    .await;
    let refused = through(&proxy, &docs).await;
    let mut all: Vec<Doc> = (0..300)
        .map(|i| Doc {
            id: format!("d{i:03}"),
            body: "ok".into(),
        })
        .collect();
    all[290].body = "x".repeat(dynamap::value::MAX_ITEM_SIZE);
    match refused.insert_many(all).concurrency(1).await.unwrap_err() {
        Error::BatchIncomplete {
            completed,
            read,
            remaining,
            rejected,
            ..
        } => {
            assert_eq!((completed, read), (0, 300));
            let indexes: Vec<usize> = rejected.iter().map(|r| r.index).collect();
            assert_eq!(
                indexes,
                [290],
                "the refused item of the unread rest is named"
            );
            assert!(matches!(rejected[0].error, Error::ItemTooLarge { .. }));
            assert_eq!(remaining.len(), 299, "every other item handed back");
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
}
