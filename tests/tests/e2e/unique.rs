//! Unique attributes (`#[dynamo(unique)]`, #34 item 1): every write path keeps one
//! guard item per value, in the same transaction as the item; a value another item
//! holds is `Error::NotUnique` naming its owner, with nothing written.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::proxy::{self, cut_first_answer, through};
use dynamap_tests::{client, new_mapping, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    email: String,
    #[dynamo(unique)]
    handle: Option<String>,
    name: String,
    #[dynamo(default)]
    visits: u64,
}

fn account(id: &str, email: &str) -> Account {
    Account {
        id: id.into(),
        email: email.into(),
        handle: None,
        name: id.to_uppercase(),
        visits: 0,
    }
}

/// Stores a new account (its email must be free).
async fn put(accounts: &TypedMapping<Account>, id: &str, email: &str) {
    accounts.insert(&account(id, email)).await.unwrap();
}

/// Every guard item in the table, as `(key text, owner id)`.
async fn guards(table: &str) -> Vec<(String, String)> {
    let scan = client()
        .await
        .scan()
        .table_name(table)
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let mut found: Vec<(String, String)> = scan
        .items()
        .iter()
        .filter_map(|item| {
            let Some(AttributeValue::M(owner)) = item.get("_unique_owner") else {
                return None;
            };
            let key = item.values().find_map(|v| match v {
                AttributeValue::S(s) if s.starts_with("_unique#") => Some(s.clone()),
                _ => None,
            })?;
            let owner = owner
                .values()
                .find_map(|v| v.as_s().ok().cloned())
                .unwrap_or_default();
            Some((key, owner))
        })
        .collect();
    found.sort();
    found
}

fn assert_not_unique(result: dynamap::Result<impl std::fmt::Debug>, field: &str, owner_id: &str) {
    match result {
        Err(Error::NotUnique {
            item,
            field: f,
            owner,
        }) => {
            assert_eq!((item, f), ("Account", field));
            assert_eq!(owner.get("id"), Some(&AttributeValue::S(owner_id.into())));
        }
        other => panic!("expected NotUnique on `{field}`, got {other:?}"),
    }
}

#[tokio::test]
async fn a_value_another_item_holds_is_refused_with_its_owner_and_nothing_is_written() {
    let accounts = new_mapping::<Account>("unique-refused").await;
    put(&accounts, "a1", "ada@example.com").await;
    let taken = accounts.insert(&account("a2", "ada@example.com")).await;
    assert_not_unique(taken, "email", "a1");
    assert_eq!(accounts.get("a2").await.unwrap(), None);
    assert_eq!(
        guards(accounts.table_name()).await,
        [("_unique#email#ada@example.com".to_owned(), "a1".to_owned())]
    );
    // Writing the holder again keeps its value (and its one guard).
    let mut again = account("a1", "ada@example.com");
    again.name = "Ada L.".into();
    accounts.insert(&again).await.unwrap();
    assert_eq!(accounts.get("a1").await.unwrap(), Some(again));
    assert_eq!(guards(accounts.table_name()).await.len(), 1);
}

#[tokio::test]
async fn changing_a_value_on_every_write_path_frees_the_old_one() {
    let accounts = new_mapping::<Account>("unique-moves").await;
    let f = Account::fields();
    put(&accounts, "a1", "one@example.com").await;

    // modify
    accounts
        .modify("a1")
        .set(f.email, "two@example.com")
        .await
        .unwrap();
    put(&accounts, "a2", "one@example.com").await;
    assert_not_unique(
        accounts.insert(&account("a3", "two@example.com")).await,
        "email",
        "a1",
    );

    // update_with
    let updated = accounts
        .update_with("a1", |a| a.email = "three@example.com".into())
        .await
        .unwrap();
    assert_eq!(updated.email, "three@example.com");
    put(&accounts, "a3", "two@example.com").await;

    // insert over the stored item
    put(&accounts, "a1", "four@example.com").await;
    put(&accounts, "a4", "three@example.com").await;

    // a change refused for its value leaves the item and its guard as they were
    assert_not_unique(
        accounts.modify("a1").set(f.email, "one@example.com").await,
        "email",
        "a2",
    );
    assert_eq!(
        accounts.get("a1").await.unwrap().unwrap().email,
        "four@example.com"
    );

    // remove
    let removed = accounts.remove("a1").await.unwrap();
    assert_eq!(
        removed.map(|a| a.email),
        Some("four@example.com".to_owned())
    );
    put(&accounts, "a5", "four@example.com").await;

    let texts: Vec<String> = guards(accounts.table_name())
        .await
        .into_iter()
        .map(|g| g.0)
        .collect();
    assert_eq!(
        texts,
        [
            "_unique#email#four@example.com",
            "_unique#email#one@example.com",
            "_unique#email#three@example.com",
            "_unique#email#two@example.com",
        ]
    );
}

