//! Optimistic locking with #[dynamo(version)], and update()'s read-modify-write.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use dynamap::prelude::*;
use dynamap::Error;
use dynamap_tests::new_mapping;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    balance: i64,
    #[dynamo(version)]
    version: u64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Profile {
    #[dynamo(partition_key)]
    id: String,
    visits: Vec<u32>,
    bio: String,
}

#[tokio::test]
async fn insert_checks_and_bumps_the_version() {
    let accounts = new_mapping::<Account>("version-insert").await;
    let key = "a".to_string();
    let mut account = Account {
        id: key.clone(),
        balance: 10,
        version: 0,
    };
    accounts.insert(&account).await.unwrap();
    assert_eq!(accounts.get(&key).await.unwrap().unwrap().version, 1);

    // A second "new" item with the same key lost the race.
    match accounts.insert(&account).await.unwrap_err() {
        Error::VersionConflict {
            expected, found, ..
        } => assert_eq!((expected, found), (0, Some(1))),
        other => panic!("expected VersionConflict, got {other:?}"),
    }
    account.version = 1;
    account.balance = 20;
    accounts.insert(&account).await.unwrap();
    let stored = accounts.get(&key).await.unwrap().unwrap();
    assert_eq!((stored.balance, stored.version), (20, 2));
    // A write based on version 1 after version 2 exists is refused.
    match accounts.insert(&account).await.unwrap_err() {
        Error::VersionConflict {
            expected, found, ..
        } => assert_eq!((expected, found), (1, Some(2))),
        other => panic!("expected VersionConflict, got {other:?}"),
    }
    // Removing the item and writing version 2 finds no item.
    accounts.remove(&key).await.unwrap();
    account.version = 2;
    match accounts.insert(&account).await.unwrap_err() {
        Error::VersionConflict { found, .. } => assert_eq!(found, None),
        other => panic!("expected VersionConflict, got {other:?}"),
    }
}

#[tokio::test]
async fn modify_bumps_the_version_so_stale_writes_fail() {
    let accounts = new_mapping::<Account>("version-modify").await;
    let key = "a".to_string();
    accounts
        .insert(&Account {
            id: key.clone(),
            balance: 0,
            version: 0,
        })
        .await
        .unwrap();
    let stale = accounts.get(&key).await.unwrap().unwrap();
    let f = Account::fields();
    let after: Account = accounts
        .modify(&key)
        .add(f.balance, 5)
        .return_new()
        .await
        .unwrap();
    assert_eq!((after.balance, after.version), (5, 2));
    let err = accounts.insert(&stale).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::VersionConflict {
                expected: 1,
                found: Some(2),
                ..
            }
        ),
        "{err:?}"
    );
    // The version is readable in conditions.
    accounts
        .modify(&key)
        .add(f.balance, 1)
        .when(f.version.eq(2))
        .await
        .unwrap();
    let refused = accounts
        .modify(&key)
        .add(f.balance, 1)
        .when(f.version.eq(2))
        .await;
    assert!(matches!(refused, Err(Error::ConditionFailed { .. })));
}

#[tokio::test]
async fn update_reads_applies_and_writes_back() {
    let accounts = new_mapping::<Account>("update").await;
    let key = "a".to_string();
    accounts
        .insert(&Account {
            id: key.clone(),
            balance: 1,
            version: 0,
        })
        .await
        .unwrap();
    let written = accounts
        .update_with(&key, |a| a.balance *= 10)
        .await
        .unwrap();
    assert_eq!(
        written,
        Account {
            id: key.clone(),
            balance: 10,
            version: 2
        }
    );
    assert_eq!(accounts.get(&key).await.unwrap(), Some(written));

    let missing = accounts
        .update_with(&"nobody".to_string(), |a| a.balance += 1)
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing:?}");
    let rekey = accounts
        .update_with(&key, |a| a.id = "other".into())
        .await
        .unwrap_err();
    assert!(matches!(rekey, Error::InvalidRequest { .. }), "{rekey:?}");
    // The closure cannot move the version; changing nothing else writes nothing.
    let written = accounts
        .update_with(&key, |a| a.version = 100)
        .await
        .unwrap();
    assert_eq!(written.version, 2);
    assert_eq!(accounts.get(&key).await.unwrap().unwrap().version, 2);
    let written = accounts
        .update_with(&key, |a| {
            a.version = 100;
            a.balance += 1;
        })
        .await
        .unwrap();
    assert_eq!((written.balance, written.version), (11, 3));
    assert_eq!(accounts.get(&key).await.unwrap(), Some(written));
}

