//! The shapes of published designs (#33), each against a Rust-side oracle: an inverted
//! index over the table's own key attributes (many-to-many), compound sort-key ranges
//! (equality on leading fields, then a range).

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, unique_table_name};

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Inverted, partition_key = "sk", sort_key = "pk")
)]
struct Social;

/// A follows B: read from A's side by the table, from B's side by the inverted index,
/// which stores in `sk` and `pk` exactly what the table does (the derive refuses other
/// templates, which would overwrite the item's key).
#[derive(DynamoItem, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[dynamo(
    table = Social,
    entity = "Follow",
    pk = "USER#{follower}",
    sk = "FOLLOWS#{followed}",
    index(Inverted, pk = "FOLLOWS#{followed}", sk = "USER#{follower}")
)]
struct Follow {
    follower: String,
    followed: String,
}

fn follows() -> Vec<Follow> {
    let users = ["ada", "bob", "cy", "dee", "eve"];
    let mut out = Vec::new();
    for (i, follower) in users.iter().enumerate() {
        for (j, followed) in users.iter().enumerate() {
            if i != j && (i + j) % 3 != 0 {
                out.push(Follow {
                    follower: (*follower).to_owned(),
                    followed: (*followed).to_owned(),
                });
            }
        }
    }
    out
}

#[tokio::test]
async fn an_inverted_index_reads_a_many_to_many_relation_from_both_sides() {
    let social = Table::<Social>::new(client().await, unique_table_name("inverted"));
    social.create_table().await.unwrap();
    let edges = social.entity::<Follow>();
    dynamap_tests::insert_all(&edges, follows()).await;
    for user in ["ada", "bob", "cy", "dee", "eve"] {
        let following: BTreeSet<Follow> = edges.query(user).stream().try_collect().await.unwrap();
        let expected: BTreeSet<Follow> = follows()
            .into_iter()
            .filter(|f| f.follower == user)
            .collect();
        assert_eq!(following, expected, "{user} follows");
        let followers: Vec<Follow> = edges
            .query_index::<Inverted>(user)
            .stream()
            .try_collect()
            .await
            .unwrap();
        let mut expected: Vec<Follow> = follows()
            .into_iter()
            .filter(|f| f.followed == user)
            .collect();
        expected.sort_by(|a, b| a.follower.cmp(&b.follower));
        assert_eq!(
            followers, expected,
            "{user}'s followers, in the index's sort order"
        );
    }
    // The item is still found by its own key: the index key did not overwrite it.
    let one = &follows()[0];
    assert_eq!(
        edges
            .get(&(one.follower.as_str(), one.followed.as_str()))
            .await
            .unwrap(),
        Some(one.clone())
    );
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Status {
    Open,
    Paid,
    Shipped,
}

/// "A store's open orders placed in a date range": equality on the status, a range on
/// the time, in one sort key.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "Order",
    pk = "STORE#{store}",
    sk = "ORDER#{status}#{placed_at}#{id}"
)]
struct Order {
    store: String,
    status: Status,
    placed_at: DateTime<Utc>,
    id: String,
    total: u32,
}

/// Orders around a year's end and a month's end, several a day, every status.
fn orders() -> Vec<Order> {
    let days = [
        (2025, 12, 30),
        (2025, 12, 31),
        (2026, 1, 1),
        (2026, 1, 2),
        (2026, 1, 31),
        (2026, 2, 1),
        (2026, 2, 28),
        (2026, 3, 1),
    ];
    let mut out = Vec::new();
    for (n, (y, m, d)) in days.into_iter().enumerate() {
        for hour in [0, 11, 23] {
            for (k, status) in [Status::Open, Status::Paid, Status::Shipped]
                .into_iter()
                .enumerate()
            {
                for id in ["a", "b", "bb", "c"] {
                    out.push(Order {
                        store: if (n + k) % 5 == 4 { "s2" } else { "s1" }.to_owned(),
                        status,
                        placed_at: Utc.with_ymd_and_hms(y, m, d, hour, 59, 59).unwrap(),
                        id: format!("{id}{n}"),
                        total: (n * 10 + k) as u32,
                    });
                }
            }
        }
    }
    out
}

