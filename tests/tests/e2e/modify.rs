//! The typed modify builder against the real server: every operation, conditions,
//! missing items, return values, and what fails before sending.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use dynamap::prelude::*;
use dynamap::Error;
use dynamap_tests::new_mapping;

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Address {
    street: String,
    city: String,
    zip: Option<String>,
}

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq)]
#[dynamo(rename_all = "lowercase")]
enum Status {
    Paid,
    Shipped,
    Delivered,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    #[dynamo(rename = "status")]
    state: Status,
    total_cents: i64,
    ratio: f64,
    note: Option<String>,
    lines: Vec<String>,
    tags: HashSet<String>,
    scores: BTreeSet<u32>,
    address: Address,
    alt_address: Option<Address>,
    limits: BTreeMap<String, u32>,
    history: Vec<Address>,
    name: String,
}

fn order(id: u64) -> Order {
    Order {
        customer: "alice".into(),
        order_id: id,
        state: Status::Paid,
        total_cents: 1000,
        ratio: 0.5,
        note: Some("leave at door".into()),
        lines: vec!["tea".into()],
        tags: HashSet::from(["new".to_string()]),
        scores: BTreeSet::from([1, 2]),
        address: Address {
            street: "1 Main".into(),
            city: "Oslo".into(),
            zip: None,
        },
        alt_address: None,
        limits: BTreeMap::from([("daily".to_string(), 5)]),
        history: vec![Address {
            street: "0 Old".into(),
            city: "Bergen".into(),
            zip: Some("5003".into()),
        }],
        name: "first".into(),
    }
}

async fn stored(orders: &TypedMapping<Order>, o: &Order) -> Order {
    orders
        .get(&o.key())
        .consistent_read(true)
        .await
        .unwrap()
        .expect("item is stored")
}

#[tokio::test]
async fn every_operation_changes_what_it_names() {
    let orders = new_mapping::<Order>("modify-ops").await;
    let o = order(1);
    orders.insert(&o).await.unwrap();
    let f = Order::fields();
    let key = o.key();
    orders
        .modify(&key)
        .set(f.state, Status::Shipped)
        .add(f.total_cents, 250)
        .set(f.ratio, 0.75)
        .remove(f.note)
        .append(f.lines, ["cake"])
        .prepend(
            f.history,
            [Address {
                street: "2 New".into(),
                city: "Tromsø".into(),
                zip: None,
            }],
        )
        .insert_into(f.tags, ["gift", "gift", "new"])
        .delete_from(f.scores, [1])
        .set(f.address.city, "Trondheim")
        .set(
            f.alt_address,
            Address {
                street: "3 Alt".into(),
                city: "Bodø".into(),
                zip: None,
            },
        )
        .set(f.limits.key("weekly"), 20)
        .set(f.name, "renamed")
        .await
        .unwrap();
    let after = stored(&orders, &o).await;
    let mut expected = o.clone();
    expected.state = Status::Shipped;
    expected.total_cents = 1250;
    expected.ratio = 0.75;
    expected.note = None;
    expected.lines.push("cake".into());
    expected.history.insert(
        0,
        Address {
            street: "2 New".into(),
            city: "Tromsø".into(),
            zip: None,
        },
    );
    expected.tags.insert("gift".into());
    expected.scores.remove(&1);
    expected.address.city = "Trondheim".into();
    expected.alt_address = Some(Address {
        street: "3 Alt".into(),
        city: "Bodø".into(),
        zip: None,
    });
    expected.limits.insert("weekly".into(), 20);
    expected.name = "renamed".into();
    assert_eq!(after, expected);

    // List elements, nested fields of list elements, map entries, subtract.
    orders
        .modify(&key)
        .set(f.lines.at(0), "green tea")
        .set(f.history.at(1).city, "Stavanger")
        .set(f.limits.key("daily"), 6)
        .subtract(f.total_cents, 50)
        .set(f.address.zip, "7010")
        .await
        .unwrap();
    let after = stored(&orders, &o).await;
    assert_eq!(after.lines, ["green tea", "cake"]);
    assert_eq!(after.history[1].city, "Stavanger");
    assert_eq!(after.limits["daily"], 6);
    assert_eq!(after.total_cents, 1200);
    assert_eq!(after.address.zip.as_deref(), Some("7010"));

    // A path through an Option reaches the fields of the value inside.
    orders
        .modify(&key)
        .set(f.alt_address.city, "Narvik")
        .await
        .unwrap();
    assert_eq!(
        stored(&orders, &o)
            .await
            .alt_address
            .map(|a| a.city)
            .as_deref(),
        Some("Narvik")
    );

    // set(None) removes, as the seed's modify_item did; set_if_absent keeps what is there.
    orders
        .modify(&key)
        .set(f.alt_address, None)
        .set_if_absent(f.note, "only if absent")
        .set_if_absent(f.ratio, 9.0)
        .await
        .unwrap();
    let after = stored(&orders, &o).await;
    assert_eq!(after.alt_address, None);
    assert_eq!(after.note.as_deref(), Some("only if absent"));
    assert_eq!(after.ratio, 0.75);

    // Deleting the last elements of a set removes the attribute; it reads back empty.
    orders
        .modify(&key)
        .delete_from(f.tags, ["new", "gift"])
        .await
        .unwrap();
    assert!(stored(&orders, &o).await.tags.is_empty());
}

