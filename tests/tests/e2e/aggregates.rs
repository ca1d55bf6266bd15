//! Counts and sums a child entity keeps on its parent (`count(..)`, `sum(..)`, #34 item
//! 2): every write path of the child adds its change to the parent in the same
//! transaction, so the parent is exact under concurrent writers and lost answers.

use std::sync::Arc;

use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::proxy::{self, through};
use dynamap_tests::{client, unique_table_name};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}")]
struct Order {
    customer: String,
    id: String,
    #[dynamo(default)]
    line_count: u32,
    #[dynamo(default)]
    total: i64,
    #[dynamo(version)]
    version: u64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "OrderLine",
    pk = "CUSTOMER#{customer}",
    sk = "ORDER#{order}#LINE#{line}",
    count(Order, into = "line_count", key(customer, id = order)),
    sum(Order, into = "total", of = amount, key(customer, id = order))
)]
struct OrderLine {
    customer: String,
    order: String,
    line: u32,
    amount: i64,
}

fn order(id: &str) -> Order {
    Order {
        customer: "c1".into(),
        id: id.into(),
        line_count: 0,
        total: 0,
        version: 0,
    }
}

fn line(order: &str, line: u32, amount: i64) -> OrderLine {
    OrderLine {
        customer: "c1".into(),
        order: order.into(),
        line,
        amount,
    }
}

async fn shop(prefix: &str) -> Table<Shop> {
    let shop = Table::<Shop>::new(client().await, unique_table_name(prefix));
    shop.create_table().await.unwrap();
    shop
}

/// The parent's aggregates, and what its stored children add up to.
async fn kept_and_actual(shop: &Table<Shop>, id: &str) -> ((u32, i64), (u32, i64)) {
    let orders = shop.entity::<Order>();
    let stored = orders
        .get(&("c1".to_owned(), id.to_owned()))
        .await
        .unwrap()
        .unwrap();
    let lines: Vec<OrderLine> = shop
        .entity::<OrderLine>()
        .scan()
        .stream()
        .try_collect()
        .await
        .unwrap();
    let mine: Vec<&OrderLine> = lines.iter().filter(|l| l.order == id).collect();
    (
        (stored.line_count, stored.total),
        (mine.len() as u32, mine.iter().map(|l| l.amount).sum()),
    )
}

