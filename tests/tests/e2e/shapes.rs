//! Item shapes that change (#32 item 3): items stored by older versions of a type are
//! read through their upgrades on every read path; a partial or conditional write
//! first rewrites such an item in today's shape (so nothing it writes is dropped and
//! its condition is judged on today's attributes); the backfill brings every item to
//! today's shape; a newer shape is an error, never a guess.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::prelude::*;
use dynamap::{changes::Change, changes::RawChange, schema::StreamView, DynamoTable, Error, Table};
use futures::{StreamExt, TryStreamExt};

use dynamap_tests::{client, stored, unique_table_name};

/// The first release: one `name`, a plan by name; stored without a shape attribute.
#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct ProfileV1 {
    org: String,
    id: String,
    name: String,
    plan: String,
}

/// The second: the name split (`_shape` 2).
#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct ProfileV2 {
    org: String,
    id: String,
    first: String,
    last: String,
    plan: String,
}

/// Today's: a numeric tier instead of the plan's name, and a login count.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(shape(version = 3, from(ProfileV1, ProfileV2)))]
struct Profile {
    #[dynamo(partition_key)]
    org: String,
    #[dynamo(sort_key)]
    id: String,
    first: String,
    last: String,
    tier: u8,
    #[dynamo(default)]
    logins: u64,
}

impl From<ProfileV1> for ProfileV2 {
    fn from(v1: ProfileV1) -> ProfileV2 {
        let (first, last) = v1.name.split_once(' ').unwrap_or((&v1.name, ""));
        ProfileV2 {
            first: first.to_owned(),
            last: last.to_owned(),
            org: v1.org,
            id: v1.id,
            plan: v1.plan,
        }
    }
}

