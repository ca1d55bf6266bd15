//! Key templates at their edges, against the server: ranges on the last field of a sort
//! template return exactly the items in the range; a separator other than `#` guards
//! its segments as `#` does; `modify` refuses what it cannot render for a multi-field
//! or a local index template, and renders what it can.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, stored, unique_table_name};

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"),
    index(Lsi1, sort_key = "lsi1sk", local)
)]
struct Db;

/// A numeric last field.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Db, entity = "Line", pk = "ORDER#{order}", sk = "LINE#{line}")]
struct Line {
    order: String,
    line: u16,
}

/// A string last field.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Db, entity = "Tag", pk = "TAGS#{owner}", sk = "TAG#{name}")]
struct Tag {
    owner: String,
    name: String,
}

/// Segments separated by `|`.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Db, entity = "Seat", pk = "HALL|{hall}", sk = "ROW|{row}|SEAT|{seat}")]
struct Seat {
    hall: String,
    row: String,
    seat: u32,
}

/// An index whose partition template names two fields (one of them the key's), and a
/// local index whose sort template names two non-key fields.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Db,
    entity = "Ticket",
    pk = "TICKET#{id}",
    sk = "TICKET",
    index(Gsi1, pk = "QUEUE#{queue}#{priority}", sk = "TICKET#{id}"),
    index(Lsi1, sk = "STATE#{state}#{assignee}")
)]
struct Ticket {
    id: String,
    queue: String,
    priority: u8,
    state: String,
    assignee: String,
}

/// A fixed-width segment (a date, which holds `-`) followed by `-`: no separator check
/// applies to it, on the write path or the query path.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Db, entity = "Reading", pk = "DAY#{day}-{sensor}", sk = "SEQ#{seq}")]
struct Reading {
    day: chrono::NaiveDate,
    sensor: String,
    seq: u32,
}

async fn db() -> Table<Db> {
    let db = Table::<Db>::new(client().await, unique_table_name("templates"));
    db.create_table().await.unwrap();
    db
}

#[tokio::test]
async fn ranges_on_the_last_field_of_a_sort_template_are_exact() {
    let db = db().await;
    let lines = db.entity::<Line>();
    for line in 1..=9 {
        lines
            .insert(&Line {
                order: "o1".into(),
                line,
            })
            .await
            .unwrap();
    }
    let f = Line::fields();
    let read = |condition: Condition<Line>| {
        let lines = lines.clone();
        async move {
            lines
                .query("o1")
                .sort_key(condition)
                .stream()
                .map_ok(|l| l.line)
                .try_collect::<Vec<u16>>()
                .await
                .unwrap()
        }
    };
    assert_eq!(read(f.line.le(5)).await, [1, 2, 3, 4, 5]);
    assert_eq!(read(f.line.lt(5)).await, [1, 2, 3, 4]);
    assert_eq!(read(f.line.ge(5)).await, [5, 6, 7, 8, 9]);
    assert_eq!(read(f.line.gt(5)).await, [6, 7, 8, 9]);
    assert_eq!(read(f.line.between(3, 6)).await, [3, 4, 5, 6]);
    assert_eq!(read(f.line.eq(6)).await, [6]);

    let tags = db.entity::<Tag>();
    for name in ["a", "ab", "aba", "abb", "b"] {
        tags.insert(&Tag {
            owner: "u".into(),
            name: name.into(),
        })
        .await
        .unwrap();
    }
    let f = Tag::fields();
    let names = |condition: Condition<Tag>| {
        let tags = tags.clone();
        async move {
            tags.query("u")
                .sort_key(condition)
                .stream()
                .map_ok(|t| t.name)
                .try_collect::<Vec<String>>()
                .await
                .unwrap()
        }
    };
    assert_eq!(names(f.name.gt("ab")).await, ["aba", "abb", "b"]);
    assert_eq!(names(f.name.ge("ab")).await, ["ab", "aba", "abb", "b"]);
    assert_eq!(names(f.name.lt("ab")).await, ["a"]);
    assert_eq!(names(f.name.le("ab")).await, ["a", "ab"]);
    assert_eq!(names(f.name.between("a", "ab")).await, ["a", "ab"]);
    assert_eq!(names(f.name.begins_with("ab")).await, ["ab", "aba", "abb"]);
}

#[tokio::test]
async fn a_separator_other_than_hash_guards_its_segments() {
    let db = db().await;
    let seats = db.entity::<Seat>();
    let seat = Seat {
        hall: "main|east".into(), // the last partition segment takes anything
        row: "A#1".into(),        // `#` is no separator here
        seat: 7,
    };
    seats.insert(&seat).await.unwrap();
    let item = stored(&seats, &(seat.hall.clone(), seat.row.clone(), 7)).await;
    assert_eq!(item["pk"], AttributeValue::S("HALL|main|east".into()));
    assert_eq!(
        item["sk"],
        AttributeValue::S("ROW|A#1|SEAT|0000000007".into())
    );
    let clash = Seat {
        row: "A|1".into(),
        ..seat.clone()
    };
    match seats.insert(&clash).await.unwrap_err() {
        Error::Conversion(e) => {
            assert_eq!(e.attribute(), "row");
            assert!(e.expected().contains('|'), "{e}");
        }
        other => panic!("expected a conversion error naming `row`, got {other:?}"),
    }
    let f = Seat::fields();
    let found: Vec<Seat> = seats
        .query("main|east")
        .sort_key(f.row.eq("A#1"))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found, vec![seat]);
    // A condition's value is a key segment too: before more of the template, it may
    // not hold the separator (eq, begins_with); as the last segment, anything goes.
    for condition in [f.row.eq("A|1"), f.row.begins_with("A|")] {
        let err = seats
            .query("main|east")
            .sort_key(condition)
            .first()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Conversion(e) if e.attribute() == "row"),
            "{err:?}"
        );
    }
    let tags = db.entity::<Tag>();
    tags.insert(&Tag {
        owner: "u".into(),
        name: "a|b#c".into(),
    })
    .await
    .unwrap();
    let t = Tag::fields();
    for condition in [t.name.eq("a|b#c"), t.name.begins_with("a|b#")] {
        let found = tags.query("u").sort_key(condition).first().await.unwrap();
        assert_eq!(found.map(|t| t.name), Some("a|b#c".to_owned()));
    }
}

