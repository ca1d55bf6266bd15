//! The shapes of published designs (#33), each against a Rust-side oracle: an inverted
//! index over the table's own key attributes (many-to-many), compound sort-key ranges
//! (equality on leading fields, then a range).

use std::collections::BTreeSet;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, TimeZone, Utc};
use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};
use futures::{StreamExt, TryStreamExt};

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

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(OpenByDate, partition_key = "gsi1pk", sort_key = "gsi1sk"),
    index(Spread, partition_key = "gsi2pk", sort_key = "gsi2sk")
)]
struct Ledger;

/// "Every open order in a date range, across customers": a hot listing spread over 8
/// shards (the shard computed from the order's key), and over 4 drawn at random.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Ledger,
    entity = "Ticket",
    pk = "CUSTOMER#{customer}",
    sk = "TICKET#{id}",
    index(OpenByDate, pk = "OPEN#{shard:8}", sk = "{opened_at}#{id}"),
    index(Spread, pk = "SPREAD#{shard:4:random}", sk = "{id}")
)]
struct Ticket {
    customer: String,
    id: u32,
    opened_at: DateTime<Utc>,
    total: u32,
}

fn tickets() -> Vec<Ticket> {
    (0..150u32)
        .map(|id| Ticket {
            customer: format!("c{}", id % 9),
            id,
            // Several tickets share an instant: the id orders them.
            opened_at: Utc
                .with_ymd_and_hms(2026, 1 + (id * 7) % 12, 1 + id % 27, 8, 0, 0)
                .unwrap(),
            total: (id * 37) % 100,
        })
        .collect()
}

/// The tickets opened in `from..=to` with a total above 30.
fn ranged(
    tickets: &TypedMapping<Ticket>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> dynamap::reads::Query<'_, Ticket> {
    let f = Ticket::fields();
    tickets
        .query_index::<OpenByDate>(&())
        .sort_key(f.opened_at.between(from, to))
        .filter(f.total.gt(30))
}

/// The oracle: the tickets kept, in the index's sort order.
fn in_order(keep: impl Fn(&Ticket) -> bool, reverse: bool) -> Vec<u32> {
    let mut out: Vec<(DateTime<Utc>, u32)> = tickets()
        .into_iter()
        .filter(|t| keep(t))
        .map(|t| (t.opened_at, t.id))
        .collect();
    out.sort();
    if reverse {
        out.reverse();
    }
    out.into_iter().map(|(_, id)| id).collect()
}

async fn ids_of(query: dynamap::reads::Query<'_, Ticket>) -> Vec<u32> {
    query.stream().map_ok(|t| t.id).try_collect().await.unwrap()
}

/// Every page from a token, until the last: the ids in order, and how many pages.
async fn paged<'t>(
    tickets: &'t TypedMapping<Ticket>,
    make: impl Fn(&'t TypedMapping<Ticket>) -> dynamap::reads::Query<'t, Ticket>,
) -> (Vec<u32>, usize) {
    let (items, pages) = dynamap_tests::all_pages(|| make(tickets)).await;
    (items.iter().map(|t| t.id).collect(), pages)
}

/// A merged stream decodes each shard's items as their page arrives: an item that
/// does not decode is an error in its place in the merged order, and the items around
/// it still come, as in a query of one partition.
#[tokio::test]
async fn a_merged_stream_gives_an_undecodable_item_as_an_error_in_its_place() {
    let ledger = Table::<Ledger>::new(client().await, unique_table_name("sharded-bad"));
    ledger.create_table().await.unwrap();
    let all = ledger.entity::<Ticket>();
    dynamap_tests::insert_all(&all, tickets()).await;
    // A copy of ticket 40 under another key, its total no `u32`, sorted right after it
    // in ticket 40's shard.
    let mut bad = dynamap_tests::stored(&all, &("c4".to_owned(), 40)).await;
    let after_40 = format!("{}~", bad["gsi1sk"].as_s().unwrap());
    bad.insert("sk".into(), AttributeValue::S("TICKET#bad".into()));
    bad.insert("gsi1sk".into(), AttributeValue::S(after_40));
    bad.insert("total".into(), AttributeValue::S("lots".into()));
    all.client()
        .put_item()
        .table_name(all.table_name())
        .set_item(Some(bad))
        .send()
        .await
        .unwrap();

    let read: Vec<dynamap::Result<u32>> = all
        .query_index::<OpenByDate>(&())
        .page_size(7)
        .stream()
        .map_ok(|t| t.id)
        .collect()
        .await;
    let order = in_order(|_| true, false);
    let at = order.iter().position(|id| *id == 40).unwrap() + 1;
    assert_eq!(read.len(), order.len() + 1);
    let ok = |range: &[dynamap::Result<u32>]| -> Vec<u32> {
        range.iter().map(|r| *r.as_ref().unwrap()).collect()
    };
    assert_eq!(ok(&read[..at]), order[..at]);
    assert!(
        matches!(&read[at], Err(dynamap::Error::Conversion(_))),
        "{:?}",
        read[at]
    );
    assert_eq!(ok(&read[at + 1..]), order[at..]);
}

