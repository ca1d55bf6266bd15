//! A lost answer is never taken for another writer's equal write. Client A's write is
//! cut before it reaches the server; while A waits to retry, client B makes the same
//! change; then A retries. Equal values cannot tell the writers apart, so A must either
//! apply its own change as well or say that it cannot know, never report `Ok` for B's.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::Error;
use dynamap_tests::new_mapping;
use dynamap_tests::proxy::{
    self, cut_first_answer_then_hold, cut_first_request_then_hold, through,
};

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
}

/// Waits until `cut` (a proxy's count of cut requests or answers) reaches 1: A's first
/// write is cut, and A is backing off, its retry held.
async fn until_cut(cut: &std::sync::atomic::AtomicU64) {
    for _ in 0..2_000 {
        if cut.load(Ordering::Relaxed) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("the proxy never cut the first write");
}

/// Another writer's call, made from inside an `update_with` closure (which cannot
/// await): run to its end on this multi-threaded runtime.
fn meanwhile<T, E: std::fmt::Display>(call: impl std::future::IntoFuture<Output = Result<T, E>>) {
    tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current()
            .block_on(async { call.await.map(|_| ()).map_err(|e| e.to_string()) })
    })
    .unwrap();
}

#[tokio::test]
async fn two_versioned_deposits_around_a_lost_answer_are_both_applied() {
    if !proxy::possible("two_versioned_deposits_around_a_lost_answer_are_both_applied") {
        return;
    }
    let accounts = new_mapping::<Account>("lost-deposit-v").await;
    let start = Account {
        id: "a".into(),
        balance: 100,
        version: 0,
    };
    accounts.insert(&start).await.unwrap();
    let (proxy, hold) = cut_first_request_then_hold(&["UpdateItem"]).await;
    let a = through(&proxy, &accounts).await;
    let deposit_a = tokio::spawn(async move { a.update_with("a", |x| x.balance += 10).await });
    until_cut(&proxy.stats.dropped_before).await;
    // B's deposit lands first: 100 -> 110, version 1 -> 2, exactly what A would write.
    let b = accounts
        .update_with("a", |x| x.balance += 10)
        .await
        .unwrap();
    assert_eq!((b.balance, b.version), (110, 2));
    hold.add_permits(1_000);
    let a = deposit_a.await.unwrap().unwrap();
    let stored = accounts.get("a").await.unwrap().unwrap();
    assert_eq!(
        (stored.balance, stored.version),
        (120, 3),
        "both deposits applied, each once"
    );
    assert_eq!(a, stored);
}