impl From<ProfileV2> for Profile {
    fn from(v2: ProfileV2) -> Profile {
        Profile {
            org: v2.org,
            id: v2.id,
            first: v2.first,
            last: v2.last,
            tier: u8::from(v2.plan == "pro"),
            logins: 0,
        }
    }
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn v1_item(id: &str, name: &str, plan: &str) -> BTreeMap<String, AttributeValue> {
    BTreeMap::from([
        ("org".to_owned(), s("acme")),
        ("id".to_owned(), s(id)),
        ("name".to_owned(), s(name)),
        ("plan".to_owned(), s(plan)),
    ])
}

fn v2_item(id: &str, first: &str, last: &str, plan: &str) -> BTreeMap<String, AttributeValue> {
    BTreeMap::from([
        ("org".to_owned(), s("acme")),
        ("id".to_owned(), s(id)),
        ("first".to_owned(), s(first)),
        ("last".to_owned(), s(last)),
        ("plan".to_owned(), s(plan)),
        ("_shape".to_owned(), AttributeValue::N("2".into())),
    ])
}

fn profile(id: &str, first: &str, last: &str, tier: u8) -> Profile {
    Profile {
        org: "acme".into(),
        id: id.into(),
        first: first.into(),
        last: last.into(),
        tier,
        logins: 0,
    }
}

/// Stores `item` as another client (an older release) would.
async fn put_raw<T: DynamoItem>(mapping: &TypedMapping<T>, item: BTreeMap<String, AttributeValue>) {
    mapping
        .client()
        .put_item()
        .table_name(mapping.table_name())
        .set_item(Some(item.into_iter().collect()))
        .send()
        .await
        .unwrap();
}

async fn profiles() -> TypedMapping<Profile> {
    let profiles = TypedMapping::new(client().await, unique_table_name("shapes"));
    profiles
        .create_table()
        .stream(StreamView::NewAndOldImages)
        .await
        .unwrap();
    profiles
}

/// Ada stored by the first release, Bob by the second, Cy by today's.
async fn three_releases(profiles: &TypedMapping<Profile>) {
    put_raw(profiles, v1_item("ada", "Ada Lovelace", "pro")).await;
    put_raw(profiles, v2_item("bob", "Bob", "Kahn", "free")).await;
    profiles
        .insert(&profile("cy", "Cy", "Young", 1))
        .await
        .unwrap();
}

fn expected() -> Vec<Profile> {
    vec![
        profile("ada", "Ada", "Lovelace", 1),
        profile("bob", "Bob", "Kahn", 0),
        profile("cy", "Cy", "Young", 1),
    ]
}

fn key(id: &str) -> (String, String) {
    ("acme".to_owned(), id.to_owned())
}

#[tokio::test]
async fn every_read_path_reads_older_shapes_through_their_upgrades() {
    let profiles = profiles().await;
    three_releases(&profiles).await;

    // get
    for want in expected() {
        assert_eq!(profiles.get(&key(&want.id)).await.unwrap(), Some(want));
    }
    // query and scan
    let queried: Vec<Profile> = profiles.query("acme").stream().try_collect().await.unwrap();
    assert_eq!(queried, expected());
    let mut scanned: Vec<Profile> = profiles.scan().stream().try_collect().await.unwrap();
    scanned.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(scanned, expected());
    // batch get
    let mut batch = profiles
        .get_many([key("ada"), key("bob"), key("cy")])
        .await
        .unwrap();
    batch.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(batch, expected());
    // The reads wrote nothing: Ada is still stored by the first release.
    let ada = stored(&profiles, &key("ada")).await;
    assert!(ada.contains_key("name") && !ada.contains_key("_shape"));

    // The change feed: the new images of the three puts.
    let mut feed = profiles
        .changes()
        .poll_interval(Duration::from_millis(100))
        .stream();
    let mut changed: Vec<Profile> = Vec::new();
    while changed.len() < 3 {
        let next = tokio::time::timeout(Duration::from_secs(10), feed.next()).await;
        let change: Change<Profile> = next.unwrap().unwrap().unwrap();
        changed.push(change.new.unwrap());
    }
    changed.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(changed, expected());
}

#[test]
fn a_lambda_record_and_a_json_record_read_older_shapes_through_their_upgrades() {
    let record = serde_json::json!({
        "eventID": "1",
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1_700_000_000.0,
            "Keys": { "org": { "S": "acme" }, "id": { "S": "ada" } },
            "OldImage": {
                "org": { "S": "acme" }, "id": { "S": "ada" },
                "name": { "S": "Ada Lovelace" }, "plan": { "S": "free" }
            },
            "NewImage": {
                "org": { "S": "acme" }, "id": { "S": "ada" },
                "first": { "S": "Ada" }, "last": { "S": "Lovelace" },
                "plan": { "S": "pro" }, "_shape": { "N": "2" }
            },
            "SequenceNumber": "100",
            "SizeBytes": 120,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/profiles/stream/2026-01-01T00:00:00.000"
    });
    let from_json = RawChange::from_json(&record.to_string())
        .unwrap()
        .decode::<Profile>()
        .unwrap()
        .unwrap();
    assert_eq!(from_json.old, Some(profile("ada", "Ada", "Lovelace", 0)));
    assert_eq!(from_json.new, Some(profile("ada", "Ada", "Lovelace", 1)));
    let event = serde_json::json!({ "Records": [record] });
    let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_value(event).unwrap();
    let from_lambda = dynamap::changes::from_lambda_record::<Profile>(&event.records[0])
        .unwrap()
        .unwrap();
    assert_eq!(from_lambda.old, from_json.old);
    assert_eq!(from_lambda.new, from_json.new);
}

#[tokio::test]
async fn a_newer_or_unreadable_shape_is_an_error_never_a_guess() {
    let profiles = profiles().await;
    let mut newer = v2_item("dee", "Dee", "Dee", "pro");
    newer.insert("_shape".into(), AttributeValue::N("4".into()));
    put_raw(&profiles, newer).await;
    match profiles.get(&key("dee")).await {
        Err(Error::NewerShape {
            item,
            stored,
            known,
        }) => assert_eq!((item, stored, known), ("Profile", 4, 3)),
        other => panic!("expected NewerShape, got {other:?}"),
    }
    for bad in [
        AttributeValue::S("2".into()),
        AttributeValue::N("0".into()),
        AttributeValue::N("2.5".into()),
        AttributeValue::N("99999999999999999999".into()),
    ] {
        let mut item = v2_item("eve", "Eve", "E", "pro");
        item.insert("_shape".into(), bad.clone());
        put_raw(&profiles, item).await;
        match profiles.get(&key("eve")).await {
            Err(Error::Conversion(e)) => assert_eq!(e.attribute(), "_shape", "{bad:?}"),
            other => panic!("{bad:?}: expected a conversion error, got {other:?}"),
        }
    }
    // A write needing today's shape leaves such an item alone.
    let f = Profile::fields();
    let err = profiles
        .modify(&key("dee"))
        .add(f.logins, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NewerShape { .. }), "{err:?}");
    assert_eq!(
        stored(&profiles, &key("dee")).await["_shape"],
        AttributeValue::N("4".into())
    );
}