/// Which orders an oracle keeps.
type Keep = Box<dyn Fn(&Order) -> bool>;

async fn read(query: dynamap::reads::Query<'_, Order>) -> Vec<Order> {
    query
        .page_size(4)
        .stream()
        .try_collect::<Vec<Order>>()
        .await
        .unwrap()
}

/// The oracle: the store's orders that match, in sort-key order.
fn expected(store: &str, keep: impl Fn(&Order) -> bool) -> Vec<Order> {
    let mut out: Vec<Order> = orders()
        .into_iter()
        .filter(|o| o.store == store && keep(o))
        .collect();
    out.sort_by(|a, b| {
        (format!("{:?}", a.status), a.placed_at, &a.id).cmp(&(
            format!("{:?}", b.status),
            b.placed_at,
            &b.id,
        ))
    });
    out
}

#[tokio::test]
async fn compound_sort_key_conditions_read_exactly_the_range_across_day_month_and_year_ends() {
    let shop = Table::<Shop>::new(client().await, unique_table_name("compound"));
    shop.create_table().await.unwrap();
    let orders_of = shop.entity::<Order>();
    dynamap_tests::insert_all(&orders_of, orders()).await;
    let f = Order::fields();
    let at = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 59, 59).unwrap();

    // Across the year's end, then the month's end, bounds included.
    for (low, high) in [
        (at(2025, 12, 31, 11), at(2026, 1, 1, 11)),
        (at(2026, 1, 31, 23), at(2026, 2, 1, 0)),
        (at(2026, 2, 28, 0), at(2026, 3, 1, 23)),
    ] {
        for status in [Status::Open, Status::Paid, Status::Shipped] {
            let got = read(
                orders_of
                    .query("s1")
                    .sort_key(f.status.eq(status) & f.placed_at.between(low, high)),
            )
            .await;
            let want = expected("s1", |o| {
                o.status == status && (low..=high).contains(&o.placed_at)
            });
            assert!(!want.is_empty());
            assert_eq!(got, want, "{status:?} in {low}..={high}");
        }
    }
    // Each comparison, on either side of a year's end: nothing of another status.
    let new_year = at(2026, 1, 1, 0);
    let cases: [(Condition<Order>, Keep); 4] = [
        (
            f.placed_at.lt(new_year),
            Box::new(move |o: &Order| o.placed_at < new_year),
        ),
        (
            f.placed_at.le(new_year),
            Box::new(move |o: &Order| o.placed_at <= new_year),
        ),
        (
            f.placed_at.gt(new_year),
            Box::new(move |o: &Order| o.placed_at > new_year),
        ),
        (
            f.placed_at.ge(new_year),
            Box::new(move |o: &Order| o.placed_at >= new_year),
        ),
    ];
    for (condition, keep) in cases {
        let got = read(
            orders_of
                .query("s1")
                .sort_key(f.status.eq(Status::Paid) & condition),
        )
        .await;
        let want = expected("s1", |o| o.status == Status::Paid && keep(o));
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }
    // Three levels: a status, an instant, then a range of ids (variable width, last).
    let instant = at(2026, 1, 2, 11);
    let on = |o: &Order| o.status == Status::Open && o.placed_at == instant;
    let got =
        read(orders_of.query("s1").sort_key(
            f.status.eq(Status::Open) & f.placed_at.eq(instant) & f.id.gt("b3".to_owned()),
        ))
        .await;
    assert_eq!(got, expected("s1", |o| on(o) && o.id.as_str() > "b3"));
    assert_eq!(
        got.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        ["bb3", "c3"]
    );
    let got = read(orders_of.query("s1").sort_key(
        f.status.eq(Status::Open)
            & f.placed_at.eq(instant)
            & f.id.between("b3".to_owned(), "bb3".to_owned()),
    ))
    .await;
    assert_eq!(
        got,
        expected("s1", |o| on(o) && ("b3"..="bb3").contains(&o.id.as_str()))
    );
    // Reversed, limited: the newest open orders before the year's end.
    let got = orders_of
        .query("s1")
        .sort_key(f.status.eq(Status::Open) & f.placed_at.lt(new_year))
        .reverse(true)
        .limit(5)
        .stream()
        .try_collect::<Vec<Order>>()
        .await
        .unwrap();
    let mut want = expected("s1", |o| o.status == Status::Open && o.placed_at < new_year);
    want.reverse();
    want.truncate(5);
    assert_eq!(got, want);
    // Counted the same way.
    let count = orders_of
        .query("s1")
        .sort_key(f.status.eq(Status::Shipped) & f.placed_at.ge(new_year))
        .count()
        .await
        .unwrap();
    assert_eq!(
        count as usize,
        expected("s1", |o| o.status == Status::Shipped
            && o.placed_at >= new_year)
        .len()
    );

    // What is not one exact range is refused before sending, never answered loosely.
    for refused in [
        f.status.ge(Status::Paid) & f.placed_at.eq(new_year),
        f.placed_at.between(new_year, at(2026, 3, 1, 0)),
        f.status.eq(Status::Open) & f.placed_at.eq(new_year) & f.id.lt("b".to_owned()),
        f.status.eq(Status::Open) & f.id.eq("b".to_owned()),
    ] {
        let err = orders_of
            .query("s1")
            .sort_key(refused)
            .first()
            .await
            .unwrap_err();
        assert!(
            matches!(err, dynamap::Error::InvalidRequest { .. }),
            "{err}"
        );
    }
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(ByCoupon, partition_key = "gsi1pk", sort_key = "gsi1sk"),
    index(Shipped, partition_key = "gsi2pk", sort_key = "gsi2sk")
)]
struct Store;