#[tokio::test]
async fn an_optional_value_holds_a_guard_only_while_it_is_set() {
    let accounts = new_mapping::<Account>("unique-optional").await;
    let f = Account::fields();
    put(&accounts, "a1", "a1@example.com").await;
    put(&accounts, "a2", "a2@example.com").await;
    assert_eq!(
        guards(accounts.table_name()).await.len(),
        2,
        "no handle, no guard"
    );

    accounts
        .modify("a1")
        .set(f.handle, Some("ada".to_owned()))
        .await
        .unwrap();
    assert_not_unique(
        accounts
            .modify("a2")
            .set(f.handle, Some("ada".to_owned()))
            .await,
        "handle",
        "a1",
    );
    accounts.modify("a1").remove(f.handle).await.unwrap();
    accounts
        .modify("a2")
        .set(f.handle, Some("ada".to_owned()))
        .await
        .unwrap();
    assert_eq!(guards(accounts.table_name()).await.len(), 3);
}

#[tokio::test]
async fn guards_stay_out_of_scans_and_counts() {
    let accounts = new_mapping::<Account>("unique-hidden").await;
    for i in 0..5 {
        accounts
            .insert(&account(&format!("a{i}"), &format!("a{i}@example.com")))
            .await
            .unwrap();
    }
    let scanned: Vec<Account> = accounts.scan().stream().try_collect().await.unwrap();
    assert_eq!(scanned.len(), 5);
    assert_eq!(accounts.count().await.unwrap(), 5);
    assert_eq!(accounts.scan().count().await.unwrap(), 5);
    assert_eq!(guards(accounts.table_name()).await.len(), 5);
}

/// A batch refuses every item before sending one: each is rejected, none written.
fn refused_batch(result: &dynamap::Result<dynamap::batches::BatchReport>) -> bool {
    matches!(
        result,
        Err(Error::BatchIncomplete { completed: 0, rejected, .. })
            if rejected.iter().all(|r| matches!(r.error, Error::InvalidRequest { operation: "BatchWriteItem", .. }))
    )
}

#[tokio::test]
async fn batches_refuse_such_types_and_a_transaction_returns_what_it_can_tell() {
    let accounts = new_mapping::<Account>("unique-refusals").await;
    let f = Account::fields();
    let batch = accounts
        .insert_many(vec![account("a1", "a1@example.com")])
        .send()
        .await;
    assert!(refused_batch(&batch), "{batch:?}");
    let removes = accounts.remove_many(vec!["a1".to_owned()]).send().await;
    assert!(refused_batch(&removes), "{removes:?}");
    put(&accounts, "a1", "a1@example.com").await;
    // A transaction's modify of other fields needs no guard.
    dynamap::transaction(accounts.client())
        .modify(&accounts, "a1", |m| m.set(f.name, "Ada"))
        .await
        .unwrap();
    // A transaction returns no item: the old one is the one read (exact: the update
    // expects it whole), the new one that with the values set; what only the server
    // could evaluate is refused.
    let old = accounts
        .modify("a1")
        .set(f.email, "c@example.com")
        .return_old()
        .await
        .unwrap();
    assert_eq!(
        old.map(|a| (a.email, a.name)),
        Some(("a1@example.com".into(), "Ada".into()))
    );
    let new = accounts
        .modify("a1")
        .set(f.email, "d@example.com")
        .return_new()
        .await
        .unwrap();
    assert_eq!(new, accounts.get("a1").await.unwrap().unwrap());
    assert_eq!(
        (new.email.as_str(), new.name.as_str()),
        ("d@example.com", "Ada")
    );
    let counted = accounts
        .modify("a1")
        .set(f.email, "e@example.com")
        .add(f.visits, 1)
        .return_new()
        .await;
    assert!(
        matches!(
            counted,
            Err(Error::InvalidRequest {
                operation: "UpdateItem",
                ..
            })
        ),
        "{counted:?}"
    );
    // Batch reads need no guard.
    let got = accounts
        .get_many(vec!["a1".to_owned()])
        .send()
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(guards(accounts.table_name()).await.len(), 1);
}