#[tokio::test]
async fn missing_items_fail_unless_upserted() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Counter {
        #[dynamo(partition_key)]
        id: String,
        #[dynamo(default)]
        hits: u64,
        label: Option<String>,
    }
    let counters = new_mapping::<Counter>("modify-upsert").await;
    let f = Counter::fields();
    let key = "home".to_string();
    let err = counters.modify(&key).add(f.hits, 1).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(
        counters.count().await.unwrap(),
        0,
        "no half item was created"
    );

    let created: Counter = counters
        .modify(&key)
        .add(f.hits, 1)
        .upsert(true)
        .return_new()
        .await
        .unwrap();
    assert_eq!(
        created,
        Counter {
            id: key.clone(),
            hits: 1,
            label: None
        }
    );
    let old = counters
        .modify(&key)
        .add(f.hits, 1)
        .set(f.label, "x")
        .return_old()
        .await
        .unwrap();
    assert_eq!(old, Some(created));
    assert_eq!(counters.get(&key).await.unwrap().unwrap().hits, 2);
}

#[tokio::test]
async fn a_failed_condition_is_condition_failed_and_changes_nothing() {
    let orders = new_mapping::<Order>("modify-when").await;
    let o = order(2);
    orders.insert(&o).await.unwrap();
    let f = Order::fields();
    let key = o.key();
    let err = orders
        .modify(&key)
        .set(f.state, Status::Delivered)
        .when(f.state.eq(Status::Shipped))
        .await
        .unwrap_err();
    let current: Order = err.current().expect("the item as it is").unwrap();
    assert_eq!(current, o);
    assert!(
        matches!(
            err,
            Error::ConditionFailed {
                operation: "UpdateItem",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(Error::NotFound { table: "t".into() }
        .current::<Order>()
        .is_none());
    assert_eq!(stored(&orders, &o).await, o);

    let shipped: Order = orders
        .modify(&key)
        .set(f.state, Status::Shipped)
        .when(f.state.eq(Status::Paid))
        .when(f.total_cents.ge(1000))
        .return_new()
        .await
        .unwrap();
    assert_eq!(shipped.state, Status::Shipped);
}

#[tokio::test]
async fn mistakes_only_values_reveal_fail_before_sending() {
    let orders = new_mapping::<Order>("modify-invalid").await;
    let o = order(3);
    orders.insert(&o).await.unwrap();
    let f = Order::fields();
    let key = o.key();
    let overlap = orders
        .modify(&key)
        .set(f.address.city, "A")
        .set(f.address, o.address.clone())
        .await;
    let message = overlap.unwrap_err().to_string();
    assert!(
        message.contains("`address.city` and `address` overlap"),
        "{message}"
    );
    let twice = orders
        .modify(&key)
        .add(f.total_cents, 1)
        .add(f.total_cents, 1)
        .await;
    assert!(matches!(twice, Err(Error::InvalidRequest { .. })));
    let nothing = orders.modify(&key).await;
    assert!(matches!(nothing, Err(Error::InvalidRequest { .. })));
    let nan = orders
        .modify(&key)
        .set(f.ratio, f64::NAN)
        .await
        .unwrap_err();
    assert!(nan.to_string().contains("`ratio`"), "{nan}");
    assert_eq!(stored(&orders, &o).await, o, "nothing was sent");
}

#[tokio::test]
async fn conditional_insert_and_remove() {
    let orders = new_mapping::<Order>("conditional").await;
    let f = Order::fields();
    let o = order(4);
    orders.insert_if_absent(&o).await.unwrap();
    let again = orders.insert_if_absent(&o).await.unwrap_err();
    assert!(matches!(again, Error::ConditionFailed { .. }), "{again:?}");

    let mut cheaper = o.clone();
    cheaper.total_cents = 10;
    let refused = orders
        .insert_when(&cheaper, f.total_cents.lt(500))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::ConditionFailed { .. }));
    orders
        .insert_when(&cheaper, f.total_cents.ge(500))
        .await
        .unwrap();
    assert_eq!(stored(&orders, &o).await.total_cents, 10);

    let key = o.key();
    let kept = orders
        .remove_when(&key, f.state.eq(Status::Delivered))
        .await
        .unwrap_err();
    assert!(matches!(kept, Error::ConditionFailed { .. }));
    let gone = orders
        .remove_when(&key, f.state.eq(Status::Paid))
        .await
        .unwrap();
    assert_eq!(gone, Some(cheaper));
    // A missing item fails a condition that needs attributes.
    let missing = orders
        .remove_when(&key, f.state.exists())
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::ConditionFailed { item: None, .. }));
}