#[tokio::test]
async fn sixteen_tasks_racing_update_lose_no_update() {
    let accounts = new_mapping::<Account>("update-race").await;
    let key = "hot".to_string();
    accounts
        .insert(&Account {
            id: key.clone(),
            balance: 0,
            version: 0,
        })
        .await
        .unwrap();
    let successes = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let accounts = accounts.clone();
        let key = key.clone();
        let successes = successes.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..3 {
                // Enough attempts that every update gets through: a lost update
                // would show in the balance, a failed one fails the test.
                match accounts
                    .update_with(&key, |a| a.balance += 1)
                    .max_attempts(500)
                    .await
                {
                    Ok(_) => {
                        successes.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => panic!("an update failed: {e}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let successes = successes.load(Ordering::Relaxed);
    let stored = accounts.get(&key).await.unwrap().unwrap();
    assert_eq!(successes, 48, "every update succeeded");
    assert_eq!(
        stored.balance,
        i64::from(successes),
        "every successful update is in the balance"
    );
    assert_eq!(
        stored.version,
        1 + u64::from(successes),
        "one version per successful write"
    );
}

#[tokio::test]
async fn unversioned_update_is_conditional_on_the_whole_item() {
    let profiles = new_mapping::<Profile>("update-plain").await;
    let key = "p".to_string();
    profiles
        .insert(&Profile {
            id: key.clone(),
            visits: vec![],
            bio: String::new(),
        })
        .await
        .unwrap();
    let successes = Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for task_id in 0..8u32 {
        let profiles = profiles.clone();
        let key = key.clone();
        let successes = successes.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..3u32 {
                let visit = task_id * 100 + round;
                match profiles
                    .update_with(&key, |p| p.visits.push(visit))
                    .max_attempts(500)
                    .await
                {
                    Ok(_) => {
                        successes.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => panic!("an update failed: {e}"),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let stored = profiles.get(&key).await.unwrap().unwrap();
    assert_eq!(
        successes.load(Ordering::Relaxed),
        24,
        "every update succeeded"
    );
    let mut visits = stored.visits.clone();
    visits.sort_unstable();
    let expected: Vec<u32> = (0..8u32)
        .flat_map(|task| (0..3u32).map(move |round| task * 100 + round))
        .collect();
    assert_eq!(
        visits, expected,
        "each update applied exactly once, none lost"
    );
}

#[tokio::test]
async fn insert_returns_the_stored_version_so_a_value_can_be_written_again() {
    let accounts = new_mapping::<Account>("version-returned").await;
    let mut account = Account {
        id: "r".into(),
        balance: 1,
        version: 0,
    };
    for expected in 1..=3 {
        let stored = accounts.insert(&account).await.unwrap();
        assert_eq!(stored, Some(expected));
        account.version = stored.unwrap();
        account.balance += 1;
    }
    assert_eq!(accounts.get("r").await.unwrap().unwrap().version, 3);
    // A type without a version has none to return.
    let profiles = new_mapping::<Profile>("version-returned-none").await;
    let profile = Profile {
        id: "p".into(),
        visits: vec![],
        bio: String::new(),
    };
    assert_eq!(profiles.insert(&profile).await.unwrap(), None);
}

#[tokio::test]
async fn remove_item_deletes_only_the_version_it_was_given() {
    let accounts = new_mapping::<Account>("version-remove").await;
    let mut read = Account {
        id: "v".into(),
        balance: 5,
        version: 0,
    };
    read.version = accounts.insert(&read).await.unwrap().unwrap();
    // Another writer moves the item on.
    accounts
        .modify("v")
        .add(Account::fields().balance, 1)
        .await
        .unwrap();
    match accounts.remove_item(&read).await.unwrap_err() {
        Error::VersionConflict {
            expected, found, ..
        } => assert_eq!((expected, found), (1, Some(2))),
        other => panic!("expected VersionConflict, got {other:?}"),
    }
    assert!(accounts.contains_key("v").await.unwrap(), "nothing deleted");

    // At the stored version it goes, and comes back as it was.
    let current = accounts.get("v").await.unwrap().unwrap();
    let removed = accounts.remove_item(&current).await.unwrap();
    assert_eq!(removed, Some(current.clone()));
    assert!(!accounts.contains_key("v").await.unwrap());
    // Gone already: a version above 0 finds no item, which is a conflict, not success.
    match accounts.remove_item(&current).await.unwrap_err() {
        Error::VersionConflict { found: None, .. } => {}
        other => panic!("expected VersionConflict, got {other:?}"),
    }

    // An unversioned type removes by key.
    let profiles = new_mapping::<Profile>("version-remove-plain").await;
    let profile = Profile {
        id: "p".into(),
        visits: vec![1],
        bio: "b".into(),
    };
    profiles.insert(&profile).await.unwrap();
    assert_eq!(profiles.remove_item(&profile).await.unwrap(), Some(profile));
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Small {
    #[dynamo(partition_key)]
    id: String,
    n: u32,
    #[dynamo(version)]
    version: u8,
}

/// The server bumps the version of a `modify`: at the field's largest value the update
/// is refused with `check_version`'s error, and the item stays readable.
#[tokio::test]
async fn modify_never_bumps_a_version_past_what_its_field_reads_back() {
    let table = new_mapping::<Small>("version-ceiling").await;
    let f = Small::fields();
    table
        .client()
        .put_item()
        .table_name(table.table_name())
        .item("id", aws_sdk_dynamodb::types::AttributeValue::S("s".into()))
        .item("n", aws_sdk_dynamodb::types::AttributeValue::N("1".into()))
        .item(
            "version",
            aws_sdk_dynamodb::types::AttributeValue::N("254".into()),
        )
        .send()
        .await
        .unwrap();
    table.modify("s").add(f.n, 1).await.unwrap();
    assert_eq!(table.get("s").await.unwrap().unwrap().version, 255);
    let err = table.modify("s").add(f.n, 1).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        Small::check_version(256).unwrap_err().to_string()
    );
    let stored = table.get("s").await.unwrap().unwrap();
    assert_eq!((stored.n, stored.version), (2, 255), "nothing was written");
    // Below the ceiling, a failed condition of the caller's stays `ConditionFailed`.
    table
        .insert(&Small {
            id: "t".into(),
            n: 1,
            version: 0,
        })
        .await
        .unwrap();
    let refused = table
        .modify("t")
        .add(f.n, 1)
        .when(f.n.gt(100))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::ConditionFailed { .. }),
        "{refused:?}"
    );
}

/// A write based on version 0 matches an item another client stored without a version:
/// when it fails, it fails on the caller's own condition (`ConditionFailed`), not as a
/// version conflict.
#[tokio::test]
async fn version_zero_over_an_unversioned_item_fails_on_the_callers_condition() {
    let accounts = new_mapping::<Account>("version-zero-unversioned").await;
    use aws_sdk_dynamodb::types::AttributeValue;
    accounts
        .client()
        .put_item()
        .table_name(accounts.table_name())
        .item("id", AttributeValue::S("a".into()))
        .item("balance", AttributeValue::N("5".into()))
        .send()
        .await
        .unwrap();
    let account = Account {
        id: "a".into(),
        balance: 10,
        version: 0,
    };
    let refused = accounts
        .insert(&account)
        .when(Account::fields().balance.gt(100))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::ConditionFailed { .. }),
        "the version held; the caller's condition failed: {refused:?}"
    );
    // Without the failing condition, version 0 takes the unversioned item over.
    accounts.insert(&account).await.unwrap();
    assert_eq!(accounts.get("a").await.unwrap().unwrap().version, 1);
}