/// Two sparse indexes: orders by coupon (only those with one), and every shipped
/// order by its shipping time under one constant partition (only shipped ones).
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Store,
    entity = "Order",
    pk = "USER#{user}",
    sk = "ORDER#{id}",
    index(ByCoupon, pk = "COUPON#{coupon}", sk = "ORDER#{id}"),
    index(Shipped, pk = "SHIPPED", sk = "{shipped_at}#{id}")
)]
struct Sale {
    user: String,
    id: u32,
    coupon: Option<String>,
    shipped_at: Option<DateTime<Utc>>,
}

fn sale_data() -> Vec<Sale> {
    (0..60u32)
        .map(|id| Sale {
            user: format!("u{}", id % 4),
            id,
            coupon: (id % 3 == 0).then(|| format!("C{}", id % 2)),
            shipped_at: (id % 5 != 0).then(|| {
                Utc.with_ymd_and_hms(2026, 1, 1 + id % 28, 12, 0, 0)
                    .unwrap()
            }),
        })
        .collect()
}

async fn with_coupon(sales: &TypedMapping<Sale>, coupon: &str) -> Vec<u32> {
    let mut ids: Vec<u32> = sales
        .query_index::<ByCoupon>(coupon)
        .stream()
        .map_ok(|s| s.id)
        .try_collect()
        .await
        .unwrap();
    ids.sort();
    ids
}

async fn shipped(sales: &TypedMapping<Sale>) -> Vec<u32> {
    sales
        .query_index::<Shipped>(&())
        .stream()
        .map_ok(|s| s.id)
        .try_collect()
        .await
        .unwrap()
}