#[tokio::test]
async fn modify_renders_what_it_can_of_multi_field_and_local_index_templates() {
    let db = db().await;
    let tickets = db.entity::<Ticket>();
    let ticket = Ticket {
        id: "t1".into(),
        queue: "support".into(),
        priority: 2,
        state: "open".into(),
        assignee: "ada".into(),
    };
    tickets.insert(&ticket).await.unwrap();
    let f = Ticket::fields();
    let key = "t1".to_owned();

    // One field of a two-field template that is not a key field: refused, nothing sent.
    let err = tickets
        .modify(&key)
        .set(f.queue, "billing".to_string())
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest { problem, .. } => {
            assert!(
                problem.contains("gsi1") && problem.contains("priority"),
                "{problem}"
            );
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    let err = tickets
        .modify(&key)
        .set(f.state, "closed".to_string())
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest { problem, .. } => {
            assert!(
                problem.contains("lsi1") && problem.contains("assignee"),
                "{problem}"
            );
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    // The index key is rendered as the item's is: a string followed by more of the
    // template may not hold the separator.
    let err = tickets
        .modify(&key)
        .set(f.queue, "bill#ing".to_string())
        .set(f.priority, 1)
        .await
        .unwrap_err();
    match &err {
        Error::Conversion(e) => assert_eq!(e.attribute(), "queue"),
        other => panic!("expected a conversion error naming `queue`, got {other:?}"),
    }
    // A change that is no `set` of a template field is refused too.
    let err = tickets.modify(&key).add(f.priority, 1).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(tickets.get(&key).await.unwrap(), Some(ticket.clone()));

    // Every non-key field of each template set: both indexes' keys rendered.
    tickets
        .modify(&key)
        .set(f.queue, "billing".to_string())
        .set(f.priority, 1)
        .set(f.state, "closed".to_string())
        .set(f.assignee, "grace".to_string())
        .await
        .unwrap();
    let item = stored(&tickets, &key).await;
    assert_eq!(
        item["gsi1pk"],
        AttributeValue::S("QUEUE#billing#001".into())
    );
    assert_eq!(item["gsi1sk"], AttributeValue::S("TICKET#t1".into()));
    assert_eq!(
        item["lsi1sk"],
        AttributeValue::S("STATE#closed#grace".into())
    );
    let by_queue: Vec<Ticket> = tickets
        .query_index::<Gsi1>(&("billing".to_owned(), 1))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_queue.len(), 1);
    // A partition rendered for a query is checked as the item's key is.
    let err = tickets
        .query_index::<Gsi1>(&("bill#ing".to_owned(), 1))
        .first()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Conversion(e) if e.attribute() == "queue"),
        "{err:?}"
    );
}

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Seq(u32);

#[derive(DynamoValue, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Name(String);

/// Stored as their names, which sort as the variants are declared.
#[derive(DynamoValue, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Alpha,
    Beta,
    Gamma,
}

fn segment<S: dynamap::schema::KeySegment>(value: &S) -> String {
    let mut out = String::new();
    value.write_segment(&mut out).unwrap();
    out
}

proptest::proptest! {
    /// A newtype writes its inner value's segment, and a unit enum its variant's name:
    /// both order as their values (here, where the names sort as declared), and two
    /// values never share a segment.
    #[test]
    fn newtype_and_unit_enum_segments_order_as_their_values(
        a in proptest::prelude::any::<u32>(),
        b in proptest::prelude::any::<u32>(),
        x in "[a-c#]{0,4}",
        y in "[a-c#]{0,4}",
        l in 0usize..3,
        m in 0usize..3,
    ) {
        let levels = [Level::Alpha, Level::Beta, Level::Gamma];
        proptest::prop_assert_eq!(segment(&Seq(a)), segment(&a));
        proptest::prop_assert_eq!(Seq(a).cmp(&Seq(b)), segment(&Seq(a)).cmp(&segment(&Seq(b))));
        proptest::prop_assert_eq!(segment(&Name(x.clone())), x.clone());
        proptest::prop_assert_eq!(x.cmp(&y), segment(&Name(x.clone())).cmp(&segment(&Name(y.clone()))));
        let (p, q) = (levels[l], levels[m]);
        proptest::prop_assert_eq!(p.cmp(&q), segment(&p).cmp(&segment(&q)));
        proptest::prop_assert_eq!(p == q, segment(&p) == segment(&q));
    }
}

#[tokio::test]
async fn a_fixed_width_segment_may_hold_the_character_after_it() {
    let db = db().await;
    let readings = db.entity::<Reading>();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
    let reading = Reading {
        day,
        sensor: "s-1".into(),
        seq: 3,
    };
    readings.insert(&reading).await.unwrap();
    let item = stored(&readings, &(day, "s-1".to_owned(), 3)).await;
    assert_eq!(item["pk"], AttributeValue::S("DAY#2026-01-02-s-1".into()));
    let found: Vec<Reading> = readings
        .query(&(day, "s-1".to_owned()))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found, vec![reading]);
}