#[tokio::test]
async fn every_write_path_of_a_child_keeps_its_parents_count_and_sum() {
    let shop = shop("aggregates-paths").await;
    let (orders, lines) = (shop.entity::<Order>(), shop.entity::<OrderLine>());
    let f = OrderLine::fields();
    orders.insert(&order("o1")).await.unwrap();
    lines.insert(&line("o1", 1, 250)).await.unwrap();
    lines.insert(&line("o1", 2, 100)).await.unwrap();
    assert_eq!(kept_and_actual(&shop, "o1").await.0, (2, 350));

    // insert over a stored child: its old amount leaves, the count stays
    lines.insert(&line("o1", 2, 120)).await.unwrap();
    assert_eq!(kept_and_actual(&shop, "o1").await.0, (2, 370));
    // modify: set and add
    let key = ("c1".to_owned(), "o1".to_owned(), 1u32);
    lines.modify(&key).set(f.amount, 200).await.unwrap();
    lines.modify(&key).add(f.amount, 5).await.unwrap();
    lines.modify(&key).subtract(f.amount, 10).await.unwrap();
    assert_eq!(kept_and_actual(&shop, "o1").await.0, (2, 315));
    // update_with
    lines.update_with(&key, |l| l.amount *= 2).await.unwrap();
    assert_eq!(kept_and_actual(&shop, "o1").await.0, (2, 510));
    // remove
    let removed = lines.remove(&key).await.unwrap();
    assert_eq!(removed.map(|l| l.amount), Some(390));
    let (kept, actual) = kept_and_actual(&shop, "o1").await;
    assert_eq!(kept, (1, 120));
    assert_eq!(kept, actual);
    // A parent read is a plain get; every change bumped its version.
    let stored = orders
        .get(&("c1".to_owned(), "o1".to_owned()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 9);
}

#[tokio::test]
async fn a_child_without_its_parent_is_refused_and_nothing_is_written() {
    let shop = shop("aggregates-orphan").await;
    let lines = shop.entity::<OrderLine>();
    match lines.insert(&line("missing", 1, 10)).await {
        Err(Error::ParentMissing { item, parent, key }) => {
            assert_eq!((item, parent), ("OrderLine", "Order"));
            assert_eq!(key["sk"].as_s().unwrap(), "ORDER#missing");
        }
        other => panic!("{other:?}"),
    }
    let stored: Vec<OrderLine> = lines.scan().stream().try_collect().await.unwrap();
    assert!(stored.is_empty());
}

#[tokio::test]
async fn batches_refuse_children_and_transactions_keep_their_parents() {
    let shop = shop("aggregates-refusals").await;
    let (orders, lines) = (shop.entity::<Order>(), shop.entity::<OrderLine>());
    orders.insert(&order("o1")).await.unwrap();
    let batch = lines.insert_many(vec![line("o1", 1, 10)]).send().await;
    assert!(
        matches!(batch, Err(Error::BatchIncomplete { completed: 0, .. })),
        "{batch:?}"
    );
    assert_eq!(kept_and_actual(&shop, "o1").await, ((0, 0), (0, 0)));
    // A caller's transaction keeps them: two lines of one order, one update of it.
    let key = |l: u32| ("c1".to_owned(), "o1".to_owned(), l);
    dynamap::transaction(lines.client())
        .put(&lines, &line("o1", 1, 10))
        .put(&lines, &line("o1", 2, 15))
        .await
        .unwrap();
    assert_eq!(kept_and_actual(&shop, "o1").await.0, (2, 25));
    dynamap::transaction(lines.client())
        .modify(&lines, &key(1), |m| m.add(OrderLine::fields().amount, 5))
        .remove(&lines, &key(2))
        .await
        .unwrap();
    let (kept, actual) = kept_and_actual(&shop, "o1").await;
    assert_eq!(kept, (1, 15));
    assert_eq!(kept, actual);
    // A line of a missing order cancels the transaction.
    let orphan = dynamap::transaction(lines.client())
        .put(&lines, &line("missing", 1, 10))
        .await;
    assert!(
        matches!(
            orphan,
            Err(Error::ParentMissing {
                parent: "Order",
                ..
            })
        ),
        "{orphan:?}"
    );
}
/// 16 writers each insert, change and (some) remove lines of two orders, through a
/// proxy that cuts 10% of answers after the server applied the request and 5% of
/// requests before: whatever each call returned, each order's count and sum are what
/// its stored lines add up to.
#[tokio::test]
async fn counts_and_sums_stay_exact_under_concurrent_writers_and_lost_answers() {
    if !proxy::possible("counts_and_sums_stay_exact_under_concurrent_writers_and_lost_answers") {
        return;
    }
    let shop = shop("aggregates-faults").await;
    let orders = shop.entity::<Order>();
    orders.insert(&order("o1")).await.unwrap();
    orders.insert(&order("o2")).await.unwrap();
    let proxy = proxy::FaultProxy::start(
        &dynamap_tests::endpoint(),
        proxy::FaultPlan {
            drop_after: 0.10,
            drop_before: 0.05,
            seed: 11,
            ..proxy::FaultPlan::default()
        },
    )
    .await;
    let faulty = Arc::new(through(&proxy, &shop.entity::<OrderLine>()).await);
    let tasks: Vec<_> = (0..16u32)
        .map(|i| {
            let lines = faulty.clone();
            tokio::spawn(async move {
                let f = OrderLine::fields();
                let order = if i % 2 == 0 { "o1" } else { "o2" };
                let key = ("c1".to_owned(), order.to_owned(), i);
                let inserted = lines.insert(&line(order, i, i64::from(i) * 10)).await;
                let added = lines.modify(&key).add(f.amount, 7).await;
                let taken = lines.update_with(&key, |l| l.amount -= 3).await;
                if i % 3 == 0 {
                    let _ = lines.remove(&key).await;
                    return None;
                }
                // Each call that answered Ok applied once: the amount is exact.
                (inserted.is_ok() && added.is_ok() && taken.is_ok())
                    .then_some((key, i64::from(i) * 10 + 4))
            })
        })
        .collect();
    let mut exact = Vec::new();
    for task in tasks {
        exact.extend(task.await.unwrap());
    }
    assert!(proxy.stats.faults() > 0, "the proxy injected no fault");
    assert!(
        exact.len() >= 4,
        "too few writers got every answer: {}",
        exact.len()
    );
    let lines = shop.entity::<OrderLine>();
    for (key, amount) in exact {
        assert_eq!(
            lines.get(&key).await.unwrap().map(|l| l.amount),
            Some(amount),
            "{key:?}"
        );
    }
    for id in ["o1", "o2"] {
        let (kept, actual) = kept_and_actual(&shop, id).await;
        assert_eq!(kept, actual, "order {id}");
    }
}

/// A child whose parent's key is not part of its own key can move between parents.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "Charge",
    pk = "CHARGE#{id}",
    sk = "CHARGE",
    count(Order, into = "line_count", key(customer, id = order)),
    sum(Order, into = "total", of = amount, key(customer, id = order))
)]
struct Charge {
    id: String,
    customer: String,
    order: String,
    amount: i64,
}