fn expected_shipped(data: &[Sale]) -> Vec<u32> {
    let mut out: Vec<(DateTime<Utc>, u32)> = data
        .iter()
        .filter_map(|s| s.shipped_at.map(|t| (t, s.id)))
        .collect();
    // The sort key is the time, then the id as text (`{shipped_at}#{id}`, ids zero-padded).
    out.sort();
    out.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn an_option_in_an_index_template_makes_the_index_sparse_and_writes_follow_it() {
    let store = Table::<Store>::new(client().await, unique_table_name("sparse"));
    store.create_table().await.unwrap();
    let sales = store.entity::<Sale>();
    let mut data = sale_data();
    dynamap_tests::insert_all(&sales, data.clone()).await;
    let coupon = |data: &[Sale], c: &str| -> Vec<u32> {
        data.iter()
            .filter(|s| s.coupon.as_deref() == Some(c))
            .map(|s| s.id)
            .collect()
    };
    assert_eq!(with_coupon(&sales, "C0").await, coupon(&data, "C0"));
    assert_eq!(with_coupon(&sales, "C1").await, coupon(&data, "C1"));
    assert_eq!(shipped(&sales).await, expected_shipped(&data));
    let in_index: BTreeSet<u32> = sales
        .scan_index::<ByCoupon>()
        .stream()
        .map_ok(|s| s.id)
        .try_collect()
        .await
        .unwrap();
    let having: BTreeSet<u32> = data
        .iter()
        .filter(|s| s.coupon.is_some())
        .map(|s| s.id)
        .collect();
    assert_eq!(in_index, having);
    // An item without the field is stored without the index's keys.
    let raw = dynamap_tests::stored(&sales, &("u1".to_owned(), 1)).await;
    assert!(
        !raw.contains_key("gsi1pk") && !raw.contains_key("gsi1sk"),
        "{raw:?}"
    );

    // modify: set adds the item to the index, None and remove take it out.
    let f = Sale::fields();
    sales
        .modify(&("u1", 1))
        .set(f.coupon, Some("C1".to_owned()))
        .await
        .unwrap();
    data[1].coupon = Some("C1".to_owned());
    sales
        .modify(&("u0", 0))
        .set(f.coupon, None::<String>)
        .await
        .unwrap();
    data[0].coupon = None;
    sales.modify(&("u3", 3)).remove(f.coupon).await.unwrap();
    data[3].coupon = None;
    let now = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    sales
        .modify(&("u0", 20))
        .set(f.shipped_at, Some(now))
        .await
        .unwrap();
    data[20].shipped_at = Some(now);
    sales
        .modify(&("u1", 21))
        .remove(f.shipped_at)
        .await
        .unwrap();
    data[21].shipped_at = None;
    assert_eq!(with_coupon(&sales, "C0").await, coupon(&data, "C0"));
    assert_eq!(with_coupon(&sales, "C1").await, coupon(&data, "C1"));
    assert_eq!(shipped(&sales).await, expected_shipped(&data));

    // update_with renders the index keys from the whole item, both ways.
    sales
        .update_with(&("u2", 6), |s| s.coupon = None)
        .await
        .unwrap();
    data[6].coupon = None;
    sales
        .update_with(&("u2", 10), |s| s.coupon = Some("C0".to_owned()))
        .await
        .unwrap();
    data[10].coupon = Some("C0".to_owned());
    sales
        .update_with(&("u2", 22), |s| s.shipped_at = None)
        .await
        .unwrap();
    data[22].shipped_at = None;
    assert_eq!(with_coupon(&sales, "C0").await, coupon(&data, "C0"));
    assert_eq!(with_coupon(&sales, "C1").await, coupon(&data, "C1"));
    assert_eq!(shipped(&sales).await, expected_shipped(&data));
    // Every stored item agrees with its fields: index keys exactly when Some.
    for sale in &data {
        let raw = dynamap_tests::stored(&sales, &(sale.user.clone(), sale.id)).await;
        assert_eq!(
            raw.contains_key("gsi1pk"),
            sale.coupon.is_some(),
            "{sale:?}"
        );
        assert_eq!(
            raw.contains_key("gsi2sk"),
            sale.shipped_at.is_some(),
            "{sale:?}"
        );
        assert_eq!(
            sales
                .get(&(sale.user.as_str(), sale.id))
                .await
                .unwrap()
                .as_ref(),
            Some(sale)
        );
    }
}