/// The release that first declared a shape: version 1, no older one.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(shape(version = 1))]
struct ProfileRelease1 {
    #[dynamo(partition_key)]
    org: String,
    #[dynamo(sort_key)]
    id: String,
    name: String,
    plan: String,
}

#[tokio::test]
async fn an_instance_of_an_older_release_refuses_to_write_into_a_newer_item() {
    let profiles = profiles().await;
    three_releases(&profiles).await;
    // An instance still running release 1 during a rolling deployment.
    let old =
        TypedMapping::<ProfileRelease1>::new(profiles.client().clone(), profiles.table_name());
    let f = ProfileRelease1::fields();
    let before = stored(&profiles, &key("cy")).await;
    let err = old
        .modify(&key("cy"))
        .set(f.plan, "free")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NewerShape {
                stored: 3,
                known: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let err = old
        .remove_when(&key("cy"), f.plan.eq("pro"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NewerShape { .. }), "{err:?}");
    assert_eq!(
        stored(&profiles, &key("cy")).await,
        before,
        "nothing written"
    );
    // Its own items (no shape attribute, or version 1) it still updates.
    old.modify(&key("ada")).set(f.plan, "free").await.unwrap();
    assert_eq!(profiles.get(&key("ada")).await.unwrap().unwrap().tier, 0);
}

#[tokio::test]
async fn a_modify_of_an_older_item_rewrites_it_in_todays_shape_first() {
    let profiles = profiles().await;
    three_releases(&profiles).await;
    let f = Profile::fields();

    profiles.modify(&key("ada")).add(f.logins, 1).await.unwrap();
    let want = Profile {
        logins: 1,
        ..profile("ada", "Ada", "Lovelace", 1)
    };
    assert_eq!(profiles.get(&key("ada")).await.unwrap(), Some(want));
    let raw = stored(&profiles, &key("ada")).await;
    assert_eq!(raw["_shape"], AttributeValue::N("3".into()));
    assert!(
        !raw.contains_key("name") && !raw.contains_key("plan"),
        "{raw:?}"
    );

    // return_new sees the item as written; a condition on today's attributes holds.
    let bob: Profile = profiles
        .modify(&key("bob"))
        .set(f.tier, 2)
        .when(f.tier.eq(0))
        .return_new()
        .await
        .unwrap();
    assert_eq!(bob.tier, 2);
    assert_eq!(
        stored(&profiles, &key("bob")).await["_shape"],
        AttributeValue::N("3".into())
    );

    // An upsert of a missing item creates it in today's shape.
    profiles
        .modify(&key("new"))
        .set(f.first, "New")
        .set(f.last, "Comer")
        .set(f.tier, 0)
        .upsert(true)
        .await
        .unwrap();
    assert_eq!(
        stored(&profiles, &key("new")).await["_shape"],
        AttributeValue::N("3".into())
    );
}

#[tokio::test]
async fn a_condition_that_fails_on_an_item_in_todays_shape_is_sent_once() {
    let profiles = profiles().await;
    three_releases(&profiles).await;
    let (client, wire) = dynamap_tests::wire::wire_client(profiles.client());
    let watched = TypedMapping::<Profile>::new(client, profiles.table_name());
    let f = Profile::fields();
    // Cy is in today's shape: the failure is the caller's condition, not the shape's,
    // and nothing is rewritten or sent again.
    let err = watched
        .modify(&key("cy"))
        .add(f.logins, 1)
        .when(f.tier.eq(0))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    assert_eq!(wire.bodies("UpdateItem").len(), 1);
}

#[tokio::test]
async fn update_with_of_an_older_item_writes_todays_shape() {
    let profiles = profiles().await;
    three_releases(&profiles).await;
    let written = profiles
        .update_with(&key("bob"), |p| p.last = "Kahn-Smith".into())
        .await
        .unwrap();
    assert_eq!(written.last, "Kahn-Smith");
    assert_eq!(
        profiles.get(&key("bob")).await.unwrap(),
        Some(profile("bob", "Bob", "Kahn-Smith", 0))
    );
    let raw = stored(&profiles, &key("bob")).await;
    assert_eq!(raw["_shape"], AttributeValue::N("3".into()));
    assert!(!raw.contains_key("plan"));
}

#[tokio::test]
async fn a_condition_is_judged_on_todays_shape() {
    let profiles = profiles().await;
    three_releases(&profiles).await;
    let f = Profile::fields();
    // Ada's first-release item has no `tier`: judged as stored, `tier <> 1` would hold
    // and remove a pro user, and `tier = 1` would fail.
    let err = profiles
        .remove_when(&key("ada"), f.tier.ne(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    let err = profiles
        .insert_when(&profile("ada", "A", "L", 0), f.tier.ne(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    assert_eq!(
        profiles.get(&key("ada")).await.unwrap(),
        Some(profile("ada", "Ada", "Lovelace", 1))
    );
    let removed = profiles
        .remove_when(&key("ada"), f.tier.eq(1))
        .await
        .unwrap();
    assert_eq!(removed, Some(profile("ada", "Ada", "Lovelace", 1)));
    assert!(!profiles.contains_key(&key("ada")).await.unwrap());

    // Bob's second-release item: `tier = 0` holds once upgraded.
    let bob = Profile {
        logins: 9,
        ..profile("bob", "Bob", "Kahn", 0)
    };
    profiles.insert_when(&bob, f.tier.eq(0)).await.unwrap();
    assert_eq!(profiles.get(&key("bob")).await.unwrap(), Some(bob));
    // And one that does not hold still fails, on today's shape.
    put_raw(&profiles, v2_item("bob", "Bob", "Kahn", "free")).await;
    let err = profiles
        .insert_when(&profile("bob", "B", "K", 1), f.tier.eq(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    assert_eq!(
        stored(&profiles, &key("bob")).await["_shape"],
        AttributeValue::N("3".into())
    );
}

#[tokio::test]
async fn a_transaction_on_older_items_rewrites_them_then_applies_once() {
    let profiles = profiles().await;
    three_releases(&profiles).await;
    let f = Profile::fields();
    let token = format!("shapes-{}", dynamap_tests::unique_suffix());
    let transaction = || {
        dynamap::transaction(profiles.client())
            .modify(&profiles, &key("ada"), |m| {
                m.add(f.logins, 1).when(f.tier.eq(1))
            })
            .remove_when(&profiles, &key("bob"), f.tier.eq(0))
            .condition_check(&profiles, &key("cy"), f.tier.eq(1))
            .client_request_token(token.clone())
    };
    transaction().await.unwrap();
    // Sent again with its token (a caller's retry): applied once.
    transaction().await.unwrap();
    let ada = profiles.get(&key("ada")).await.unwrap().unwrap();
    assert_eq!(ada.logins, 1);
    assert_eq!(
        stored(&profiles, &key("ada")).await["_shape"],
        AttributeValue::N("3".into())
    );
    assert!(!profiles.contains_key(&key("bob")).await.unwrap());

    // A condition that does not hold on today's shape still cancels it, nothing written.
    put_raw(&profiles, v1_item("dan", "Dan Brown", "free")).await;
    let err = dynamap::transaction(profiles.client())
        .modify(&profiles, &key("dan"), |m| {
            m.add(f.logins, 1).when(f.tier.ne(0))
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TransactionCancelled { .. }), "{err:?}");
    assert_eq!(profiles.get(&key("dan")).await.unwrap().unwrap().logins, 0);
}

#[tokio::test]
async fn concurrent_adds_to_older_items_are_each_counted_once() {
    let profiles = profiles().await;
    for i in 0..20 {
        put_raw(&profiles, v1_item(&format!("p{i:02}"), "Some One", "free")).await;
    }
    let f = Profile::fields();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let profiles = profiles.clone();
            tokio::spawn(async move {
                for round in 0..5 {
                    for i in 0..20 {
                        let _ = round;
                        profiles
                            .modify(&key(&format!("p{i:02}")))
                            .add(f.logins, 1)
                            .await
                            .unwrap();
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let all: Vec<Profile> = profiles.query("acme").stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 20);
    for p in all {
        assert_eq!(p.logins, 20, "{p:?}: every add counted once");
        assert_eq!((p.first.as_str(), p.last.as_str()), ("Some", "One"));
    }
}

#[tokio::test]
async fn the_backfill_brings_every_item_to_todays_shape() {
    let profiles = profiles().await;
    for i in 0..120 {
        let id = format!("p{i:03}");
        match i % 3 {
            0 => put_raw(&profiles, v1_item(&id, "Some One", "pro")).await,
            1 => put_raw(&profiles, v2_item(&id, "Some", "One", "free")).await,
            _ => {
                profiles
                    .insert(&profile(&id, "Some", "One", 1))
                    .await
                    .unwrap();
            }
        }
    }
    let report = profiles.backfill().await.unwrap();
    assert_eq!(
        (report.scanned, report.rewritten, report.current),
        (120, 80, 40)
    );
    assert!(report.refused.is_empty());
    let raw: Vec<_> = profiles
        .client()
        .scan()
        .table_name(profiles.table_name())
        .send()
        .await
        .unwrap()
        .items
        .unwrap();
    assert_eq!(raw.len(), 120);
    for item in &raw {
        assert_eq!(item["_shape"], AttributeValue::N("3".into()), "{item:?}");
        assert!(
            !item.contains_key("name") && !item.contains_key("plan"),
            "{item:?}"
        );
        assert!(
            item.contains_key("tier") && item.contains_key("logins"),
            "{item:?}"
        );
    }
}

#[tokio::test]
async fn lost_answers_around_an_upgrade_apply_the_write_once() {
    use dynamap_tests::proxy::{self, cut_first_answer, through};
    if !proxy::possible("lost_answers_around_an_upgrade_apply_the_write_once") {
        return;
    }
    let profiles = profiles().await;
    put_raw(&profiles, v1_item("ada", "Ada Lovelace", "pro")).await;
    put_raw(&profiles, v1_item("bob", "Bob Kahn", "free")).await;
    let f = Profile::fields();

    // The modify's first answer (its failed shape condition) is lost; its retry fails
    // the same way, the item is rewritten, the add sent again: applied once.
    let proxy = cut_first_answer(&["UpdateItem"]).await;
    let faulty = through(&proxy, &profiles).await;
    faulty.modify(&key("ada")).add(f.logins, 1).await.unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    assert_eq!(profiles.get(&key("ada")).await.unwrap().unwrap().logins, 1);

    // update_with rewrites first: the rewrite lands and its answer is lost; its retry
    // finds its own write (its token), the item is read again in today's shape, and
    // the closure's change lands once.
    let proxy = cut_first_answer(&["UpdateItem"]).await;
    let faulty = through(&proxy, &profiles).await;
    faulty
        .update_with(&key("bob"), |p| p.logins += 1)
        .await
        .unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    let bob = profiles.get(&key("bob")).await.unwrap().unwrap();
    assert_eq!((bob.logins, bob.tier), (1, 0));
    let raw = stored(&profiles, &key("bob")).await;
    assert_eq!(raw["_shape"], AttributeValue::N("3".into()));
    assert!(!raw.contains_key("name"));
}

/// A type with a unique attribute (its writes are transactions with guard items).
#[derive(DynamoValue)]
struct MemberV1 {
    id: String,
    email: String,
    nick: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(shape(version = 2, from(MemberV1)))]
struct Member {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    email: String,
    handle: String,
    #[dynamo(default)]
    visits: u32,
}

impl From<MemberV1> for Member {
    fn from(v1: MemberV1) -> Member {
        Member {
            id: v1.id,
            // Release 2 keeps emails in lower case.
            email: v1.email.to_lowercase(),
            handle: format!("@{}", v1.nick),
            visits: 0,
        }
    }
}

fn member_v1(id: &str, email: &str) -> BTreeMap<String, AttributeValue> {
    BTreeMap::from([
        ("id".to_owned(), s(id)),
        ("email".to_owned(), s(email)),
        ("nick".to_owned(), s(id)),
    ])
}

#[tokio::test]
async fn a_type_with_a_unique_attribute_upgrades_unless_its_value_would_move() {
    let members = dynamap_tests::new_mapping::<Member>("shapes-unique").await;
    let f = Member::fields();
    // Release 1 wrote Ada through dynamap (her email's guard item exists), then her
    // first-release form is what is stored.
    let ada = Member {
        id: "ada".into(),
        email: "ada@example.com".into(),
        handle: "@ada".into(),
        visits: 0,
    };
    members.insert(&ada).await.unwrap();
    put_raw(&members, member_v1("ada", "ada@example.com")).await;
    // An update that leaves the unique value as it is: the item is rewritten, the
    // guard stays.
    members.modify("ada").add(f.visits, 1).await.unwrap();
    let back = members.get("ada").await.unwrap().unwrap();
    assert_eq!((back.handle.as_str(), back.visits), ("@ada", 1));
    assert_eq!(
        stored(&members, &"ada".to_owned()).await["_shape"],
        AttributeValue::N("2".into())
    );
    let taken = Member {
        id: "cy".into(),
        ..ada.clone()
    };
    assert!(matches!(
        members.insert(&taken).await,
        Err(Error::NotUnique { .. })
    ));

    // Eve's upgrade would change her unique value (to lower case): its guard would not
    // move, so it is refused, nothing written.
    put_raw(&members, member_v1("eve", "Eve@Example.com")).await;
    let before = stored(&members, &"eve".to_owned()).await;
    let err = members.modify("eve").add(f.visits, 1).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(stored(&members, &"eve".to_owned()).await, before);

    // The backfill rewrites the items whose unique value stays and refuses Eve's.
    put_raw(&members, member_v1("bob", "bob@example.com")).await;
    let report = members.backfill().await.unwrap();
    assert_eq!((report.rewritten, report.current), (1, 1), "{report:?}");
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].key["id"], s("eve"));
}

// -- An entity of a single-table design, and a collection of it.

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

/// How orders were stored before the total was kept in cents.
#[derive(DynamoValue)]
struct OrderV1 {
    customer: String,
    id: String,
    total: f64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "Order",
    pk = "CUSTOMER#{customer}",
    sk = "ORDER#{id}",
    shape(version = 2, from(OrderV1))
)]
struct Order {
    customer: String,
    id: String,
    total_cents: i64,
}

impl From<OrderV1> for Order {
    fn from(v1: OrderV1) -> Order {
        Order {
            customer: v1.customer,
            id: v1.id,
            total_cents: (v1.total * 100.0).round() as i64,
        }
    }
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Customer", pk = "CUSTOMER#{customer}", sk = "PROFILE")]
struct Customer {
    customer: String,
    name: String,
}

#[derive(DynamoCollection, Debug, PartialEq)]
enum CustomerView {
    Customer(Customer),
    Order(Order),
}

#[tokio::test]
async fn an_entity_reads_its_older_shape_alone_and_in_a_collection() {
    let shop = Table::<Shop>::new(client().await, unique_table_name("shapes-shop"));
    shop.create_table().await.unwrap();
    let orders = shop.entity::<Order>();
    shop.entity::<Customer>()
        .insert(&Customer {
            customer: "c1".into(),
            name: "Ada".into(),
        })
        .await
        .unwrap();
    let old = BTreeMap::from([
        ("pk".to_owned(), s("CUSTOMER#c1")),
        ("sk".to_owned(), s("ORDER#o1")),
        ("_et".to_owned(), s("Order")),
        ("customer".to_owned(), s("c1")),
        ("id".to_owned(), s("o1")),
        ("total".to_owned(), AttributeValue::N("12.5".into())),
    ]);
    put_raw(&orders, old).await;
    let want = Order {
        customer: "c1".into(),
        id: "o1".into(),
        total_cents: 1250,
    };
    let key = ("c1".to_owned(), "o1".to_owned());
    assert_eq!(orders.get(&key).await.unwrap(), Some(want.clone()));
    let view: Vec<CustomerView> = shop
        .collection::<CustomerView>()
        .query("c1")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(
        view.contains(&CustomerView::Order(want.clone())),
        "{view:?}"
    );

    // An update rewrites it as today's entity, under the same key.
    let f = Order::fields();
    orders.modify(&key).add(f.total_cents, 50).await.unwrap();
    let raw = stored(&orders, &key).await;
    assert_eq!(raw["_shape"], AttributeValue::N("2".into()));
    assert_eq!(raw["_et"], s("Order"));
    assert!(!raw.contains_key("total"));
    assert_eq!(orders.get(&key).await.unwrap().unwrap().total_cents, 1300);
}
