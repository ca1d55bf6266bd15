//! Single-table design against the server: users, their orders and order lines in one
//! table under composed keys, read through each entity's mapping, together as a
//! collection, and through a global index; sort-key ranges on a composed key return
//! exactly the items in the range.

use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::{DynamoCollection, DynamoTable, Error, Table};
use futures::TryStreamExt;
use rust_decimal::Decimal;
use uuid::Uuid;

use dynamap_tests::{client, stored, unique_table_name};

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct UserId(Uuid);

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct App;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = App,
    entity = "User",
    pk = "USER#{id}",
    sk = "PROFILE",
    index(Gsi1, pk = "EMAIL#{email}", sk = "USER")
)]
struct User {
    id: UserId,
    email: String,
    name: String,
    order_count: u32,
    #[dynamo(version)]
    version: u64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Order", pk = "USER#{user_id}", sk = "ORDER#{placed_at}#{id}")]
struct Order {
    user_id: UserId,
    placed_at: DateTime<Utc>,
    id: Uuid,
    total: Decimal,
    status: String,
}

/// Its sort keys start like an order's, and sort right after their order's.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = App,
    entity = "OrderLine",
    pk = "USER#{user_id}",
    sk = "ORDER#{placed_at}#{order_id}#LINE#{line}"
)]
struct OrderLine {
    user_id: UserId,
    placed_at: DateTime<Utc>,
    order_id: Uuid,
    line: u16,
    sku: String,
    qty: u32,
}

/// Stored under the same keys as a user, as another entity.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Admin", pk = "USER#{id}", sk = "PROFILE")]
struct Admin {
    id: UserId,
}

/// A tenant's members, keyed by two string segments.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Member", pk = "TENANT#{tenant}", sk = "MEMBER#{team}#{name}")]
struct Member {
    tenant: String,
    team: String,
    name: String,
}

/// One partition for every setting: a template without fields, queried with `&()`.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = App,
    entity = "Setting",
    pk = "SETTINGS",
    sk = "SETTING#{name}",
    index(Gsi1, pk = "SETTINGS_BY_VALUE", sk = "VALUE#{value}")
)]
struct Setting {
    name: String,
    value: String,
}

#[derive(DynamoCollection, Debug, PartialEq)]
enum UserView {
    User(User),
    Order(Order),
    Line(OrderLine),
}

#[derive(DynamoCollection, Debug, PartialEq)]
enum Purchases {
    Order(Order),
}

async fn app() -> Table<App> {
    let app = Table::<App>::new(client().await, unique_table_name("app"));
    app.create_table().await.unwrap();
    app
}

fn user_id(n: u128) -> UserId {
    UserId(Uuid::from_u128(
        0x1000_0000_0000_4000_8000_0000_0000_0000 + n,
    ))
}

fn user(n: u128) -> User {
    User {
        id: user_id(n),
        email: format!("user{n}@example.com"),
        name: format!("User {n}"),
        order_count: 0,
        version: 0,
    }
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, ms: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap() + Duration::milliseconds(ms)
}

fn order(user: UserId, placed_at: DateTime<Utc>, n: u128) -> Order {
    Order {
        user_id: user,
        placed_at,
        id: Uuid::from_u128(0x2000_0000_0000_4000_8000_0000_0000_0000 + n),
        total: Decimal::from_str("19.99").unwrap(),
        status: "placed".into(),
    }
}

fn line(order: &Order, line: u16) -> OrderLine {
    OrderLine {
        user_id: order.user_id,
        placed_at: order.placed_at,
        order_id: order.id,
        line,
        sku: format!("SKU-{line}"),
        qty: u32::from(line),
    }
}