#[tokio::test]
async fn thirty_two_writers_registering_eight_emails_leave_eight_accounts_and_eight_guards() {
    let accounts = Arc::new(new_mapping::<Account>("unique-race").await);
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let accounts = accounts.clone();
            tokio::spawn(async move {
                let email = format!("user{}@example.com", i % 8);
                accounts.insert(&account(&format!("a{i}"), &email)).await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => won += 1,
            Err(Error::NotUnique { field: "email", .. }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(won, 8);
    let stored: Vec<Account> = accounts.scan().stream().try_collect().await.unwrap();
    assert_eq!(stored.len(), 8);
    let mut emails: Vec<&str> = stored.iter().map(|a| a.email.as_str()).collect();
    emails.sort_unstable();
    emails.dedup();
    assert_eq!(emails.len(), 8);
    let guards = guards(accounts.table_name()).await;
    assert_eq!(guards.len(), 8);
    for account in &stored {
        let text = format!("_unique#email#{}", account.email);
        assert!(guards.contains(&(text, account.id.clone())), "{account:?}");
    }
}

/// Eight writers move one account's email at once, each to its own value: each move
/// frees the value the item held when it landed, so one guard remains, the last
/// email's (a move that freed the value it read, not the one stored, would leave the
/// others' guards behind).
#[tokio::test]
async fn concurrent_moves_of_one_items_value_leave_one_guard() {
    let accounts = Arc::new(new_mapping::<Account>("unique-one-item").await);
    put(&accounts, "a1", "start@x").await;
    for round in 0..3 {
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let accounts = accounts.clone();
                tokio::spawn(async move {
                    let email = format!("r{round}-w{i}@x");
                    match i % 2 {
                        0 => {
                            accounts
                                .modify("a1")
                                .set(Account::fields().email, email)
                                .await
                        }
                        _ => accounts
                            .update_with("a1", |a| a.email = email.clone())
                            .await
                            .map(|_| ()),
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let stored = accounts.get("a1").await.unwrap().unwrap();
        assert_eq!(
            guards(accounts.table_name()).await,
            [(format!("_unique#email#{}", stored.email), "a1".to_owned())]
        );
    }
}

/// 16 writers each create an account, move its email twice and remove some, through a
/// proxy that cuts 10% of answers after the server applied the request and 5% of
/// requests before: whatever each call returns, the table ends with exactly one guard
/// per stored account's email and no other.
#[tokio::test]
async fn guards_match_the_accounts_after_concurrent_writes_with_lost_answers() {
    if !proxy::possible("guards_match_the_accounts_after_concurrent_writes_with_lost_answers") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-faults").await;
    let proxy = proxy::FaultProxy::start(
        &dynamap_tests::endpoint(),
        proxy::FaultPlan {
            drop_after: 0.10,
            drop_before: 0.05,
            seed: 7,
            ..proxy::FaultPlan::default()
        },
    )
    .await;
    let faulty = Arc::new(through(&proxy, &accounts).await);
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let accounts = faulty.clone();
            tokio::spawn(async move {
                let f = Account::fields();
                let id = format!("a{i}");
                // Eight emails for sixteen writers: half of the moves collide.
                let _ = accounts
                    .insert(&account(&id, &format!("e{}@x", i % 8)))
                    .await;
                let _ = accounts
                    .modify(&id)
                    .set(f.email, format!("m{}@x", i % 8))
                    .await;
                let _ = accounts
                    .update_with(&id, |a| a.email = format!("u{}@x", (i + 3) % 8))
                    .await;
                if i % 3 == 0 {
                    let _ = accounts.remove(&id).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert!(proxy.stats.faults() > 0, "the proxy injected no fault");
    let stored: Vec<Account> = accounts.scan().stream().try_collect().await.unwrap();
    let mut expected: Vec<(String, String)> = stored
        .iter()
        .map(|a| (format!("_unique#email#{}", a.email), a.id.clone()))
        .collect();
    expected.sort();
    assert_eq!(guards(accounts.table_name()).await, expected);
    let mut emails: Vec<&str> = stored.iter().map(|a| a.email.as_str()).collect();
    emails.sort_unstable();
    emails.dedup();
    assert_eq!(emails.len(), stored.len(), "an email held twice");
}

#[tokio::test]
async fn a_lost_answer_to_the_transaction_is_applied_once() {
    if !proxy::possible("a_lost_answer_to_the_transaction_is_applied_once") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-lost").await;
    let f = Account::fields();
    put(&accounts, "a1", "one@example.com").await;
    // The transaction lands and its answer is cut: the resend with the same token is
    // DynamoDB's no-op, not a conflict with the guard it wrote itself.
    let proxy = cut_first_answer(&["TransactWriteItems"]).await;
    let cut = through(&proxy, &accounts).await;
    // Not idempotent: only the transaction's token keeps the resend from adding twice.
    cut.modify("a1")
        .set(f.email, "two@example.com")
        .add(f.visits, 1)
        .await
        .unwrap();
    assert_eq!(
        proxy
            .stats
            .dropped_after
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    assert_eq!(accounts.get("a1").await.unwrap().unwrap().visits, 1);
    let proxy = cut_first_answer(&["TransactWriteItems"]).await;
    let cut = through(&proxy, &accounts).await;
    cut.insert(&account("a2", "one@example.com")).await.unwrap();
    assert_eq!(
        proxy
            .stats
            .dropped_after
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    assert_eq!(
        guards(accounts.table_name()).await,
        [
            ("_unique#email#one@example.com".to_owned(), "a2".to_owned()),
            ("_unique#email#two@example.com".to_owned(), "a1".to_owned()),
        ]
    );
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Member", pk = "TENANT#{tenant}", sk = "MEMBER#{id}")]
struct Member {
    tenant: String,
    id: String,
    #[dynamo(unique(per(tenant)))]
    email: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Team", pk = "TENANT#{tenant}", sk = "TEAM#{id}")]
struct Team {
    tenant: String,
    id: String,
    #[dynamo(unique)]
    email: String,
}

fn member(tenant: &str, id: &str, email: &str) -> Member {
    Member {
        tenant: tenant.into(),
        id: id.into(),
        email: email.into(),
    }
}

#[tokio::test]
async fn an_entity_value_is_unique_within_its_scope_and_its_guards_stay_out_of_its_reads() {
    let app = Table::<App>::new(client().await, unique_table_name("unique-entities"));
    app.create_table().await.unwrap();
    let members = app.entity::<Member>();
    let teams = app.entity::<Team>();
    members
        .insert(&member("t1", "m1", "ada@example.com"))
        .await
        .unwrap();
    members
        .insert(&member("t2", "m1", "ada@example.com"))
        .await
        .unwrap();
    match members.insert(&member("t1", "m2", "ada@example.com")).await {
        Err(Error::NotUnique {
            item: "Member",
            field: "email",
            owner,
        }) => {
            assert_eq!(
                owner.get("pk"),
                Some(&AttributeValue::S("TENANT#t1".into()))
            );
            assert_eq!(
                owner.get("sk"),
                Some(&AttributeValue::S("MEMBER#m1".into()))
            );
        }
        other => panic!("{other:?}"),
    }
    // Another entity's unique values are its own.
    teams
        .insert(&Team {
            tenant: "t1".into(),
            id: "x".into(),
            email: "ada@example.com".into(),
        })
        .await
        .unwrap();
    // The guard moves with the email, within its scope.
    members
        .modify(&("t1".to_owned(), "m1".to_owned()))
        .set(Member::fields().email, "lovelace@example.com")
        .await
        .unwrap();
    members
        .insert(&member("t1", "m2", "ada@example.com"))
        .await
        .unwrap();

    let scanned: Vec<Member> = members.scan().stream().try_collect().await.unwrap();
    assert_eq!(scanned.len(), 3);
    let in_t1: Vec<Member> = members
        .query(&"t1".to_owned())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(in_t1.len(), 2);
    let texts: Vec<String> = guards(app.table_name())
        .await
        .into_iter()
        .map(|g| g.0)
        .collect();
    assert_eq!(
        texts,
        [
            "_unique#Member#email#t1#ada@example.com",
            "_unique#Member#email#t1#lovelace@example.com",
            "_unique#Member#email#t2#ada@example.com",
            "_unique#Team#email#ada@example.com",
        ]
    );
}

/// The Lambda form of a JSON stream record (its keys and images).
fn lambda_record(json: &serde_json::Value) -> aws_lambda_events::event::dynamodb::EventRecord {
    let item = |part: &str| -> serde_dynamo::Item {
        let map: std::collections::HashMap<String, serde_dynamo::AttributeValue> =
            serde_json::from_value(json["dynamodb"][part].clone()).unwrap_or_default();
        map.into()
    };
    let mut record = aws_lambda_events::event::dynamodb::EventRecord::default();
    record.event_name = json["eventName"].as_str().unwrap().to_owned();
    record.change.keys = item("Keys");
    record.change.new_image = item("NewImage");
    record
}

#[test]
fn change_feeds_skip_guard_records() {
    use dynamap::changes::{from_lambda_record, RawChange};
    let guard = serde_json::json!({
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"id": {"S": "_unique#email#ada@example.com"}},
            "NewImage": {
                "id": {"S": "_unique#email#ada@example.com"},
                "_unique_owner": {"M": {"id": {"S": "a1"}}}
            },
            "SequenceNumber": "1",
            "SizeBytes": 10
        }
    });
    let keys_only = serde_json::json!({
        "eventName": "REMOVE",
        "dynamodb": {"Keys": {"id": {"S": "_unique#email#ada@example.com"}}, "SequenceNumber": "2", "SizeBytes": 10}
    });
    let own = serde_json::json!({
        "eventName": "INSERT",
        "dynamodb": {
            "Keys": {"id": {"S": "a1"}},
            "NewImage": {"id": {"S": "a1"}, "email": {"S": "ada@example.com"}, "name": {"S": "A1"}},
            "SequenceNumber": "3",
            "SizeBytes": 10
        }
    });
    for record in [&guard, &keys_only] {
        let raw = RawChange::from_json(&record.to_string()).unwrap();
        assert!(raw.decode::<Account>().unwrap().is_none(), "{record}");
        let lambda = lambda_record(record);
        assert!(
            from_lambda_record::<Account>(&lambda).unwrap().is_none(),
            "{record}"
        );
    }
    let raw = RawChange::from_json(&own.to_string()).unwrap();
    assert_eq!(raw.decode::<Account>().unwrap().unwrap().key, "a1");
    let lambda = lambda_record(&own);
    assert_eq!(
        from_lambda_record::<Account>(&lambda).unwrap().unwrap().key,
        "a1"
    );
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Profile {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    email: String,
    #[dynamo(updated_at)]
    updated_at: std::time::SystemTime,
    #[dynamo(version)]
    version: u64,
}

#[tokio::test]
async fn a_versioned_items_new_form_is_told_with_its_bumped_version_and_stamp() {
    let profiles = new_mapping::<Profile>("unique-versioned").await;
    let f = Profile::fields();
    let mut ada = Profile {
        id: "p1".into(),
        email: "ada@example.com".into(),
        updated_at: std::time::UNIX_EPOCH,
        version: 0,
    };
    ada.version = profiles.insert(&ada).await.unwrap().unwrap();
    let new = profiles
        .modify("p1")
        .set(f.email, "lovelace@example.com")
        .when(f.version.eq(ada.version))
        .return_new()
        .await
        .unwrap();
    assert_eq!(new.version, 2);
    assert_eq!(new, profiles.get("p1").await.unwrap().unwrap());
    // The old version no longer holds: nothing moves.
    let stale = profiles
        .modify("p1")
        .set(f.email, "other@example.com")
        .when(f.version.eq(ada.version))
        .await;
    assert!(
        matches!(stale, Err(Error::ConditionFailed { .. })),
        "{stale:?}"
    );
    assert_eq!(guards(profiles.table_name()).await.len(), 1);
}

#[tokio::test]
async fn a_callers_transaction_keeps_the_guards_of_its_actions() {
    let accounts = new_mapping::<Account>("unique-transactions").await;
    let notes = new_mapping::<Note>("unique-transactions-notes").await;
    let f = Account::fields();
    // A put beside an action of another table: both, with the guard.
    dynamap::transaction(accounts.client())
        .put(&accounts, &account("a1", "one@example.com"))
        .put(&notes, &Note { id: "n1".into() })
        .await
        .unwrap();
    assert!(notes.get("n1").await.unwrap().is_some());
    // A taken value cancels all of it.
    let taken = dynamap::transaction(accounts.client())
        .put(&accounts, &account("a2", "one@example.com"))
        .put(&notes, &Note { id: "n2".into() })
        .await;
    assert_not_unique(taken, "email", "a1");
    assert!(notes.get("n2").await.unwrap().is_none());
    // modify and remove move and free values, several in one transaction.
    put(&accounts, "a2", "two@example.com").await;
    dynamap::transaction(accounts.client())
        .modify(&accounts, "a1", |m| m.set(f.email, "three@example.com"))
        .remove(&accounts, "a2")
        .await
        .unwrap();
    put(&accounts, "a3", "one@example.com").await;
    put(&accounts, "a4", "two@example.com").await;
    assert_eq!(
        guards(accounts.table_name()).await,
        [
            ("_unique#email#one@example.com".to_owned(), "a3".to_owned()),
            (
                "_unique#email#three@example.com".to_owned(),
                "a1".to_owned()
            ),
            ("_unique#email#two@example.com".to_owned(), "a4".to_owned()),
        ]
    );
    // A caller's condition that fails is the transaction's cancellation, as always.
    let refused = dynamap::transaction(accounts.client())
        .put_if_absent(&accounts, &account("a1", "five@example.com"))
        .await;
    assert!(
        matches!(refused, Err(Error::TransactionCancelled { .. })),
        "{refused:?}"
    );
    assert_eq!(
        accounts.get("a1").await.unwrap().unwrap().email,
        "three@example.com"
    );
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Note {
    #[dynamo(partition_key)]
    id: String,
}

/// `set_if_absent` on a unique attribute moves its guard only when it sets the value:
/// on an item without one it writes the guard (refused with the owner when another item
/// holds the value); on an item with one it changes nothing, and guards nothing new.
/// `return_new` tells the item such a modify (or a `remove` of the value) leaves.
#[tokio::test]
async fn set_if_absent_on_a_unique_value_guards_it_only_when_it_sets_it() {
    let accounts = new_mapping::<Account>("unique-if-absent").await;
    let f = Account::fields();
    put(&accounts, "a1", "a1@example.com").await;
    put(&accounts, "a2", "a2@example.com").await;
    accounts
        .modify("a1")
        .set_if_absent(f.handle, Some("ada".to_owned()))
        .await
        .unwrap();
    assert_not_unique(
        accounts
            .modify("a2")
            .set_if_absent(f.handle, Some("ada".to_owned()))
            .await,
        "handle",
        "a1",
    );
    // Already set: left as it is, and "bob" stays free.
    accounts
        .modify("a1")
        .set_if_absent(f.handle, Some("bob".to_owned()))
        .await
        .unwrap();
    let a1 = accounts.get("a1").await.unwrap().unwrap();
    assert_eq!(a1.handle.as_deref(), Some("ada"));
    // The item as the modify left it, told from the item read (a transaction returns
    // none).
    let a2 = accounts
        .modify("a2")
        .set_if_absent(f.handle, Some("bob".to_owned()))
        .return_new()
        .await
        .unwrap();
    assert_eq!(a2.handle.as_deref(), Some("bob"));
    assert_eq!(accounts.get("a2").await.unwrap(), Some(a2));
    let handles: Vec<(String, String)> = guards(accounts.table_name())
        .await
        .into_iter()
        .filter(|(key, _)| key.starts_with("_unique#handle#"))
        .collect();
    assert_eq!(
        handles,
        [
            ("_unique#handle#ada".to_owned(), "a1".to_owned()),
            ("_unique#handle#bob".to_owned(), "a2".to_owned()),
        ]
    );
    // Removed, with the new item told: the value is free again.
    let a1 = accounts
        .modify("a1")
        .remove(f.handle)
        .return_new()
        .await
        .unwrap();
    assert_eq!(a1.handle, None);
    assert_eq!(accounts.get("a1").await.unwrap(), Some(a1));
    accounts
        .modify("a2")
        .set(f.handle, Some("ada".to_owned()))
        .await
        .unwrap();
}

/// A type without unique attributes or counts.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Memo {
    #[dynamo(partition_key)]
    id: String,
    text: String,
    #[dynamo(default)]
    tags: Vec<String>,
}

fn memo(id: &str) -> Memo {
    Memo {
        id: id.into(),
        text: format!("memo {id}"),
        tags: Vec::new(),
    }
}

/// Writes that move no guard cost what they cost without unique attributes: a
/// `modify` of other attributes is one UpdateItem (not a read and a transaction), and a
/// type without unique attributes inserts, modifies, removes and transacts with one
/// request each. Counted by the fault proxy with no faults planned.
#[tokio::test]
async fn writes_that_move_no_guard_are_one_request_each() {
    use dynamap_tests::proxy::{FaultPlan, FaultProxy};
    use std::sync::atomic::Ordering;
    if !proxy::possible("writes_that_move_no_guard_are_one_request_each") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-one-request").await;
    let memos = new_mapping::<Memo>("unique-one-request-memos").await;
    put(&accounts, "a1", "a1@example.com").await;
    let proxy = FaultProxy::start(&dynamap_tests::endpoint(), FaultPlan::default()).await;
    let (counted_accounts, counted_memos) = (
        through(&proxy, &accounts).await,
        through(&proxy, &memos).await,
    );
    let requests = || proxy.stats.requests.load(Ordering::Relaxed);
    let mut sent = requests();
    let mut one_request = |what: &str| {
        let now = requests();
        assert_eq!(now - sent, 1, "{what}");
        sent = now;
    };
    let (f, m) = (Account::fields(), Memo::fields());
    counted_accounts
        .modify("a1")
        .add(f.visits, 2u64)
        .set(f.name, "Ada".to_owned())
        .await
        .unwrap();
    one_request("a modify of attributes no guard is made of");
    counted_memos.insert(&memo("m1")).await.unwrap();
    one_request("a plain type's insert");
    counted_memos
        .modify("m1")
        .set(m.text, "changed".to_owned())
        .append(m.tags, ["x".to_owned()])
        .await
        .unwrap();
    one_request("a plain type's modify");
    counted_memos.remove("m1").await.unwrap();
    one_request("a plain type's remove");
    dynamap::transaction(counted_memos.client())
        .put(&counted_memos, &memo("m2"))
        .remove(&counted_memos, "m3")
        .await
        .unwrap();
    one_request("a plain type's transaction");
    let a1 = accounts.get("a1").await.unwrap().unwrap();
    assert_eq!((a1.visits, a1.name.as_str()), (2, "Ada"));
    assert_eq!(memos.get("m2").await.unwrap(), Some(memo("m2")));
    assert_eq!(memos.get("m1").await.unwrap(), None);
}

/// A guarded write whose caller's own condition fails is that failure at once: one
/// read and one transaction, not redone as though another writer had come between (the
/// item the failed condition found is the one read, or absent as read).
#[tokio::test]
async fn a_guarded_write_whose_own_condition_fails_is_refused_at_once() {
    use dynamap_tests::proxy::{FaultPlan, FaultProxy};
    use std::sync::atomic::Ordering;
    if !proxy::possible("a_guarded_write_whose_own_condition_fails_is_refused_at_once") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-own-condition").await;
    put(&accounts, "a1", "a1@example.com").await;
    let proxy = FaultProxy::start(&dynamap_tests::endpoint(), FaultPlan::default()).await;
    let counted = through(&proxy, &accounts).await;
    let requests = || proxy.stats.requests.load(Ordering::Relaxed);
    let f = Account::fields();
    let sent = requests();
    let refused = counted
        .modify("a1")
        .set(f.email, "new@example.com".to_owned())
        .when(f.name.eq("nobody"))
        .await;
    assert!(
        matches!(refused, Err(Error::ConditionFailed { .. })),
        "{refused:?}"
    );
    assert_eq!(requests() - sent, 2, "one read and one transaction");
    let sent = requests();
    let absent = account("a2", "a2@example.com");
    let refused = counted.insert_when(&absent, f.name.eq("nobody")).await;
    assert!(
        matches!(refused, Err(Error::ConditionFailed { .. })),
        "{refused:?}"
    );
    assert_eq!(requests() - sent, 2, "one read and one transaction");
    assert_eq!(accounts.get("a2").await.unwrap(), None);
    assert_eq!(
        guards(accounts.table_name()).await,
        [("_unique#email#a1@example.com".to_owned(), "a1".to_owned())]
    );
}

/// A modify moving a guard whose own update DynamoDB cannot apply to the stored item
/// (adding to an attribute another writer stored as text) is the transaction's
/// cancellation with that reason, not a failed condition: nothing was compared. (The
/// servers differ here: see below, and docs/testing.md.)
#[tokio::test]
async fn a_guarded_modify_the_server_cannot_apply_is_a_cancellation_with_its_reason() {
    let accounts = new_mapping::<Account>("unique-invalid-update").await;
    put(&accounts, "a1", "a1@example.com").await;
    client()
        .await
        .update_item()
        .table_name(accounts.table_name())
        .key("id", AttributeValue::S("a1".into()))
        .update_expression("SET visits = :text")
        .expression_attribute_values(":text", AttributeValue::S("many".into()))
        .send()
        .await
        .unwrap();
    let f = Account::fields();
    let (counting, log) = dynamap_tests::counting_client(accounts.client());
    let refused = TypedMapping::<Account>::new(counting, accounts.table_name())
        .modify("a1")
        .set(f.email, "new@example.com".to_owned())
        .add(f.visits, 1u64)
        .await;
    // One read and one transaction: only a conflict with another transaction is worth
    // sending again.
    assert_eq!(log.count(), 2);
    match (dynamap_tests::server_kind(), refused) {
        // AWS documents a type mismatch in an action's update as the cancellation
        // reason `ValidationError`, as the embedded server answers; DynamoDB Local
        // refuses the whole request instead (`ValidationException`). Either way, not a
        // failed condition.
        (dynamap::local::ServerKind::DynamoDbLocal, Err(e)) => assert!(
            !matches!(e, Error::ConditionFailed { .. })
                && format!("{e:?}").contains("incorrect data type"),
            "{e:?}"
        ),
        (_, Err(Error::TransactionCancelled { actions, .. })) => assert_eq!(
            actions[0].reason,
            dynamap::error::CancelReason::ValidationError,
            "{actions:?}"
        ),
        (_, other) => panic!("{other:?}"),
    }
    assert_eq!(
        guards(accounts.table_name()).await.len(),
        1,
        "nothing moved"
    );
}

/// A guarded write whose item another writer changes between every read and its
/// transaction reads again, and gives up after a bounded number of rounds with the
/// item it found last: it never loops for ever. The proxy holds each transaction while
/// the other writer changes the item.
#[tokio::test]
async fn a_guarded_write_raced_at_every_round_gives_up_with_what_it_found() {
    use std::sync::atomic::Ordering;
    if !proxy::possible("a_guarded_write_raced_at_every_round_gives_up_with_what_it_found") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-raced").await;
    put(&accounts, "a1", "a1@example.com").await;
    let (proxy, hold) = proxy::hold_every(&["TransactWriteItems"]).await;
    let raced = through(&proxy, &accounts).await;
    let f = Account::fields();
    // `return_new`: the transaction expects the whole item as read.
    let write = tokio::spawn(async move {
        raced
            .modify("a1")
            .set(f.email, "new@example.com".to_owned())
            .return_new()
            .await
    });
    let stats = &proxy.stats;
    let mut rounds: u64 = 0;
    while !write.is_finished() {
        if stats.held.load(Ordering::Relaxed) > rounds {
            // A transaction is held: change the item it read, then let it go.
            rounds += 1;
            assert!(rounds <= 40, "the write never gives up");
            accounts
                .modify("a1")
                .set(f.name, format!("round {rounds}"))
                .await
                .unwrap();
            hold.add_permits(1);
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    match write.await.unwrap() {
        Err(Error::ConditionFailed {
            item: Some(found), ..
        }) => {
            let found = Account::from_item(*found).unwrap();
            assert_eq!(found.name, format!("round {rounds}"));
            assert_eq!(found.email, "a1@example.com");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rounds, 16, "at most 16 rounds (RELIABILITY.md)");
    assert_eq!(
        guards(accounts.table_name()).await,
        [("_unique#email#a1@example.com".to_owned(), "a1".to_owned())]
    );
}

/// A transaction answered `TransactionInProgressException` at every attempt is asked
/// again 16 times (RELIABILITY.md's bound) and then hands the answer back, having
/// written nothing.
#[tokio::test]
async fn a_transaction_in_progress_at_every_attempt_is_given_up_after_sixteen() {
    use dynamap_tests::proxy::{FaultPlan, FaultProxy};
    use std::sync::atomic::Ordering;
    if !proxy::possible("a_transaction_in_progress_at_every_attempt_is_given_up_after_sixteen") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-in-progress-always").await;
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            answer_error: (1.0, "TransactionInProgressException"),
            max_faults: 1000,
            only: &["TransactWriteItems"],
            ..FaultPlan::default()
        },
    )
    .await;
    let answered = through(&proxy, &accounts).await;
    let item = account("a1", "one@example.com");
    let insert = answered.insert(&item);
    let error = tokio::time::timeout(std::time::Duration::from_secs(90), insert)
        .await
        .expect("the write never gives up")
        .unwrap_err();
    assert!(
        matches!(
            error.sdk_error(),
            Some(aws_sdk_dynamodb::Error::TransactionInProgressException(_))
        ),
        "{error:?}"
    );
    assert_eq!(proxy.stats.answered_errors.load(Ordering::Relaxed), 17);
    assert_eq!(accounts.get("a1").await.unwrap(), None);
    assert!(guards(accounts.table_name()).await.is_empty());
}

/// An item holding a value whose guard another item owns (the value was stored around
/// dynamap): moving it to a new value leaves the other item's guard where it is, and
/// the write goes through.
#[tokio::test]
async fn a_value_stored_around_dynamap_keeps_its_owners_guard_when_moved_away() {
    let accounts = new_mapping::<Account>("unique-foreign").await;
    put(&accounts, "a1", "one@example.com").await;
    put(&accounts, "a2", "two@example.com").await;
    // Around dynamap: a1 now holds a2's email, whose guard is a2's.
    client()
        .await
        .update_item()
        .table_name(accounts.table_name())
        .key("id", AttributeValue::S("a1".into()))
        .update_expression("SET email = :taken")
        .expression_attribute_values(":taken", AttributeValue::S("two@example.com".into()))
        .send()
        .await
        .unwrap();
    let f = Account::fields();
    accounts
        .modify("a1")
        .set(f.email, "three@example.com".to_owned())
        .await
        .unwrap();
    assert_eq!(
        accounts.get("a1").await.unwrap().unwrap().email,
        "three@example.com"
    );
    assert_eq!(
        guards(accounts.table_name()).await,
        [
            ("_unique#email#one@example.com".to_owned(), "a1".to_owned()),
            (
                "_unique#email#three@example.com".to_owned(),
                "a1".to_owned()
            ),
            ("_unique#email#two@example.com".to_owned(), "a2".to_owned()),
        ]
    );
}

/// A caller's transaction with an action of its own before two guarded writes: when
/// another writer moves the second item's value between the read and the write, the
/// failed condition is found at that write's place (past the caller's action), and
/// the transaction reads again and lands.
#[tokio::test]
async fn a_callers_transaction_raced_on_its_second_guarded_write_reads_again_and_lands() {
    use std::sync::atomic::Ordering;
    if !proxy::possible(
        "a_callers_transaction_raced_on_its_second_guarded_write_reads_again_and_lands",
    ) {
        return;
    }
    let accounts = new_mapping::<Account>("unique-tx-raced").await;
    let memos = new_mapping::<Memo>("unique-tx-raced-memos").await;
    put(&accounts, "a1", "one@example.com").await;
    put(&accounts, "a2", "two@example.com").await;
    let (proxy, hold) = proxy::hold_every(&["TransactWriteItems"]).await;
    let (raced, raced_memos) = (
        through(&proxy, &accounts).await,
        through(&proxy, &memos).await,
    );
    let f = Account::fields();
    let write = tokio::spawn(async move {
        dynamap::transaction(raced.client())
            .put(&raced_memos, &memo("m1"))
            .modify(&raced, "a1", |m| {
                m.set(f.email, "three@example.com".to_owned())
            })
            .modify(&raced, "a2", |m| {
                m.set(f.email, "four@example.com".to_owned())
            })
            .await
    });
    let stats = &proxy.stats;
    while stats.held.load(Ordering::Relaxed) == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    // The first transaction is held: a2's value moves under it.
    accounts
        .modify("a2")
        .set(f.email, "five@example.com".to_owned())
        .await
        .unwrap();
    hold.add_permits(100);
    write.await.unwrap().unwrap();
    assert_eq!(
        stats.held.load(Ordering::Relaxed),
        2,
        "sent again after a new read"
    );
    assert_eq!(
        accounts.get("a1").await.unwrap().unwrap().email,
        "three@example.com"
    );
    assert_eq!(
        accounts.get("a2").await.unwrap().unwrap().email,
        "four@example.com"
    );
    assert_eq!(memos.get("m1").await.unwrap(), Some(memo("m1")));
    assert_eq!(
        guards(accounts.table_name()).await,
        [
            ("_unique#email#four@example.com".to_owned(), "a2".to_owned()),
            (
                "_unique#email#three@example.com".to_owned(),
                "a1".to_owned()
            ),
        ]
    );
}

/// A transaction answered `TransactionInProgressException` (DynamoDB still applies an
/// earlier attempt of its token) is asked again with the same token, and lands once.
#[tokio::test]
async fn a_transaction_still_in_progress_is_asked_again() {
    use dynamap_tests::proxy::{FaultPlan, FaultProxy};
    use std::sync::atomic::Ordering;
    if !proxy::possible("a_transaction_still_in_progress_is_asked_again") {
        return;
    }
    let accounts = new_mapping::<Account>("unique-in-progress").await;
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            answer_error: (1.0, "TransactionInProgressException"),
            max_faults: 2,
            only: &["TransactWriteItems"],
            ..FaultPlan::default()
        },
    )
    .await;
    let answered = through(&proxy, &accounts).await;
    answered
        .insert(&account("a1", "one@example.com"))
        .await
        .unwrap();
    assert_eq!(proxy.stats.answered_errors.load(Ordering::Relaxed), 2);
    assert_eq!(
        accounts.get("a1").await.unwrap(),
        Some(account("a1", "one@example.com"))
    );
    assert_eq!(
        guards(accounts.table_name()).await,
        [("_unique#email#one@example.com".to_owned(), "a1".to_owned())]
    );
}
