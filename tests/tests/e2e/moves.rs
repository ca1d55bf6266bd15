//! Moving an item to a new key (#32 item 4): `move_item` deletes the old item and puts
//! the new one in one transaction, conditional on the old item as read and on the new
//! key being free; another writer's change in between is re-read and kept; a lost
//! answer is applied once; an entity never moves onto, or from, another entity's item.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};

use dynamap_tests::proxy::{self, cut_first_answer, cut_first_request_then_hold, through};
use dynamap_tests::{client, new_mapping, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Seat {
    #[dynamo(partition_key)]
    flight: String,
    #[dynamo(sort_key)]
    seat: String,
    passenger: String,
    bags: u32,
    #[dynamo(version)]
    version: u64,
}

fn seat(seat: &str, passenger: &str) -> Seat {
    Seat {
        flight: "LH400".into(),
        seat: seat.into(),
        passenger: passenger.into(),
        bags: 1,
        version: 0,
    }
}

fn key(seat: &str) -> (String, String) {
    ("LH400".to_owned(), seat.to_owned())
}

#[tokio::test]
async fn an_item_moves_to_a_free_key_in_one_step() {
    let seats = new_mapping::<Seat>("move").await;
    seats.insert(&seat("12A", "ada")).await.unwrap();

    let moved = seats
        .move_item(&key("12A"), |s| {
            s.seat = "14C".into();
            s.bags = 2;
        })
        .await
        .unwrap();
    let expected = Seat {
        bags: 2,
        version: 2,
        ..seat("14C", "ada")
    };
    assert_eq!(moved, expected, "the item as stored, at its next version");
    assert_eq!(seats.get(&key("14C")).await.unwrap(), Some(expected));
    assert!(!seats.contains_key(&key("12A")).await.unwrap());
    assert_eq!(seats.count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_taken_key_a_missing_item_and_an_unmoved_key_change_nothing() {
    let seats = new_mapping::<Seat>("move-refused").await;
    seats.insert(&seat("12A", "ada")).await.unwrap();
    seats.insert(&seat("14C", "grace")).await.unwrap();
    let before = {
        let mut all: Vec<Seat> = futures::TryStreamExt::try_collect(seats.values())
            .await
            .unwrap();
        all.sort_by(|a, b| a.seat.cmp(&b.seat));
        all
    };

    match seats
        .move_item(&key("12A"), |s| s.seat = "14C".into())
        .await
    {
        Err(Error::ConditionFailed {
            item: Some(found), ..
        }) => {
            assert_eq!(Seat::from_item(*found).unwrap().passenger, "grace");
        }
        other => panic!("expected the occupant, got {other:?}"),
    }
    assert!(matches!(
        seats.move_item(&key("99Z"), |s| s.seat = "1A".into()).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        seats.move_item(&key("12A"), |s| s.bags = 9).await,
        Err(Error::InvalidRequest { .. })
    ));

    let mut after: Vec<Seat> = futures::TryStreamExt::try_collect(seats.values())
        .await
        .unwrap();
    after.sort_by(|a, b| a.seat.cmp(&b.seat));
    assert_eq!(after, before, "nothing moved, nothing changed");
}

/// What the other writer of `a_move_gives_up_…` does between the move's read and its
/// transaction.
enum Interference {
    AddBag,
    Remove,
}

/// Another writer on its own thread and runtime: it writes while the move's closure
/// (which runs between the read and the transaction) waits for it.
fn other_writer(
    table: String,
) -> (
    std::sync::mpsc::Sender<Interference>,
    std::sync::mpsc::Receiver<()>,
) {
    let (orders, received) = std::sync::mpsc::channel::<Interference>();
    let (done, acks) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let seats = TypedMapping::<Seat>::new(client().await, &table);
            while let Ok(order) = received.recv() {
                match order {
                    Interference::AddBag => {
                        seats
                            .modify(&key("12A"))
                            .add(Seat::fields().bags, 1)
                            .await
                            .unwrap();
                    }
                    Interference::Remove => {
                        seats.remove(&key("12A")).await.unwrap();
                    }
                }
                done.send(()).unwrap();
            }
        });
    });
    (orders, acks)
}

/// An item changed after every read makes the move give up after its last round with
/// the item as it last found it; one removed at the last round is `NotFound`. Nothing
/// moves either way.
#[tokio::test]
async fn a_move_gives_up_on_an_item_changed_at_every_round_and_names_what_it_found() {
    // How often the move reads and changes the item before it gives up: counted in the
    // first run, where the other writer only adds bags; in the second it removes the
    // item at that last round.
    let mut last_round = 0;
    for remove_at_the_end in [false, true] {
        let seats = new_mapping::<Seat>("move-contended").await;
        seats.insert(&seat("12A", "ada")).await.unwrap();
        let (orders, acks) = other_writer(seats.table_name().to_owned());
        let rounds = AtomicU64::new(0);
        let counted = &rounds;
        let moved = seats
            .move_item(&key("12A"), move |s| {
                let round = counted.fetch_add(1, Ordering::Relaxed) + 1;
                let order = match remove_at_the_end && round == last_round {
                    true => Interference::Remove,
                    false => Interference::AddBag,
                };
                orders.send(order).unwrap();
                acks.recv().unwrap();
                s.seat = "14C".into();
            })
            .await;
        let rounds = rounds.load(Ordering::Relaxed);
        if remove_at_the_end {
            assert_eq!(rounds, last_round);
        } else {
            assert!(rounds >= 10, "{rounds} rounds: the move gave up early");
            last_round = rounds;
        }
        match (remove_at_the_end, moved) {
            (
                false,
                Err(Error::ConditionFailed {
                    item: Some(found), ..
                }),
            ) => {
                let found = Seat::from_item(*found).unwrap();
                assert_eq!(
                    (found.seat.as_str(), found.bags),
                    ("12A", 1 + rounds as u32)
                );
            }
            (true, Err(Error::NotFound { .. })) => {}
            (_, other) => panic!("remove at the end: {remove_at_the_end}: {other:?}"),
        }
        assert!(!seats.contains_key(&key("14C")).await.unwrap());
    }
}