#[tokio::test]
async fn a_child_moved_to_another_parent_moves_its_share() {
    let shop = shop("aggregates-move").await;
    let orders = shop.entity::<Order>();
    orders.insert(&order("o1")).await.unwrap();
    orders.insert(&order("o2")).await.unwrap();
    let charges = shop.entity::<Charge>();
    let kept = |id: &'static str| {
        let orders = orders.clone();
        async move {
            let o = orders
                .get(&("c1".to_owned(), id.to_owned()))
                .await
                .unwrap()
                .unwrap();
            (o.line_count, o.total)
        }
    };
    let charge = Charge {
        id: "ch1".into(),
        customer: "c1".into(),
        order: "o1".into(),
        amount: 50,
    };
    charges.insert(&charge).await.unwrap();
    assert_eq!((kept("o1").await, kept("o2").await), ((1, 50), (0, 0)));
    charges
        .modify("ch1")
        .set(Charge::fields().order, "o2")
        .await
        .unwrap();
    assert_eq!((kept("o1").await, kept("o2").await), ((0, 0), (1, 50)));
    charges
        .update_with("ch1", |c| {
            c.order = "o1".into();
            c.amount = 70;
        })
        .await
        .unwrap();
    assert_eq!((kept("o1").await, kept("o2").await), ((1, 70), (0, 0)));
}

/// One transaction over two tables' children, their writes interleaved: each parent
/// gets one update holding all its children's changes.
#[tokio::test]
async fn a_transaction_over_two_tables_updates_each_parent_once() {
    let (east, west) = (shop("aggregates-east").await, shop("aggregates-west").await);
    for shop in [&east, &west] {
        shop.entity::<Order>().insert(&order("o1")).await.unwrap();
    }
    east.entity::<Order>().insert(&order("o2")).await.unwrap();
    let (east_lines, west_lines) = (east.entity::<OrderLine>(), west.entity::<OrderLine>());
    dynamap::transaction(east_lines.client())
        .put(&east_lines, &line("o1", 1, 10))
        .put(&west_lines, &line("o1", 1, 20))
        .put(&east_lines, &line("o2", 2, 30))
        .put(&east_lines, &line("o1", 3, 5))
        .await
        .unwrap();
    assert_eq!(kept_and_actual(&east, "o1").await.0, (2, 15));
    assert_eq!(kept_and_actual(&east, "o2").await.0, (1, 30));
    assert_eq!(kept_and_actual(&west, "o1").await.0, (1, 20));
}

/// In a transaction with children of two types, the missing parent is named with the
/// child that needs it: the error says which write to fix.
#[tokio::test]
async fn a_missing_parent_is_named_with_the_child_that_needs_it() {
    let shop = shop("aggregates-orphan-named").await;
    let (orders, lines, charges) = (
        shop.entity::<Order>(),
        shop.entity::<OrderLine>(),
        shop.entity::<Charge>(),
    );
    orders.insert(&order("o1")).await.unwrap();
    let orphan = Charge {
        id: "ch1".into(),
        customer: "c1".into(),
        order: "missing".into(),
        amount: 5,
    };
    let refused = dynamap::transaction(lines.client())
        .put(&lines, &line("o1", 1, 10))
        .put(&charges, &orphan)
        .await;
    match refused {
        Err(Error::ParentMissing { item, parent, key }) => {
            assert_eq!((item, parent), ("Charge", "Order"));
            assert_eq!(key["sk"].as_s().unwrap(), "ORDER#missing");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(kept_and_actual(&shop, "o1").await, ((0, 0), (0, 0)));
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Club;

/// A parent that keeps something of its own (a unique name): its writes are guarded
/// too.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Club, entity = "Team", pk = "TEAM#{id}", sk = "TEAM")]
struct Team {
    id: String,
    #[dynamo(unique)]
    name: String,
    #[dynamo(default)]
    players: u32,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Club,
    entity = "Player",
    pk = "TEAM#{team}",
    sk = "PLAYER#{id}",
    count(Team, into = "players", key(id = team))
)]
struct Player {
    team: String,
    id: String,
}

/// A transaction that writes a parent and a child of it: the parent's count would be a
/// second action on the parent's item, which DynamoDB refuses. dynamap refuses it
/// first, saying so, and nothing is written.
#[tokio::test]
async fn a_transaction_writing_a_parent_and_its_child_is_refused_before_sending() {
    let club = Table::<Club>::new(client().await, unique_table_name("aggregates-twice"));
    club.create_table().await.unwrap();
    let (teams, players) = (club.entity::<Team>(), club.entity::<Player>());
    let team = Team {
        id: "t1".into(),
        name: "Ravens".into(),
        players: 0,
    };
    teams.insert(&team).await.unwrap();
    let refused = dynamap::transaction(teams.client())
        .modify(&teams, "t1", |m| {
            m.set(Team::fields().name, "Owls".to_owned())
        })
        .put(
            &players,
            &Player {
                team: "t1".into(),
                id: "p1".into(),
            },
        )
        .await;
    match refused {
        Err(Error::InvalidRequest { problem, .. }) => {
            assert!(
                problem.contains("two actions on the same item"),
                "{problem}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(teams.get("t1").await.unwrap(), Some(team));
    assert_eq!(
        players
            .get(&("t1".to_owned(), "p1".to_owned()))
            .await
            .unwrap(),
        None
    );
}