#[tokio::test]
async fn an_unversioned_deposit_whose_answer_is_lost_never_claims_anothers_write() {
    if !proxy::possible("an_unversioned_deposit_whose_answer_is_lost_never_claims_anothers_write") {
        return;
    }
    let wallets = new_mapping::<Wallet>("lost-deposit-u").await;
    wallets
        .insert(&Wallet {
            id: "w".into(),
            balance: 100,
        })
        .await
        .unwrap();
    let (proxy, hold) = cut_first_request_then_hold(&["UpdateItem"]).await;
    let a = through(&proxy, &wallets).await;
    let deposit_a = tokio::spawn(async move { a.update_with("w", |x| x.balance += 10).await });
    until_cut(&proxy.stats.dropped_before).await;
    wallets.update_with("w", |x| x.balance += 10).await.unwrap();
    hold.add_permits(1_000);
    let a = deposit_a.await.unwrap();
    let stored = wallets.get("w").await.unwrap().unwrap();
    // Without a version, A cannot know whether its write landed and was overwritten:
    // it says so (the lost answer's error) rather than reporting B's write as its own.
    match a {
        Err(Error::Connection { .. }) => assert_eq!(stored.balance, 110),
        Ok(written) => {
            assert_eq!(stored.balance, 120, "Ok means applied: both deposits");
            assert_eq!(written, stored);
        }
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_conditional_insert_whose_answer_is_lost_never_claims_anothers_equal_item() {
    if !proxy::possible(
        "a_conditional_insert_whose_answer_is_lost_never_claims_anothers_equal_item",
    ) {
        return;
    }
    // Versioned: A and B both write balance 110 over version 1; only one can land.
    let accounts = new_mapping::<Account>("lost-put-v").await;
    let read = Account {
        id: "a".into(),
        balance: 100,
        version: 0,
    };
    let version = accounts.insert(&read).await.unwrap().unwrap();
    let richer = Account {
        balance: 110,
        version,
        ..read
    };
    let (proxy, hold) = cut_first_request_then_hold(&["PutItem"]).await;
    let a = through(&proxy, &accounts).await;
    let put_a = {
        let richer = richer.clone();
        tokio::spawn(async move { a.insert(&richer).await })
    };
    until_cut(&proxy.stats.dropped_before).await;
    assert_eq!(accounts.insert(&richer).await.unwrap(), Some(version + 1));
    hold.add_permits(1_000);
    match put_a.await.unwrap() {
        Err(Error::VersionConflict {
            expected, found, ..
        }) => assert_eq!((expected, found), (version, Some(version + 1))),
        other => panic!("expected VersionConflict (B's write, not A's), got {other:?}"),
    }

    // If absent: A cannot know whether its put landed before B's.
    let wallets = new_mapping::<Wallet>("lost-put-u").await;
    let w = Wallet {
        id: "w".into(),
        balance: 5,
    };
    let (proxy, hold) = cut_first_request_then_hold(&["PutItem"]).await;
    let a = through(&proxy, &wallets).await;
    let put_a = {
        let w = w.clone();
        tokio::spawn(async move { a.insert_if_absent(&w).await })
    };
    until_cut(&proxy.stats.dropped_before).await;
    wallets.insert_if_absent(&w).await.unwrap();
    hold.add_permits(1_000);
    let a = put_a.await.unwrap();
    assert!(matches!(a, Err(Error::Connection { .. })), "{a:?}");
}

/// Stored by another writer in forms dynamap reads but would not write itself.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Profile {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(alias = "fullName")]
    name: String,
    #[dynamo(default)]
    visits: u32,
    tags: BTreeSet<String>,
    seen: DateTime<Utc>,
    note: Option<String>,
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unversioned_update_with_succeeds_on_items_another_writer_stored() {
    let profiles = new_mapping::<Profile>("update-foreign").await;
    profiles
        .client()
        .put_item()
        .table_name(profiles.table_name())
        .item("id", AttributeValue::S("p".into()))
        .item("fullName", AttributeValue::S("Ada".into()))
        .item(
            "tags",
            AttributeValue::L(vec![
                AttributeValue::S("b".into()),
                AttributeValue::S("a".into()),
            ]),
        )
        .item(
            "seen",
            AttributeValue::S("2024-05-01T11:30:00+02:00".into()),
        )
        .send()
        .await
        .unwrap();
    let updated = profiles
        .update_with("p", |p| p.note = Some("hi".into()))
        .max_attempts(2)
        .await
        .unwrap();
    let expected = Profile {
        id: "p".into(),
        name: "Ada".into(),
        visits: 0,
        tags: ["a".to_string(), "b".to_string()].into(),
        seen: Utc.with_ymd_and_hms(2024, 5, 1, 9, 30, 0).unwrap(),
        note: Some("hi".into()),
    };
    assert_eq!(updated, expected);
    assert_eq!(profiles.get("p").await.unwrap(), Some(expected));
    // What the closure did not change stays as the other writer stored it.
    let raw = dynamap_tests::stored(&profiles, &"p".to_owned()).await;
    assert_eq!(raw.get("fullName"), Some(&AttributeValue::S("Ada".into())));
    assert!(matches!(raw.get("tags"), Some(AttributeValue::L(_))));
    // The condition is on what was read, in its stored form: another writer's change
    // between our read and our write is a conflict (re-read, re-applied), never lost.
    let client = profiles.client().clone();
    let table = profiles.table_name().to_owned();
    let mut calls = 0;
    let raced = profiles
        .update_with("p", |p| {
            calls += 1;
            if calls == 1 {
                meanwhile(
                    client
                        .update_item()
                        .table_name(&table)
                        .key("id", AttributeValue::S("p".into()))
                        .update_expression("SET fullName = :n")
                        .expression_attribute_values(":n", AttributeValue::S("Grace".into()))
                        .send(),
                );
            }
            p.visits += 1;
        })
        .await
        .unwrap();
    assert_eq!(calls, 2, "the change behind our back was a conflict");
    assert_eq!((raced.name.as_str(), raced.visits), ("Grace", 1));
    assert_eq!(profiles.get("p").await.unwrap(), Some(raced));
}

/// Another writer changes the item between every read and write: `update_with` tries
/// `max_attempts` rounds (re-reading and re-applying), then gives up with the last
/// conflict, typed by the kind of condition.
#[tokio::test(flavor = "multi_thread")]
async fn update_with_gives_up_after_its_attempts_with_the_last_conflict() {
    let accounts = new_mapping::<Account>("update-gives-up").await;
    accounts
        .insert(&Account {
            id: "a".into(),
            balance: 0,
            version: 0,
        })
        .await
        .unwrap();
    let meddler = accounts.clone();
    let mut rounds = 0;
    let err = accounts
        .update_with("a", |a| {
            rounds += 1;
            meanwhile(meddler.modify("a").add(Account::fields().balance, 1));
            a.balance += 100;
        })
        .max_attempts(3)
        .await
        .unwrap_err();
    assert_eq!(rounds, 3, "exactly max_attempts rounds");
    match err {
        Error::VersionConflict {
            expected, found, ..
        } => assert_eq!((expected, found), (3, Some(4))),
        other => panic!("expected VersionConflict, got {other:?}"),
    }
    assert_eq!(accounts.get("a").await.unwrap().unwrap().balance, 3);

    // Unversioned, the last conflict is ConditionFailed with the item as stored.
    let wallets = new_mapping::<Wallet>("update-gives-up-u").await;
    wallets
        .insert(&Wallet {
            id: "w".into(),
            balance: 0,
        })
        .await
        .unwrap();
    let meddler = wallets.clone();
    let mut rounds = 0;
    let err = wallets
        .update_with("w", |w| {
            rounds += 1;
            meanwhile(meddler.modify("w").add(Wallet::fields().balance, 1));
            w.balance += 100;
        })
        .max_attempts(2)
        .await
        .unwrap_err();
    assert_eq!(rounds, 2);
    assert!(
        matches!(err, Error::ConditionFailed { item: Some(_), .. }),
        "{err:?}"
    );
}

/// An item removed between the read and the write is `NotFound`; removed after our
/// write landed with its answer lost, the call cannot know and says so.
#[tokio::test(flavor = "multi_thread")]
async fn update_with_on_an_item_removed_meanwhile() {
    let wallets = new_mapping::<Wallet>("update-removed").await;
    let w = Wallet {
        id: "w".into(),
        balance: 1,
    };
    wallets.insert(&w).await.unwrap();
    let remover = wallets.clone();
    let err = wallets
        .update_with("w", |x| {
            meanwhile(remover.remove("w"));
            x.balance += 1;
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    if !proxy::possible("update_with_on_an_item_removed_meanwhile") {
        return;
    }
    wallets.insert(&w).await.unwrap();
    // Our write lands, its answer is cut; before the retry, the item is removed.
    let (proxy, hold) = cut_first_answer_then_hold(&["UpdateItem"]).await;
    let a = through(&proxy, &wallets).await;
    let update = tokio::spawn(async move { a.update_with("w", |x| x.balance += 1).await });
    until_cut(&proxy.stats.dropped_after).await;
    assert_eq!(
        wallets.remove("w").await.unwrap().map(|w| w.balance),
        Some(2)
    );
    hold.add_permits(1_000);
    let err = update.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
}

/// Our versioned write lands and its answer is cut; before the retry, another writer's
/// update lands on top of it. The retry sees a version two past ours with another
/// token: ours may have landed (it did), so re-applying would apply twice; the call
/// says it cannot know.
#[tokio::test]
async fn a_versioned_update_overtaken_after_its_lost_answer_is_not_applied_twice() {
    if !proxy::possible("a_versioned_update_overtaken_after_its_lost_answer_is_not_applied_twice") {
        return;
    }
    let accounts = new_mapping::<Account>("update-overtaken").await;
    accounts
        .insert(&Account {
            id: "a".into(),
            balance: 100,
            version: 0,
        })
        .await
        .unwrap();
    let (proxy, hold) = cut_first_answer_then_hold(&["UpdateItem"]).await;
    let a = through(&proxy, &accounts).await;
    let deposit = tokio::spawn(async move { a.update_with("a", |x| x.balance += 10).await });
    until_cut(&proxy.stats.dropped_after).await;
    // Ours landed (110, version 2); another deposit lands on top (120, version 3).
    let b = accounts
        .update_with("a", |x| x.balance += 10)
        .await
        .unwrap();
    assert_eq!((b.balance, b.version), (120, 3));
    hold.add_permits(1_000);
    let err = deposit.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(
        accounts.get("a").await.unwrap().unwrap().balance,
        120,
        "each deposit once"
    );
}