#[tokio::test]
async fn each_entity_stores_its_composed_keys_its_name_and_its_fields() {
    let app = app().await;
    let (users, orders, lines) = (
        app.entity::<User>(),
        app.entity::<Order>(),
        app.entity::<OrderLine>(),
    );
    let mut ada = user(1);
    ada.version = users.insert(&ada).await.unwrap().unwrap();
    let placed = order(ada.id, at(2026, 3, 1, 9, 30, 0, 250), 1);
    orders.insert(&placed).await.unwrap();
    let first_line = line(&placed, 7);
    lines.insert(&first_line).await.unwrap();

    let stored_user = stored(&users, &ada.id).await;
    let uuid = ada.id.0.to_string();
    assert_eq!(stored_user["pk"], AttributeValue::S(format!("USER#{uuid}")));
    assert_eq!(stored_user["sk"], AttributeValue::S("PROFILE".into()));
    assert_eq!(
        stored_user["gsi1pk"],
        AttributeValue::S("EMAIL#user1@example.com".into())
    );
    assert_eq!(stored_user["gsi1sk"], AttributeValue::S("USER".into()));
    assert_eq!(stored_user["_et"], AttributeValue::S("User".into()));
    assert_eq!(stored_user["id"], AttributeValue::S(uuid.clone()));

    let order_key = placed.key();
    let stored_order = stored(&orders, &order_key).await;
    assert_eq!(
        stored_order["sk"],
        AttributeValue::S(format!(
            "ORDER#2026-03-01T09:30:00.250000000Z#{}",
            placed.id
        ))
    );
    assert_eq!(stored_order["_et"], AttributeValue::S("Order".into()));
    let stored_line = stored(&lines, &first_line.key()).await;
    assert_eq!(
        stored_line["sk"],
        AttributeValue::S(format!(
            "ORDER#2026-03-01T09:30:00.250000000Z#{}#LINE#00007",
            placed.id
        ))
    );

    assert_eq!(users.get(&ada.id).await.unwrap(), Some(ada.clone()));
    assert_eq!(orders.get(&order_key).await.unwrap(), Some(placed.clone()));
    assert_eq!(
        orders
            .get(&(ada.id, placed.placed_at, placed.id))
            .await
            .unwrap(),
        Some(placed.clone())
    );
    assert!(lines.contains_key(&first_line.key()).await.unwrap());
    assert_eq!(orders.remove(&order_key).await.unwrap(), Some(placed));
    assert_eq!(orders.get(&order_key).await.unwrap(), None);
    assert_eq!(users.get(&user_id(2)).await.unwrap(), None);
    // The key is the template fields; keys() reads them back.
    let keys: Vec<UserId> = users.keys().try_collect().await.unwrap();
    assert_eq!(keys, vec![ada.id]);
}

#[tokio::test]
async fn a_collection_query_returns_one_users_items_in_sort_order() {
    let app = app().await;
    let (users, orders, lines) = (
        app.entity::<User>(),
        app.entity::<Order>(),
        app.entity::<OrderLine>(),
    );
    let (mut ada, bob) = (user(1), user(2));
    ada.version = users.insert(&ada).await.unwrap().unwrap();
    users.insert(&bob).await.unwrap();
    let early = order(ada.id, at(2026, 1, 5, 8, 0, 0, 0), 1);
    let late = order(ada.id, at(2026, 2, 5, 8, 0, 0, 0), 2);
    let bobs = order(bob.id, at(2026, 1, 6, 8, 0, 0, 0), 3);
    for o in [&late, &early, &bobs] {
        orders.insert(o).await.unwrap();
    }
    for l in [
        line(&early, 2),
        line(&early, 1),
        line(&late, 1),
        line(&bobs, 1),
    ] {
        lines.insert(&l).await.unwrap();
    }

    let view: Vec<UserView> = app
        .collection::<UserView>()
        .query(&ada.id)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        view,
        vec![
            UserView::Order(early.clone()),
            UserView::Line(line(&early, 1)),
            UserView::Line(line(&early, 2)),
            UserView::Order(late.clone()),
            UserView::Line(line(&late, 1)),
            UserView::User(ada.clone()),
        ]
    );

    // Pages resume where they stopped, across entities.
    let mut pages = app
        .collection::<UserView>()
        .query(&ada.id)
        .page_size(4)
        .pages();
    let first = pages.try_next().await.unwrap().unwrap();
    let token = first.next_token().cloned().unwrap();
    drop(pages);
    let rest: Vec<UserView> = app
        .collection::<UserView>()
        .query(&ada.id)
        .start_from(token)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.len() + rest.len(), 6);
    assert_eq!(rest.last(), Some(&UserView::User(ada.clone())));

    // A collection that does not list lines fails on them, or skips them when asked.
    let err = app
        .collection::<Purchases>()
        .query(&ada.id)
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    match err {
        Error::OtherEntity { expected, found } => {
            assert_eq!(expected, vec!["Order"]);
            assert_eq!(found.as_deref(), Some("OrderLine"));
        }
        other => panic!("expected OtherEntity, got {other:?}"),
    }
    let purchases: Vec<Purchases> = app
        .collection::<Purchases>()
        .query(&ada.id)
        .skip_unknown(true)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        purchases,
        vec![Purchases::Order(early), Purchases::Order(late)]
    );

    // Counts: the same items, none transferred.
    let collection = app.collection::<UserView>();
    assert_eq!(collection.query(&ada.id).count().await.unwrap(), 6);
    assert_eq!(collection.query(&bob.id).count().await.unwrap(), 3);
    let purchases = app.collection::<Purchases>();
    assert_eq!(
        purchases.query(&ada.id).count().await.unwrap(),
        6,
        "every item of the partition"
    );
    assert_eq!(
        purchases
            .query(&ada.id)
            .skip_unknown(true)
            .count()
            .await
            .unwrap(),
        2,
        "the members' items only"
    );
    assert_eq!(
        orders.query(&ada.id).count().await.unwrap(),
        2,
        "the entity's items only"
    );
    assert_eq!(lines.query(&ada.id).count().await.unwrap(), 3);
    assert_eq!(lines.count().await.unwrap(), 4);
}

