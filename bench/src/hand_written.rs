//! Conversions written by hand against the raw SDK, the way a careful user of
//! aws-sdk-dynamodb writes them today: the baseline dynamap must match.

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::models::{Line, Order, OrderId, Payment, ServiceOrder, Wide, WIDE_FIELDS};

/// An item.
pub type Item = HashMap<String, AttributeValue>;

fn take_s(item: &mut Item, name: &str) -> Result<String, String> {
    match item.remove(name) {
        Some(AttributeValue::S(s)) => Ok(s),
        other => Err(format!("{name}: expected S, found {other:?}")),
    }
}

fn take_n<T: FromStr>(item: &mut Item, name: &str) -> Result<T, String> {
    match item.remove(name) {
        Some(AttributeValue::N(n)) => n.parse().map_err(|_| format!("{name}: bad number {n}")),
        other => Err(format!("{name}: expected N, found {other:?}")),
    }
}

fn take_bool(item: &mut Item, name: &str) -> Result<bool, String> {
    match item.remove(name) {
        Some(AttributeValue::Bool(b)) => Ok(b),
        other => Err(format!("{name}: expected BOOL, found {other:?}")),
    }
}

fn take_opt_s(item: &mut Item, name: &str) -> Result<Option<String>, String> {
    match item.remove(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::S(s)) => Ok(Some(s)),
        other => Err(format!("{name}: expected S, found {other:?}")),
    }
}

/// `Order` to an item, by hand.
pub fn order_to_item(o: &Order) -> Item {
    let mut item = HashMap::with_capacity(10);
    item.insert(
        "customer".to_string(),
        AttributeValue::S(o.customer.clone()),
    );
    item.insert(
        "order_id".to_string(),
        AttributeValue::N(o.order_id.to_string()),
    );
    item.insert("status".to_string(), AttributeValue::S(o.status.clone()));
    item.insert(
        "total_cents".to_string(),
        AttributeValue::N(o.total_cents.to_string()),
    );
    item.insert(
        "discount".to_string(),
        AttributeValue::N(o.discount.to_string()),
    );
    item.insert("gift".to_string(), AttributeValue::Bool(o.gift));
    if let Some(note) = &o.note {
        item.insert("note".to_string(), AttributeValue::S(note.clone()));
    }
    if !o.tags.is_empty() {
        item.insert(
            "tags".to_string(),
            AttributeValue::Ss(o.tags.iter().cloned().collect()),
        );
    }
    let lines = o
        .lines
        .iter()
        .map(|l| {
            let mut m = HashMap::with_capacity(3);
            m.insert("sku".to_string(), AttributeValue::S(l.sku.clone()));
            m.insert(
                "quantity".to_string(),
                AttributeValue::N(l.quantity.to_string()),
            );
            m.insert(
                "unit_price_cents".to_string(),
                AttributeValue::N(l.unit_price_cents.to_string()),
            );
            AttributeValue::M(m)
        })
        .collect();
    item.insert("lines".to_string(), AttributeValue::L(lines));
    let attributes = o
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), AttributeValue::S(v.clone())))
        .collect();
    item.insert("attributes".to_string(), AttributeValue::M(attributes));
    item
}

