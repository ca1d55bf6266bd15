//! The cold-start baseline: what `cold_dynamap` does, with the raw AWS SDK and a
//! hand-written conversion, as a Lambda function written without dynamap would. Prints
//! `answered` after the first answer and `done` at the end; `coldstart` times it.
//! Links nothing of dynamap, so its size is the SDK's alone.

use std::collections::HashMap;

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;

#[derive(Debug, Clone, PartialEq)]
struct LineItem {
    sku: String,
    quantity: u32,
    unit_price_cents: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct Order {
    customer: String,
    order_id: u64,
    status: String,
    total_cents: i64,
    items: Vec<LineItem>,
    note: Option<String>,
}

fn to_item(o: &Order) -> HashMap<String, AttributeValue> {
    let items = o
        .items
        .iter()
        .map(|l| {
            AttributeValue::M(HashMap::from([
                ("sku".to_owned(), AttributeValue::S(l.sku.clone())),
                (
                    "quantity".to_owned(),
                    AttributeValue::N(l.quantity.to_string()),
                ),
                (
                    "unit_price_cents".to_owned(),
                    AttributeValue::N(l.unit_price_cents.to_string()),
                ),
            ]))
        })
        .collect();
    let mut item = HashMap::from([
        ("customer".to_owned(), AttributeValue::S(o.customer.clone())),
        (
            "order_id".to_owned(),
            AttributeValue::N(o.order_id.to_string()),
        ),
        ("status".to_owned(), AttributeValue::S(o.status.clone())),
        (
            "total_cents".to_owned(),
            AttributeValue::N(o.total_cents.to_string()),
        ),
        ("items".to_owned(), AttributeValue::L(items)),
    ]);
    if let Some(note) = &o.note {
        item.insert("note".to_owned(), AttributeValue::S(note.clone()));
    }
    item
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Result<String, String> {
    match item.get(name) {
        Some(AttributeValue::S(s)) => Ok(s.clone()),
        other => Err(format!("{name}: expected S, found {other:?}")),
    }
}

fn number<T: std::str::FromStr>(
    item: &HashMap<String, AttributeValue>,
    name: &str,
) -> Result<T, String> {
    match item.get(name) {
        Some(AttributeValue::N(n)) => n.parse().map_err(|_| format!("{name}: not a number")),
        other => Err(format!("{name}: expected N, found {other:?}")),
    }
}

fn from_item(item: &HashMap<String, AttributeValue>) -> Result<Order, String> {
    let items = match item.get("items") {
        Some(AttributeValue::L(list)) => list
            .iter()
            .map(|v| match v {
                AttributeValue::M(m) => Ok(LineItem {
                    sku: text(m, "sku")?,
                    quantity: number(m, "quantity")?,
                    unit_price_cents: number(m, "unit_price_cents")?,
                }),
                _ => Err("items: expected maps".to_owned()),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("items: expected L".to_owned()),
    };
    Ok(Order {
        customer: text(item, "customer")?,
        order_id: number(item, "order_id")?,
        status: text(item, "status")?,
        total_cents: number(item, "total_cents")?,
        items,
        note: item.get("note").map(|_| text(item, "note")).transpose()?,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (endpoint, table) = (args.next().ok_or("ENDPOINT")?, args.next().ok_or("TABLE")?);
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region("us-east-1")
        .credentials_provider(Credentials::new("local", "local", None, None, "local"))
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = Client::new(&config);
    let order = Order {
        customer: "alice".into(),
        order_id: 1001,
        status: "paid".into(),
        total_cents: 4_250,
        items: vec![LineItem {
            sku: "TEA-GREEN".into(),
            quantity: 2,
            unit_price_cents: 1_200,
        }],
        note: None,
    };
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(to_item(&order)))
        .send()
        .await?;
    println!("answered");
    let got = client
        .get_item()
        .table_name(&table)
        .key("customer", AttributeValue::S("alice".into()))
        .key("order_id", AttributeValue::N("1001".into()))
        .send()
        .await?
        .item
        .ok_or("no item")?;
    assert_eq!(from_item(&got)?, order);
    println!("done");
    Ok(())
}