#[tokio::test]
async fn sort_key_ranges_on_a_composed_key_are_exact_across_day_month_and_year() {
    let app = app().await;
    let (orders, lines) = (app.entity::<Order>(), app.entity::<OrderLine>());
    let ada = user_id(1);
    let times = [
        at(2025, 12, 31, 23, 59, 59, 999),
        at(2026, 1, 1, 0, 0, 0, 0),
        at(2026, 1, 1, 0, 0, 0, 1),
        at(2026, 1, 31, 23, 59, 59, 999),
        at(2026, 2, 1, 0, 0, 0, 0),
        at(2026, 2, 28, 12, 0, 0, 0),
        at(2027, 1, 1, 0, 0, 0, 0),
    ];
    let all: Vec<Order> = times
        .iter()
        .enumerate()
        .map(|(i, t)| order(ada, *t, i as u128))
        .collect();
    for o in &all {
        orders.insert(o).await.unwrap();
        // Lines sit inside every order range: the query must leave them out.
        lines.insert(&line(o, 1)).await.unwrap();
    }
    orders
        .insert(&order(user_id(2), times[1], 99))
        .await
        .unwrap();

    let f = Order::fields();
    let (low, high) = (times[1], times[3]);
    type Keep = Box<dyn Fn(&DateTime<Utc>) -> bool>;
    let cases: Vec<(&str, Condition<Order>, Keep)> = vec![
        (
            "between",
            f.placed_at.between(low, high),
            Box::new(move |t| low <= *t && *t <= high),
        ),
        ("eq", f.placed_at.eq(low), Box::new(move |t| *t == low)),
        ("lt", f.placed_at.lt(low), Box::new(move |t| *t < low)),
        ("le", f.placed_at.le(low), Box::new(move |t| *t <= low)),
        ("gt", f.placed_at.gt(high), Box::new(move |t| *t > high)),
        ("ge", f.placed_at.ge(high), Box::new(move |t| *t >= high)),
    ];
    for (name, condition, keep) in cases {
        let found: Vec<Order> = orders
            .query(&ada)
            .sort_key(condition)
            .stream()
            .try_collect()
            .await
            .unwrap();
        let expected: Vec<Order> = all.iter().filter(|o| keep(&o.placed_at)).cloned().collect();
        assert_eq!(found, expected, "{name}");
    }
    let newest_first: Vec<Order> = orders
        .query(&ada)
        .reverse(true)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(newest_first.len(), all.len());
    assert_eq!(newest_first.first(), all.last());

    // A condition on a later field is refused: the key orders by placed_at first.
    let err = orders
        .query(&ada)
        .sort_key(f.id.eq(all[0].id))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

#[tokio::test]
async fn a_global_index_finds_a_user_by_email_and_follows_a_modify() {
    let app = app().await;
    let users = app.entity::<User>();
    let mut ada = user(1);
    ada.version = users.insert(&ada).await.unwrap().unwrap();
    users.insert(&user(2)).await.unwrap();
    app.entity::<Order>()
        .insert(&order(ada.id, at(2026, 1, 1, 0, 0, 0, 0), 1))
        .await
        .unwrap();

    let found: Vec<User> = users
        .query_index::<Gsi1>("user1@example.com")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found, vec![ada.clone()]);

    let f = User::fields();
    users
        .modify(&ada.id)
        .set(f.email, "ada@example.com".to_string())
        .await
        .unwrap();
    let moved = users
        .query_index::<Gsi1>("ada@example.com")
        .first()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.email, "ada@example.com");
    assert_eq!(
        users
            .query_index::<Gsi1>("user1@example.com")
            .first()
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_transaction_writes_an_order_and_counts_it_on_its_user() {
    let app = app().await;
    let (users, orders) = (app.entity::<User>(), app.entity::<Order>());
    let mut ada = user(1);
    ada.version = users.insert(&ada).await.unwrap().unwrap();
    let placed = order(ada.id, at(2026, 4, 1, 12, 0, 0, 0), 1);
    let f = User::fields();
    dynamap::transaction(users.client())
        .put_if_absent(&orders, &placed)
        .modify(&users, &ada.id, |m| m.add(f.order_count, 1))
        .await
        .unwrap();
    assert_eq!(orders.get(&placed.key()).await.unwrap(), Some(placed));
    let counted = users.get(&ada.id).await.unwrap().unwrap();
    assert_eq!(counted.order_count, 1);
    assert_eq!(counted.version, 2, "the modify bumped the version");
}

#[tokio::test]
async fn scans_batches_and_counts_of_an_entity_keep_to_its_items() {
    let app = app().await;
    let (users, orders, lines) = (
        app.entity::<User>(),
        app.entity::<Order>(),
        app.entity::<OrderLine>(),
    );
    let people: Vec<User> = (0..5).map(user).collect();
    users.insert_many(people.clone()).await.unwrap();
    let placed: Vec<Order> = (0..12)
        .map(|i| {
            order(
                user_id(i % 5),
                at(2026, 1, 1, 0, 0, 0, 0) + Duration::hours(i as i64),
                i,
            )
        })
        .collect();
    orders.insert_many(placed.clone()).await.unwrap();
    lines
        .insert_many(placed.iter().map(|o| line(o, 1)).collect::<Vec<_>>())
        .await
        .unwrap();

    let mut scanned: Vec<Order> = orders.values().try_collect().await.unwrap();
    scanned.sort_by_key(|o| o.id);
    assert_eq!(scanned, placed);
    assert_eq!(orders.count().await.unwrap(), 12);
    assert_eq!(users.count().await.unwrap(), 5);
    assert_eq!(lines.count().await.unwrap(), 12);

    let keys: Vec<_> = placed.iter().map(DynamoItem::key).collect();
    let mut got: Vec<Order> = orders.get_many(keys).await.unwrap();
    got.sort_by_key(|o| o.id);
    assert_eq!(got, placed);
}

#[tokio::test]
async fn updates_versions_and_upserts_work_on_entities() {
    let app = app().await;
    let users = app.entity::<User>();
    let mut ada = user(1);
    ada.version = users.insert(&ada).await.unwrap().unwrap();
    let renamed = users
        .update_with(&ada.id, |u| u.name = "Ada L.".into())
        .await
        .unwrap();
    assert_eq!(renamed.version, 2);
    assert_eq!(users.get(&ada.id).await.unwrap(), Some(renamed.clone()));
    let stale = users.insert(&ada).await.unwrap_err(); // at version 1, the table at 2
    assert!(matches!(stale, Error::VersionConflict { .. }), "{stale:?}");

    // update_with changes the email: the index key follows.
    users
        .update_with(&ada.id, |u| u.email = "lovelace@example.com".into())
        .await
        .unwrap();
    assert!(users
        .query_index::<Gsi1>("lovelace@example.com")
        .first()
        .await
        .unwrap()
        .is_some());

    // An upsert of a new user stores the key's fields and the entity name.
    let f = User::fields();
    let grace = user_id(9);
    users
        .modify(&grace)
        .upsert(true)
        .set(f.name, "Grace".to_string())
        .set(f.email, "grace@example.com".to_string())
        .set(f.order_count, 0)
        .await
        .unwrap();
    let created = users.get(&grace).await.unwrap().unwrap();
    assert_eq!(created.id, grace);
    assert_eq!(created.name, "Grace");
    assert_eq!(
        users
            .query_index::<Gsi1>("grace@example.com")
            .first()
            .await
            .unwrap()
            .map(|u| u.id),
        Some(grace)
    );
}

#[tokio::test]
async fn another_entitys_item_under_the_same_key_is_a_typed_error() {
    let app = app().await;
    let mut ada = user(1);
    ada.version = app.entity::<User>().insert(&ada).await.unwrap().unwrap();
    let err = app.entity::<Admin>().get(&ada.id).await.unwrap_err();
    match err {
        Error::OtherEntity { expected, found } => {
            assert_eq!(expected, vec!["Admin"]);
            assert_eq!(found.as_deref(), Some("User"));
        }
        other => panic!("expected OtherEntity, got {other:?}"),
    }
}

#[tokio::test]
async fn a_string_segment_may_not_hold_the_character_that_ends_it() {
    let app = app().await;
    let members = app.entity::<Member>();
    let ok = Member {
        tenant: "acme#corp".into(), // the last segment of its template: anything goes
        team: "core team".into(),
        name: "ada".into(),
    };
    members.insert(&ok).await.unwrap();
    assert_eq!(members.get(&ok.key()).await.unwrap(), Some(ok.clone()));
    let clash = Member {
        team: "core#team".into(),
        ..ok.clone()
    };
    let err = members.insert(&clash).await.unwrap_err();
    match err {
        Error::Conversion(e) => assert_eq!(e.attribute(), "team"),
        other => panic!("expected a conversion error naming `team`, got {other:?}"),
    }
    // A string segment followed by more of the key takes eq and begins_with.
    let f = Member::fields();
    let core: Vec<Member> = members
        .query("acme#corp")
        .sort_key(f.team.eq("core team"))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(core, vec![ok.clone()]);
    let by_prefix = members
        .query("acme#corp")
        .sort_key(f.team.begins_with("core"))
        .first()
        .await
        .unwrap();
    assert_eq!(by_prefix, Some(ok));
    let err = members
        .query("acme#corp")
        .sort_key(f.team.gt("a"))
        .first()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
}

#[tokio::test]
async fn ensure_table_checks_the_declared_indexes() {
    let app = app().await;
    assert!(!app.ensure_table().await.unwrap().created);
    let fresh = Table::<App>::new(client().await, unique_table_name("app-ensure"));
    assert!(fresh.ensure_table().await.unwrap().created);
    fresh.delete_table().await.unwrap();

    // A table with the same keys but without the declared index is not taken for it,
    // nor one whose index has other key attributes.
    #[derive(DynamoTable)]
    #[dynamo(partition_key = "pk", sort_key = "sk")]
    struct Bare;
    #[derive(DynamoTable)]
    #[dynamo(
        partition_key = "pk",
        sort_key = "sk",
        index(Gsi1, partition_key = "gsi1pk", sort_key = "other")
    )]
    struct Skewed;
    let bare = Table::<Bare>::new(client().await, unique_table_name("app-no-index"));
    bare.create_table().await.unwrap();
    let skewed = Table::<Skewed>::new(client().await, unique_table_name("app-skewed"));
    skewed.create_table().await.unwrap();
    for name in [bare.table_name(), skewed.table_name()] {
        match Table::<App>::new(client().await, name).ensure_table().await {
            Err(Error::SchemaMismatch { details, .. }) => {
                assert!(details.contains("gsi1"), "{name}: {details}")
            }
            other => panic!("{name}: expected SchemaMismatch, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_entity_sends_no_more_requests_than_a_single_entity_mapping() {
    let app = app().await;
    let (counting, log) = dynamap_tests::counting_client(app.client());
    let app = Table::<App>::new(counting, app.table_name().to_owned());
    let (users, orders) = (app.entity::<User>(), app.entity::<Order>());
    let ada = user(1);
    let placed = order(ada.id, at(2026, 5, 1, 0, 0, 0, 0), 1);
    let f = Order::fields();
    let before = log.count();
    users.insert(&ada).await.unwrap();
    orders.insert(&placed).await.unwrap();
    users.get(&ada.id).await.unwrap();
    users.contains_key(&ada.id).await.unwrap();
    orders
        .modify(&placed.key())
        .set(f.status, "paid".to_string())
        .await
        .unwrap();
    users
        .update_with(&ada.id, |u| u.name = "Ada L.".into())
        .await
        .unwrap();
    let _: Vec<Order> = orders.query(&ada.id).stream().try_collect().await.unwrap();
    let _: Vec<UserView> = app
        .collection::<UserView>()
        .query(&ada.id)
        .stream()
        .try_collect()
        .await
        .unwrap();
    orders.remove(&placed.key()).await.unwrap();
    // 2 puts, a get, a get, an update, a read and a write, a query, a query, a delete.
    assert_eq!(log.count() - before, 10);
}

/// An entity with a time its writes stamp, to see which clock stamped it.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "Note", pk = "NOTE#{id}", sk = "NOTE")]
struct Note {
    id: String,
    #[dynamo(updated_at)]
    updated_at: Option<DateTime<Utc>>,
}

/// An entity's mapping and a collection from a `Table` carry the table's settings: its
/// capacity meter, its clock, its client's retry policy.
#[tokio::test]
async fn an_entity_and_a_collection_inherit_their_tables_settings() {
    let meter = dynamap::observe::CapacityMeter::new();
    let stamp = at(2030, 1, 2, 3, 4, 5, 0);
    let clock = dynamap::config::ManualClock::new(stamp.into());
    let app = app()
        .await
        .with_capacity_meter(&meter)
        .with_clock(clock)
        .with_retry(dynamap::config::RetryPolicy::default().max_attempts(7));
    assert!(
        format!("{app:?}").contains(app.table_name()),
        "a table's Debug names it"
    );
    let notes = app.entity::<Note>();
    notes
        .insert(&Note {
            id: "n1".into(),
            updated_at: None,
        })
        .await
        .unwrap();
    assert_eq!(
        notes.get("n1").await.unwrap().unwrap().updated_at,
        Some(stamp),
        "the table's clock stamped it"
    );
    let used = meter.take();
    assert_eq!(used.requests, 2, "{used:?}");
    assert!(used.units.write > 0.0 && used.units.read > 0.0, "{used:?}");
    let users = app.entity::<User>();
    users.insert(&user(1)).await.unwrap();
    let view: Vec<UserView> = app
        .collection::<UserView>()
        .query(&user_id(1))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(view.len(), 1);
    assert_eq!(
        meter.take().requests,
        2,
        "the collection's query is metered too"
    );
    assert!(matches!(
        app.collection::<UserView>().query(&user_id(1)).first().await,
        Ok(Some(UserView::User(found))) if found.id == user_id(1)
    ));
    let attempts = notes
        .client()
        .config()
        .retry_config()
        .map(|retry| retry.max_attempts());
    assert_eq!(attempts, Some(7), "the table's retry policy");
    app.delete_table().await.unwrap();
    assert!(
        app.describe_table().await.is_err(),
        "the table is gone once delete_table returns"
    );
}

#[tokio::test]
async fn a_partition_template_without_fields_is_queried_with_the_unit_value() {
    let app = app().await;
    let settings = app.entity::<Setting>();
    for (name, value) in [("theme", "dark"), ("locale", "fr"), ("beta", "on")] {
        settings
            .insert(&Setting {
                name: name.into(),
                value: value.into(),
            })
            .await
            .unwrap();
    }
    app.entity::<User>().insert(&user(1)).await.unwrap();
    let beta = stored(&settings, &"beta".to_string()).await;
    assert_eq!(beta["pk"], AttributeValue::S("SETTINGS".into()));
    assert_eq!(
        beta["gsi1pk"],
        AttributeValue::S("SETTINGS_BY_VALUE".into())
    );

    let names: Vec<String> = settings
        .query(&())
        .stream()
        .map_ok(|s| s.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["beta", "locale", "theme"], "in sort-key order");
    let by_value: Vec<String> = settings
        .query_index::<Gsi1>(&())
        .stream()
        .map_ok(|s| s.value)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        by_value,
        ["dark", "fr", "on"],
        "in the index's sort-key order"
    );
    let after_f = settings
        .query(&())
        .sort_key(Setting::fields().name.gt("f".to_string()))
        .stream()
        .map_ok(|s| s.name)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(after_f, ["locale", "theme"]);
}