async fn until_cut(cut: &AtomicU64) {
    for _ in 0..2_000 {
        if cut.load(Ordering::Relaxed) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("the proxy never cut the first transaction");
}

#[tokio::test]
async fn another_writers_change_between_the_read_and_the_move_is_kept() {
    if !proxy::possible("another_writers_change_between_the_read_and_the_move_is_kept") {
        return;
    }
    let seats = new_mapping::<Seat>("move-raced").await;
    seats.insert(&seat("12A", "ada")).await.unwrap();
    // The move's first transaction never arrives; its resend waits while another writer
    // adds a bag to the old item.
    let (proxy, hold) = cut_first_request_then_hold(&["TransactWriteItems"]).await;
    let cut = through(&proxy, &seats).await;
    let moving =
        tokio::spawn(async move { cut.move_item(&key("12A"), |s| s.seat = "14C".into()).await });
    until_cut(&proxy.stats.dropped_before).await;
    let f = Seat::fields();
    seats.modify(&key("12A")).add(f.bags, 1).await.unwrap();
    hold.add_permits(1_000);
    let moved = moving.await.unwrap().unwrap();
    assert_eq!(moved.bags, 2, "the other writer's bag came along");
    assert_eq!(seats.get(&key("14C")).await.unwrap(), Some(moved));
    assert!(!seats.contains_key(&key("12A")).await.unwrap());
}

#[tokio::test]
async fn a_move_whose_answer_is_lost_is_applied_once_and_reported_done() {
    if !proxy::possible("a_move_whose_answer_is_lost_is_applied_once_and_reported_done") {
        return;
    }
    let seats = new_mapping::<Seat>("move-lost").await;
    seats.insert(&seat("12A", "ada")).await.unwrap();
    let proxy = cut_first_answer(&["TransactWriteItems"]).await;
    let cut = through(&proxy, &seats).await;
    let moved = cut
        .move_item(&key("12A"), |s| s.seat = "14C".into())
        .await
        .unwrap();
    assert_eq!(proxy.stats.dropped_after.load(Ordering::Relaxed), 1);
    assert_eq!(moved.version, 2);
    assert_eq!(seats.get(&key("14C")).await.unwrap(), Some(moved));
    assert_eq!(seats.count().await.unwrap(), 1);
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Shop;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "USER#{user}", sk = "ORDER#{id}")]
struct Order {
    user: String,
    id: String,
    total: u64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Line", pk = "USER#{user}", sk = "ORDER#{order}#LINE#{line}")]
struct Line {
    user: String,
    order: String,
    line: u16,
    sku: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Handle", pk = "USER#{user}", sk = "HANDLE")]
struct Handle {
    user: String,
    #[dynamo(unique)]
    handle: String,
}

#[tokio::test]
async fn an_entity_moves_between_partitions_and_never_onto_or_from_another_entity() {
    let shop = Table::<Shop>::new(client().await, unique_table_name("move-shop"));
    shop.create_table().await.unwrap();
    let (orders, lines) = (shop.entity::<Order>(), shop.entity::<Line>());
    let order = Order {
        user: "u1".into(),
        id: "o1".into(),
        total: 40,
    };
    orders.insert(&order).await.unwrap();
    let line = Line {
        user: "u2".into(),
        order: "o9".into(),
        line: 1,
        sku: "tea".into(),
    };
    lines.insert(&line).await.unwrap();

    // A field of the partition template: the order moves to another user's partition.
    let moved = orders
        .move_item(&("u1".to_owned(), "o1".to_owned()), |o| {
            o.user = "u2".into()
        })
        .await
        .unwrap();
    assert_eq!(moved.user, "u2");
    assert_eq!(
        orders.query("u2").first().await.unwrap(),
        Some(moved.clone())
    );
    assert_eq!(orders.query("u1").first().await.unwrap(), None);

    // An id that renders the line's key: refused as another entity's item.
    let forged = "o9#LINE#00001";
    match orders
        .move_item(&("u2".to_owned(), "o1".to_owned()), |o| {
            o.id = forged.into()
        })
        .await
    {
        Err(Error::OtherEntity { found, .. }) => assert_eq!(found.as_deref(), Some("Line")),
        other => panic!("expected OtherEntity, got {other:?}"),
    }
    // And from it: the line is not the order's to move.
    match orders
        .move_item(&("u2".to_owned(), forged.to_owned()), |o| {
            o.id = "o2".into()
        })
        .await
    {
        Err(Error::OtherEntity { found, .. }) => assert_eq!(found.as_deref(), Some("Line")),
        other => panic!("expected OtherEntity, got {other:?}"),
    }
    assert_eq!(
        lines
            .get(&("u2".to_owned(), "o9".to_owned(), 1))
            .await
            .unwrap(),
        Some(line)
    );
    assert_eq!(orders.query("u2").first().await.unwrap(), Some(moved));

    // A type with a unique value is refused before anything is read.
    shop.entity::<Handle>()
        .insert(&Handle {
            user: "u1".into(),
            handle: "ada".into(),
        })
        .await
        .unwrap();
    assert!(matches!(
        shop.entity::<Handle>()
            .move_item("u1", |h| h.user = "u3".into())
            .await,
        Err(Error::InvalidRequest { .. })
    ));
}