/// Each condition operator, checked against a stored item: `holds` must pass, and
/// `fails` must be refused.
#[tokio::test]
async fn every_condition_operator_against_the_server() {
    let orders = new_mapping::<Order>("operators").await;
    let o = order(5);
    orders.insert(&o).await.unwrap();
    let f = Order::fields();
    let key = o.key();
    let cases: Vec<(&str, Condition<Order>, Condition<Order>)> = vec![
        ("eq", f.state.eq(Status::Paid), f.state.eq(Status::Shipped)),
        ("ne", f.state.ne(Status::Shipped), f.state.ne(Status::Paid)),
        ("lt", f.total_cents.lt(1001), f.total_cents.lt(1000)),
        ("le", f.total_cents.le(1000), f.total_cents.le(999)),
        ("gt", f.total_cents.gt(999), f.total_cents.gt(1000)),
        ("ge", f.total_cents.ge(1000), f.total_cents.ge(1001)),
        (
            "between",
            f.total_cents.between(1000, 2000),
            f.total_cents.between(1, 999),
        ),
        (
            "begins_with",
            f.name.begins_with("fir"),
            f.name.begins_with("sec"),
        ),
        (
            "contains substring",
            f.address.city.contains("sl"),
            f.address.city.contains("xx"),
        ),
        (
            "contains set",
            f.tags.contains("new"),
            f.tags.contains("old"),
        ),
        (
            "contains list",
            f.lines.contains("tea"),
            f.lines.contains("cake"),
        ),
        ("exists", f.note.exists(), f.alt_address.exists()),
        (
            "not_exists",
            f.alt_address.not_exists(),
            f.note.not_exists(),
        ),
        ("eq None", f.alt_address.eq(None), f.note.eq(None)),
        (
            "type",
            f.scores.attribute_type(AttributeType::NumberSet),
            f.scores.attribute_type(AttributeType::List),
        ),
        ("size", f.lines.size().eq(1), f.lines.size().gt(1)),
        (
            "size between",
            f.name.size().between(1, 5),
            f.name.size().between(6, 9),
        ),
        (
            "nested",
            f.address.city.eq("Oslo"),
            f.history.at(0).city.eq("Oslo"),
        ),
        (
            "map entry",
            f.limits.key("daily").eq(5),
            f.limits.key("daily").gt(5),
        ),
        (
            "and",
            f.state.eq(Status::Paid) & f.total_cents.eq(1000),
            f.state.eq(Status::Paid) & f.total_cents.eq(1),
        ),
        (
            "or",
            f.total_cents.eq(1) | f.total_cents.eq(1000),
            f.total_cents.eq(1) | f.total_cents.eq(2),
        ),
        ("not", !f.total_cents.eq(1), !f.total_cents.eq(1000)),
        (
            "key",
            f.customer.eq("alice") & f.order_id.eq(5),
            f.order_id.eq(6),
        ),
    ];
    for (name, holds, fails) in cases {
        orders
            .modify(&key)
            .set(f.ratio, 0.5)
            .when(holds)
            .await
            .unwrap_or_else(|e| panic!("{name}: the condition that holds was refused: {e}"));
        let refused = orders.modify(&key).set(f.ratio, 0.5).when(fails).await;
        assert!(
            matches!(refused, Err(Error::ConditionFailed { .. })),
            "{name}: the failing condition passed: {refused:?}"
        );
    }
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Odd {
    #[dynamo(partition_key, rename = "name")]
    id: String,
    #[dynamo(rename = "status")]
    state: String,
    #[dynamo(rename = "size")]
    size: u32,
    #[dynamo(rename = "count")]
    count: u32,
    #[dynamo(rename = "a.b")]
    dotted: String,
    #[dynamo(rename = "x-y")]
    dashed: String,
    #[dynamo(rename = "with space")]
    spaced: String,
    #[dynamo(rename = "ünïcødé 名前")]
    unicode: String,
    #[dynamo(rename = "#hash:colon")]
    punctuation: BTreeMap<String, u32>,
}

#[tokio::test]
async fn reserved_words_and_odd_names_in_updates_and_conditions() {
    let odd = new_mapping::<Odd>("odd-names").await;
    let item = Odd {
        id: "x".into(),
        state: "new".into(),
        size: 1,
        count: 2,
        dotted: "d".into(),
        dashed: "-".into(),
        spaced: " ".into(),
        unicode: "ü".into(),
        punctuation: BTreeMap::from([("k.e-y".to_string(), 1)]),
    };
    odd.insert(&item).await.unwrap();
    let f = Odd::fields();
    let key = item.key();
    let updated: Odd = odd
        .modify(&key)
        .set(f.state, "done")
        .add(f.size, 1)
        .add(f.count, 1)
        .set(f.dotted, "D")
        .set(f.dashed, "+")
        .set(f.spaced, "_")
        .set(f.unicode, "Ü")
        .set(f.punctuation.key("k.e-y"), 2)
        .when(
            f.state.eq("new")
                & f.size.eq(1)
                & f.count.eq(2)
                & f.dotted.eq("d")
                & f.dashed.eq("-")
                & f.spaced.eq(" ")
                & f.unicode.eq("ü")
                & f.punctuation.key("k.e-y").eq(1)
                & f.id.eq("x"),
        )
        .return_new()
        .await
        .unwrap();
    assert_eq!(
        (updated.state.as_str(), updated.size, updated.count),
        ("done", 2, 3)
    );
    assert_eq!(
        (
            updated.dotted.as_str(),
            updated.dashed.as_str(),
            updated.spaced.as_str()
        ),
        ("D", "+", "_")
    );
    assert_eq!(updated.unicode, "Ü");
    assert_eq!(updated.punctuation["k.e-y"], 2);
}

#[tokio::test]
async fn long_expressions_work_up_to_dynamodbs_limit() {
    let orders = new_mapping::<Order>("long").await;
    let o = order(6);
    orders.insert(&o).await.unwrap();
    let f = Order::fields();
    let key = o.key();
    let names: Vec<String> = (0..300).map(|i| format!("limit-{i:03}")).collect();
    let mut modify = orders.modify(&key);
    for (i, name) in names.iter().take(150).enumerate() {
        modify = modify.set(f.limits.key(name), i as u32);
    }
    modify.await.unwrap();
    let after = stored(&orders, &o).await;
    assert_eq!(after.limits.len(), 151);
    assert_eq!(after.limits["limit-149"], 149);

    // 300 changes make an expression over DynamoDB's 4 KB: refused before sending.
    let mut modify = orders.modify(&key);
    for name in &names {
        modify = modify.set(f.limits.key(name), 0);
    }
    let message = modify.await.unwrap_err().to_string();
    assert!(
        message.contains("over DynamoDB's limit of 4096"),
        "{message}"
    );
    assert_eq!(
        stored(&orders, &o).await.limits["limit-001"],
        1,
        "nothing was sent"
    );
}

#[tokio::test]
async fn sixteen_tasks_adding_concurrently_lose_nothing() {
    let orders = new_mapping::<Order>("counter").await;
    let o = order(7);
    orders.insert(&o).await.unwrap();
    let key = o.key();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let orders = orders.clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let f = Order::fields();
            for _ in 0..50 {
                orders.modify(&key).add(f.total_cents, 1).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(stored(&orders, &o).await.total_cents, 1000 + 800);
}

#[tokio::test]
async fn map_entries_can_be_removed() {
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Directory {
        #[dynamo(partition_key)]
        id: String,
        people: BTreeMap<String, Address>,
        counts: BTreeMap<String, u32>,
    }
    let table = new_mapping::<Directory>("map-remove").await;
    let home = Address {
        street: "1 Main".into(),
        city: "Oslo".into(),
        zip: None,
    };
    let dir = Directory {
        id: "d".into(),
        people: BTreeMap::from([("ada".into(), home.clone()), ("bob".into(), home)]),
        counts: BTreeMap::from([("a".into(), 1), ("b".into(), 2)]),
    };
    table.insert(&dir).await.unwrap();
    let f = Directory::fields();
    let after: Directory = table
        .modify("d")
        .remove(f.people.key("bob"))
        .remove(f.counts.key("a"))
        .return_new()
        .await
        .unwrap();
    assert_eq!(after.people.keys().collect::<Vec<_>>(), ["ada"]);
    assert_eq!(after.counts, BTreeMap::from([("b".to_string(), 2)]));
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Tally {
    #[dynamo(partition_key)]
    id: String,
    n: i64,
}

#[tokio::test]
async fn modify_of_a_missing_item_is_not_found_unless_upserted() {
    let tallies = new_mapping::<Tally>("modify-missing").await;
    let f = Tally::fields();
    let err = tallies.modify("none").add(f.n, 1).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    // An upsert's own condition failing on a missing item is that condition failing.
    let err = tallies
        .modify("none")
        .add(f.n, 1)
        .upsert(true)
        .when(f.n.eq(5))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    tallies
        .modify("none")
        .add(f.n, 1)
        .upsert(true)
        .await
        .unwrap();
    assert_eq!(tallies.get("none").await.unwrap().unwrap().n, 1);
}

/// `is_in`, comparing two attributes, and removing list elements by position, as a
/// write's condition, a scan's filter and a modify's action; what DynamoDB refuses is
/// refused before sending.
#[tokio::test]
async fn in_lists_attribute_comparisons_and_list_removals() {
    use futures::TryStreamExt;
    let orders = new_mapping::<Order>("modify-conditions").await;
    let f = Order::fields();
    for id in 1..=6u64 {
        let mut o = order(id);
        o.state = [Status::Paid, Status::Shipped, Status::Delivered][(id % 3) as usize];
        o.total_cents = id as i64 * 100;
        o.limits = BTreeMap::from([("daily".to_string(), 2), ("weekly".to_string(), id as u32)]);
        o.lines = (0..4).map(|l| format!("line-{l}")).collect();
        if id == 6 {
            o.note = None;
        }
        if id == 2 {
            o.name = "leave at door".into();
        }
        orders.insert(&o).await.unwrap();
    }
    let ids = |orders: Vec<Order>| {
        let mut ids: Vec<u64> = orders.into_iter().map(|o| o.order_id).collect();
        ids.sort();
        ids
    };

    // IN: ids 1, 4 are shipped (1 % 3), ids 3, 6 paid (0).
    let some = orders
        .scan()
        .filter(f.state.is_in([Status::Paid, Status::Shipped]))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(some), [1, 3, 4, 6]);
    let err = orders
        .scan()
        .filter(f.total_cents.is_in(Vec::<i64>::new()))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let err = orders
        .scan()
        .filter(f.total_cents.is_in(0..101))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1 to 100 values"), "{err}");
    let hundred = orders
        .scan()
        .filter(f.total_cents.is_in((1..=100).map(|n| n * 100)))
        .count()
        .await
        .unwrap();
    assert_eq!(hundred, 6, "100 values are DynamoDB's limit, and taken");

    // Two attributes of one item: the weekly limit above the daily one (ids 3..6).
    let above = orders
        .scan()
        .filter(f.limits.key("weekly").gt_path(&f.limits.key("daily")))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(above), [3, 4, 5, 6]);
    let equal = orders
        .scan()
        .filter(f.limits.key("weekly").eq_path(&f.limits.key("daily")))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(equal), [2]);
    // As a write's condition: holds for id 5, not for id 1.
    let key = (String::from("alice"), 5);
    orders
        .modify(&key)
        .set(f.name, "over".to_string())
        .when(f.limits.key("weekly").ge_path(&f.limits.key("daily")))
        .await
        .unwrap();
    let err = orders
        .modify(&(String::from("alice"), 1))
        .set(f.name, "over".to_string())
        .when(f.limits.key("weekly").ge_path(&f.limits.key("daily")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    // An absent attribute (id 6 has no note) equals nothing and differs from every
    // value; id 2's name is its note.
    let same = orders
        .scan()
        .filter(f.note.eq_path(&f.name))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(same), [2]);
    let differing = orders
        .scan()
        .filter(f.note.ne_path(&f.name))
        .count()
        .await
        .unwrap();
    assert_eq!(differing, 5);
    // DynamoDB refuses an attribute compared with itself: refused before sending.
    let itself = orders
        .scan()
        .filter(f.note.eq_path(&f.note))
        .count()
        .await
        .unwrap_err();
    assert!(
        matches!(&itself, Error::InvalidRequest { problem, .. } if problem.contains("with itself")),
        "{itself:?}"
    );

    // Removing list elements by position: positions name the list as it was.
    let changed: Order = orders
        .modify(&key)
        .remove_at(f.lines, 0)
        .remove_at(f.lines, 2)
        .return_new()
        .await
        .unwrap();
    assert_eq!(changed.lines, ["line-1", "line-3"]);
    let past_the_end: Order = orders
        .modify(&key)
        .remove_at(f.lines, 9)
        .return_new()
        .await
        .unwrap();
    assert_eq!(past_the_end.lines, ["line-1", "line-3"]);
    let in_history: Order = orders
        .modify(&key)
        .remove_at(f.history, 0)
        .return_new()
        .await
        .unwrap();
    assert!(in_history.history.is_empty());
}