#[tokio::test]
async fn a_sharded_index_is_read_as_one_partition_merged_in_sort_key_order() {
    let ledger = Table::<Ledger>::new(client().await, unique_table_name("sharded"));
    ledger.create_table().await.unwrap();
    let all = ledger.entity::<Ticket>();
    dynamap_tests::insert_all(&all, tickets()).await;
    let f = Ticket::fields();

    // The shards are spread, and each item sits in the shard its key gives.
    let mut shards = BTreeSet::new();
    for ticket in tickets().iter().take(40) {
        let raw = dynamap_tests::stored(&all, &(ticket.customer.clone(), ticket.id)).await;
        shards.insert(raw["gsi1pk"].as_s().unwrap().clone());
    }
    assert!(shards.len() >= 6, "{shards:?}");
    assert!(
        shards.iter().all(|s| s.len() == "OPEN#0".len()),
        "{shards:?}"
    );

    // The whole listing, each way; a sort-key range and a filter, applied in every shard.
    let everything = |_: &Ticket| true;
    assert_eq!(
        ids_of(all.query_index::<OpenByDate>(&())).await,
        in_order(everything, false)
    );
    assert_eq!(
        ids_of(all.query_index::<OpenByDate>(&()).reverse(true)).await,
        in_order(everything, true)
    );
    let (from, to) = (
        Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap(),
    );
    let in_range = |t: &Ticket| (from..=to).contains(&t.opened_at) && t.total > 30;
    assert_eq!(
        ids_of(ranged(&all, from, to)).await,
        in_order(in_range, false)
    );
    assert!(in_order(in_range, false).len() > 10);

    // Several pages per shard, each decoded as it arrives: the same listing.
    assert_eq!(
        ids_of(all.query_index::<OpenByDate>(&()).page_size(4)).await,
        in_order(everything, false)
    );
    assert_eq!(
        ids_of(
            all.query_index::<OpenByDate>(&())
                .page_size(3)
                .reverse(true)
                .limit(40)
        )
        .await,
        in_order(everything, true)[..40]
    );

    // A limit, the first item, a count: as of one partition.
    assert_eq!(
        ids_of(all.query_index::<OpenByDate>(&()).limit(7)).await,
        in_order(everything, false)[..7]
    );
    let first = all
        .query_index::<OpenByDate>(&())
        .reverse(true)
        .first()
        .await
        .unwrap();
    assert_eq!(
        first.map(|t| t.id),
        in_order(everything, true).first().copied()
    );
    assert_eq!(
        all.query_index::<OpenByDate>(&()).count().await.unwrap(),
        150
    );
    assert_eq!(
        ranged(&all, from, to).count().await.unwrap() as usize,
        in_order(in_range, false).len()
    );
    assert_eq!(
        all.query_index::<OpenByDate>(&())
            .limit(9)
            .count()
            .await
            .unwrap(),
        9
    );

    // Pages resumed from tokens: every item once, in order, each way, across shard pages.
    let (ids, pages) = paged(&all, |t| t.query_index::<OpenByDate>(&()).page_size(4)).await;
    assert_eq!(ids, in_order(everything, false));
    assert!(pages > 30, "{pages}");
    let (ids, _) = paged(&all, |t| {
        t.query_index::<OpenByDate>(&()).page_size(6).reverse(true)
    })
    .await;
    assert_eq!(ids, in_order(everything, true));
    let (ids, _) = paged(&all, |t| ranged(t, from, to).page_size(3)).await;
    assert_eq!(ids, in_order(in_range, false));
    // One stream reads page after page of the merge, with no token in between.
    let streamed = ids_of(all.query_index::<OpenByDate>(&()).page_size(4)).await;
    assert_eq!(streamed, in_order(everything, false));
    let pages: Vec<usize> = all
        .query_index::<OpenByDate>(&())
        .page_size(4)
        .pages()
        .map_ok(|page| page.items().len())
        .try_collect()
        .await
        .unwrap();
    assert!(
        pages.len() > 30 && pages.iter().all(|n| *n <= 4),
        "{pages:?}"
    );
    // A token of a limited read resumes after the limit's last item.
    let page = all
        .query_index::<OpenByDate>(&())
        .limit(5)
        .pages()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let rest = ids_of(
        all.query_index::<OpenByDate>(&())
            .start_from(page.next_token().unwrap().clone()),
    )
    .await;
    assert_eq!(rest, in_order(everything, false)[5..]);
    // A token counts from where it stopped.
    assert_eq!(
        all.query_index::<OpenByDate>(&())
            .start_from(page.next_token().unwrap().clone())
            .count()
            .await
            .unwrap(),
        145
    );
    // A token of an unsharded read is refused, not misread.
    let plain = all
        .query("c1")
        .limit(1)
        .pages()
        .try_next()
        .await
        .unwrap()
        .unwrap();
    let refused = all
        .query_index::<OpenByDate>(&())
        .start_from(plain.next_token().unwrap().clone())
        .first()
        .await
        .unwrap_err();
    assert!(
        matches!(refused, dynamap::Error::InvalidPageToken { .. }),
        "{refused}"
    );

    // One query per shard, concurrently: 8 requests read a small listing.
    let (counting, log) = dynamap_tests::counting_client(all.client());
    let counted = TypedMapping::<Ticket>::new(counting, all.table_name());
    let before = log.sent().len();
    assert_eq!(
        ids_of(counted.query_index::<OpenByDate>(&())).await.len(),
        150
    );
    let queries = log.sent()[before..]
        .iter()
        .filter(|r| r.operation == "Query")
        .count();
    assert_eq!(queries, 8);

    // Rewrites keep an item's shard: its key decides it.
    let moved = Ticket {
        opened_at: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        ..tickets()[3].clone()
    };
    let key = (moved.customer.clone(), moved.id);
    let shard_before = dynamap_tests::stored(&all, &key).await["gsi1pk"].clone();
    all.insert(&moved).await.unwrap();
    assert_eq!(
        dynamap_tests::stored(&all, &key).await["gsi1pk"],
        shard_before
    );
    let later = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
    all.modify(&key).set(f.opened_at, later).await.unwrap();
    assert_eq!(
        dynamap_tests::stored(&all, &key).await["gsi1pk"],
        shard_before
    );
    let last = all
        .query_index::<OpenByDate>(&())
        .reverse(true)
        .first()
        .await
        .unwrap();
    assert_eq!(last.map(|t| (t.id, t.opened_at)), Some((3, later)));

    // Random shards: spread, and still read whole.
    let mut random = BTreeSet::new();
    for ticket in tickets().iter().take(40) {
        let raw = dynamap_tests::stored(&all, &(ticket.customer.clone(), ticket.id)).await;
        random.insert(raw["gsi2pk"].as_s().unwrap().clone());
    }
    assert_eq!(random.len(), 4, "{random:?}");
    let spread = ids_of(all.query_index::<Spread>(&())).await;
    assert_eq!(spread, (0..150).collect::<Vec<u32>>());
}