/// An item to `Order`, by hand, with errors naming the attribute.
pub fn order_from_item(mut item: Item) -> Result<Order, String> {
    let tags = match item.remove("tags") {
        None => Default::default(),
        Some(AttributeValue::Ss(tags)) => tags.into_iter().collect(),
        other => return Err(format!("tags: expected SS, found {other:?}")),
    };
    let lines = match item.remove("lines") {
        Some(AttributeValue::L(lines)) => lines
            .into_iter()
            .map(|line| match line {
                AttributeValue::M(mut m) => Ok(Line {
                    sku: take_s(&mut m, "sku")?,
                    quantity: take_n(&mut m, "quantity")?,
                    unit_price_cents: take_n(&mut m, "unit_price_cents")?,
                }),
                other => Err(format!("lines: expected M, found {other:?}")),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(format!("lines: expected L, found {other:?}")),
    };
    let attributes = match item.remove("attributes") {
        Some(AttributeValue::M(m)) => m
            .into_iter()
            .map(|(k, v)| match v {
                AttributeValue::S(s) => Ok((k, s)),
                other => Err(format!("attributes.{k}: expected S, found {other:?}")),
            })
            .collect::<Result<_, _>>()?,
        other => return Err(format!("attributes: expected M, found {other:?}")),
    };
    Ok(Order {
        customer: take_s(&mut item, "customer")?,
        order_id: take_n(&mut item, "order_id")?,
        status: take_s(&mut item, "status")?,
        total_cents: take_n(&mut item, "total_cents")?,
        discount: take_n(&mut item, "discount")?,
        gift: take_bool(&mut item, "gift")?,
        note: take_opt_s(&mut item, "note")?,
        tags,
        lines,
        attributes,
    })
}

/// `Wide` to an item, by hand.
pub fn wide_to_item(w: &Wide) -> Item {
    let mut item = HashMap::with_capacity(WIDE_FIELDS.len() + 1);
    item.insert("id".to_string(), AttributeValue::S(w.id.clone()));
    macro_rules! put {
        ($($s:ident $n:ident $f:ident $b:ident $o:ident),*) => {$(
            item.insert(stringify!($s).to_string(), AttributeValue::S(w.$s.clone()));
            item.insert(stringify!($n).to_string(), AttributeValue::N(w.$n.to_string()));
            item.insert(stringify!($f).to_string(), AttributeValue::N(w.$f.to_string()));
            item.insert(stringify!($b).to_string(), AttributeValue::Bool(w.$b));
            if let Some(v) = &w.$o {
                item.insert(stringify!($o).to_string(), AttributeValue::S(v.clone()));
            }
        )*};
    }
    put!(s01 n02 f03 b04 o05, s06 n07 f08 b09 o10, s11 n12 f13 b14 o15, s16 n17 f18 b19 o20,
         s21 n22 f23 b24 o25, s26 n27 f28 b29 o30, s31 n32 f33 b34 o35, s36 n37 f38 b39 o40,
         s41 n42 f43 b44 o45);
    item.insert("s46".to_string(), AttributeValue::S(w.s46.clone()));
    item.insert("n47".to_string(), AttributeValue::N(w.n47.to_string()));
    item.insert("f48".to_string(), AttributeValue::N(w.f48.to_string()));
    item.insert("b49".to_string(), AttributeValue::Bool(w.b49));
    item
}

/// An item to `Wide`, by hand.
pub fn wide_from_item(mut item: Item) -> Result<Wide, String> {
    let i = &mut item;
    Ok(Wide {
        id: take_s(i, "id")?,
        s01: take_s(i, "s01")?,
        n02: take_n(i, "n02")?,
        f03: take_n(i, "f03")?,
        b04: take_bool(i, "b04")?,
        o05: take_opt_s(i, "o05")?,
        s06: take_s(i, "s06")?,
        n07: take_n(i, "n07")?,
        f08: take_n(i, "f08")?,
        b09: take_bool(i, "b09")?,
        o10: take_opt_s(i, "o10")?,
        s11: take_s(i, "s11")?,
        n12: take_n(i, "n12")?,
        f13: take_n(i, "f13")?,
        b14: take_bool(i, "b14")?,
        o15: take_opt_s(i, "o15")?,
        s16: take_s(i, "s16")?,
        n17: take_n(i, "n17")?,
        f18: take_n(i, "f18")?,
        b19: take_bool(i, "b19")?,
        o20: take_opt_s(i, "o20")?,
        s21: take_s(i, "s21")?,
        n22: take_n(i, "n22")?,
        f23: take_n(i, "f23")?,
        b24: take_bool(i, "b24")?,
        o25: take_opt_s(i, "o25")?,
        s26: take_s(i, "s26")?,
        n27: take_n(i, "n27")?,
        f28: take_n(i, "f28")?,
        b29: take_bool(i, "b29")?,
        o30: take_opt_s(i, "o30")?,
        s31: take_s(i, "s31")?,
        n32: take_n(i, "n32")?,
        f33: take_n(i, "f33")?,
        b34: take_bool(i, "b34")?,
        o35: take_opt_s(i, "o35")?,
        s36: take_s(i, "s36")?,
        n37: take_n(i, "n37")?,
        f38: take_n(i, "f38")?,
        b39: take_bool(i, "b39")?,
        o40: take_opt_s(i, "o40")?,
        s41: take_s(i, "s41")?,
        n42: take_n(i, "n42")?,
        f43: take_n(i, "f43")?,
        b44: take_bool(i, "b44")?,
        o45: take_opt_s(i, "o45")?,
        s46: take_s(i, "s46")?,
        n47: take_n(i, "n47")?,
        f48: take_n(i, "f48")?,
        b49: take_bool(i, "b49")?,
    })
}

/// The UpdateItem inputs of a 5-operation change, as `modify` sends it (the key, the
/// update and its existence condition, names, values), built with `format!` by hand.
pub fn update_by_hand(
    key: &(String, u64),
    status: &str,
    add: i64,
    note_removed: bool,
    tag: &str,
    line: &Line,
) -> UpdateByHand {
    // The key, and the condition that keeps the update from creating an item: what
    // `modify` sends by default (an upsert is opt-in), so the same request.
    let mut item_key = HashMap::with_capacity(2);
    item_key.insert("customer".to_string(), AttributeValue::S(key.0.clone()));
    item_key.insert("order_id".to_string(), AttributeValue::N(key.1.to_string()));
    let mut names = HashMap::with_capacity(6);
    let mut values = HashMap::with_capacity(6);
    names.insert("#status".to_string(), "status".to_string());
    names.insert("#total".to_string(), "total_cents".to_string());
    names.insert("#note".to_string(), "note".to_string());
    names.insert("#tags".to_string(), "tags".to_string());
    names.insert("#lines".to_string(), "lines".to_string());
    names.insert("#customer".to_string(), "customer".to_string());
    values.insert(":status".to_string(), AttributeValue::S(status.to_string()));
    values.insert(":add".to_string(), AttributeValue::N(add.to_string()));
    values.insert(":zero".to_string(), AttributeValue::N("0".to_string()));
    values.insert(
        ":tags".to_string(),
        AttributeValue::Ss(vec![tag.to_string()]),
    );
    values.insert(":empty".to_string(), AttributeValue::L(vec![]));
    let mut m = HashMap::with_capacity(3);
    m.insert("sku".to_string(), AttributeValue::S(line.sku.clone()));
    m.insert(
        "quantity".to_string(),
        AttributeValue::N(line.quantity.to_string()),
    );
    m.insert(
        "unit_price_cents".to_string(),
        AttributeValue::N(line.unit_price_cents.to_string()),
    );
    values.insert(
        ":lines".to_string(),
        AttributeValue::L(vec![AttributeValue::M(m)]),
    );
    let remove = if note_removed { " REMOVE #note" } else { "" };
    let update = format!(
        "SET #status = :status, #total = if_not_exists(#total, :zero) + :add, #lines = list_append(if_not_exists(#lines, :empty), :lines){remove} ADD #tags :tags"
    );
    UpdateByHand {
        key: item_key,
        update,
        condition: "attribute_exists(#customer)".to_string(),
        names,
        values,
    }
}

/// An UpdateItem's inputs, written by hand.
#[derive(Debug)]
pub struct UpdateByHand {
    /// The item's key.
    pub key: Item,
    /// The UpdateExpression.
    pub update: String,
    /// The ConditionExpression.
    pub condition: String,
    /// ExpressionAttributeNames.
    pub names: HashMap<String, String>,
    /// ExpressionAttributeValues.
    pub values: Item,
}

/// A time as the service stores it: RFC 3339, UTC, nine fraction digits.
fn time_text(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond()
    )
}

fn uuid_text(id: &uuid::Uuid) -> String {
    let mut buffer = uuid::Uuid::encode_buffer();
    id.hyphenated().encode_lower(&mut buffer).to_owned()
}

/// `ServiceOrder` to an item, by hand.
pub fn service_to_item(o: &ServiceOrder) -> Item {
    let mut item = HashMap::with_capacity(7);
    item.insert("id".to_owned(), AttributeValue::S(uuid_text(&o.id.0)));
    item.insert(
        "customer".to_owned(),
        AttributeValue::S(uuid_text(&o.customer)),
    );
    item.insert(
        "placed_at".to_owned(),
        AttributeValue::S(time_text(&o.placed_at)),
    );
    item.insert(
        "updated_at".to_owned(),
        AttributeValue::S(time_text(&o.updated_at)),
    );
    item.insert(
        "total".to_owned(),
        AttributeValue::N(o.total.normalize().to_string()),
    );
    item.insert(
        "tax".to_owned(),
        AttributeValue::N(o.tax.normalize().to_string()),
    );
    let payment = match &o.payment {
        Payment::Card { last4, auth } => HashMap::from([
            ("kind".to_owned(), AttributeValue::S("card".to_owned())),
            ("last4".to_owned(), AttributeValue::S(last4.clone())),
            ("auth".to_owned(), AttributeValue::S(auth.clone())),
        ]),
        Payment::Cash => HashMap::from([("kind".to_owned(), AttributeValue::S("cash".to_owned()))]),
    };
    item.insert("payment".to_owned(), AttributeValue::M(payment));
    item
}

fn take_time(item: &mut Item, name: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let text = take_s(item, name)?;
    chrono::DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{name}: {e}"))
}

fn take_uuid(item: &mut Item, name: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::try_parse(&take_s(item, name)?).map_err(|e| format!("{name}: {e}"))
}

fn take_decimal(item: &mut Item, name: &str) -> Result<rust_decimal::Decimal, String> {
    match item.remove(name) {
        Some(AttributeValue::N(n)) => {
            rust_decimal::Decimal::from_str_exact(&n).map_err(|e| format!("{name}: {e}"))
        }
        other => Err(format!("{name}: expected N, found {other:?}")),
    }
}

/// An item to `ServiceOrder`, by hand.
pub fn service_from_item(mut item: Item) -> Result<ServiceOrder, String> {
    let payment = match item.remove("payment") {
        Some(AttributeValue::M(mut m)) => match take_s(&mut m, "kind")?.as_str() {
            "card" => Payment::Card {
                last4: take_s(&mut m, "last4")?,
                auth: take_s(&mut m, "auth")?,
            },
            "cash" => Payment::Cash,
            other => return Err(format!("payment.kind: unknown variant {other}")),
        },
        other => return Err(format!("payment: expected M, found {other:?}")),
    };
    Ok(ServiceOrder {
        id: OrderId(take_uuid(&mut item, "id")?),
        customer: take_uuid(&mut item, "customer")?,
        placed_at: take_time(&mut item, "placed_at")?,
        updated_at: take_time(&mut item, "updated_at")?,
        total: take_decimal(&mut item, "total")?,
        tax: take_decimal(&mut item, "tax")?,
        payment,
    })
}

/// The key item of an entity order, composed by hand with `format!` as a user of the
/// raw SDK writes it.
pub fn entity_key_by_hand(
    user_id: &OrderId,
    placed_at: &chrono::DateTime<chrono::Utc>,
    id: &uuid::Uuid,
) -> Item {
    let sk = format!(
        "ORDER#{}#{}",
        placed_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        id
    );
    Item::from([
        (
            "pk".to_owned(),
            AttributeValue::S(format!("USER#{}", user_id.0)),
        ),
        ("sk".to_owned(), AttributeValue::S(sk)),
    ])
}