/// An index of keys only, and one that includes a total: each read as a projection
/// type the compiler checks against what the index holds.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Purchase {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByState, keys_only))]
    state: String,
    #[dynamo(gsi_partition_key(ByBuyer, include("total")))]
    buyer: String,
    total: u64,
    note: String,
}

#[derive(DynamoValue, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[dynamo(projection_of(ByState))]
struct StateKey {
    id: String,
    state: String,
}

#[derive(DynamoValue, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[dynamo(projection_of(ByBuyer))]
struct BuyerTotal {
    buyer: String,
    id: String,
    total: u64,
}

/// The same table read as if its indexes held whole items.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct PurchaseEverything {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key(ByStateAll, name = "by_state"))]
    state: String,
    #[dynamo(gsi_partition_key(ByBuyerAll, name = "by_buyer"))]
    buyer: String,
    total: u64,
    note: String,
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(
        ByCategory,
        partition_key = "gsi1pk",
        sort_key = "gsi1sk",
        include("name")
    )
)]
struct Catalog;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Catalog,
    entity = "Product",
    pk = "PRODUCT#{id}",
    sk = "PRODUCT",
    index(ByCategory, pk = "CATEGORY#{category}", sk = "{id}")
)]
struct Product {
    id: u32,
    category: String,
    name: String,
    description: String,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
#[dynamo(projection_of(ByCategory))]
struct ProductName {
    name: String,
}

#[tokio::test]
async fn indexes_project_what_they_declare_and_are_read_as_their_projections() {
    let purchases = dynamap_tests::new_mapping::<Purchase>("projections").await;
    let data: Vec<Purchase> = (0..30u32)
        .map(|i| Purchase {
            id: format!("p{i:02}"),
            state: ["open", "paid", "sent"][(i % 3) as usize].to_owned(),
            buyer: format!("b{}", i % 4),
            total: u64::from(i) * 10,
            note: "x".repeat(200),
        })
        .collect();
    dynamap_tests::insert_all(&purchases, data.clone()).await;

    // The table was created with the declared projections.
    let description = purchases.describe_table().await.unwrap();
    let projection = |name: &str| {
        description
            .global_secondary_indexes()
            .iter()
            .find(|i| i.index_name() == Some(name))
            .and_then(|i| i.projection().cloned())
            .unwrap()
    };
    let keys_only = projection("by_state");
    assert_eq!(
        keys_only.projection_type().map(|t| t.as_str()),
        Some("KEYS_ONLY")
    );
    let include = projection("by_buyer");
    assert_eq!(
        include.projection_type().map(|t| t.as_str()),
        Some("INCLUDE")
    );
    assert_eq!(include.non_key_attributes(), ["total"]);
    purchases.ensure_table().await.unwrap();

    let mut open: Vec<StateKey> = purchases
        .query_index_as::<ByState, StateKey>("open")
        .stream()
        .try_collect()
        .await
        .unwrap();
    open.sort();
    let expected: Vec<StateKey> = data
        .iter()
        .filter(|p| p.state == "open")
        .map(|p| StateKey {
            id: p.id.clone(),
            state: p.state.clone(),
        })
        .collect();
    assert_eq!(open, expected);
    let mut totals: Vec<BuyerTotal> = purchases
        .query_index_as::<ByBuyer, BuyerTotal>("b1")
        .stream()
        .try_collect()
        .await
        .unwrap();
    totals.sort();
    let expected: Vec<BuyerTotal> = data
        .iter()
        .filter(|p| p.buyer == "b1")
        .map(|p| BuyerTotal {
            buyer: p.buyer.clone(),
            id: p.id.clone(),
            total: p.total,
        })
        .collect();
    assert_eq!(totals, expected);
    let scanned = purchases
        .scan_index_as::<ByBuyer, BuyerTotal>()
        .count()
        .await
        .unwrap();
    assert_eq!(scanned, 30);

    // A type that expects whole items in those indexes is told the table differs.
    let everything =
        TypedMapping::<PurchaseEverything>::new(purchases.client().clone(), purchases.table_name());
    let mismatch = everything.ensure_table().await.unwrap_err().to_string();
    assert!(
        mismatch.contains("index `by_state`: the table projects KEYS_ONLY")
            && mismatch.contains("declares ALL"),
        "{mismatch}"
    );
    assert!(mismatch.contains("INCLUDE(total)"), "{mismatch}");

    // A single-table index includes the entity attribute, so an entity's reads of it
    // keep to its own items.
    let catalog = Table::<Catalog>::new(client().await, unique_table_name("catalog"));
    catalog.create_table().await.unwrap();
    let products = catalog.entity::<Product>();
    for id in 0..6u32 {
        let product = Product {
            id,
            category: if id % 2 == 0 { "books" } else { "games" }.to_owned(),
            name: format!("product {id}"),
            description: "long".repeat(50),
        };
        products.insert(&product).await.unwrap();
    }
    let names: Vec<String> = products
        .query_index_as::<ByCategory, ProductName>("books")
        .stream()
        .map_ok(|p| p.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["product 0", "product 2", "product 4"]);
    let description = catalog.describe_table().await.unwrap();
    let index = &description.global_secondary_indexes()[0];
    let mut included = index.projection().unwrap().non_key_attributes().to_vec();
    included.sort();
    assert_eq!(included, ["_et", "name"]);
}
