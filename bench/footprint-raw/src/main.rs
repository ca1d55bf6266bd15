//! bench/footprint's function on the raw SDK: the same put, get and query of a visit,
//! with the attribute conversions written by hand, as a service without dynamap would.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

struct Visit {
    id: String,
    at: u64,
    name: String,
}

impl Visit {
    fn to_item(&self) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("id".to_owned(), AttributeValue::S(self.id.clone())),
            ("at".to_owned(), AttributeValue::N(self.at.to_string())),
            ("name".to_owned(), AttributeValue::S(self.name.clone())),
        ])
    }

    fn from_item(item: &HashMap<String, AttributeValue>) -> Option<Visit> {
        Some(Visit {
            id: item.get("id")?.as_s().ok()?.clone(),
            at: item.get("at")?.as_n().ok()?.parse().ok()?,
            name: item.get("name")?.as_s().ok()?.clone(),
        })
    }
}

async fn handle(client: &Client, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let id = event.payload["id"].as_str().unwrap_or("anonymous").to_owned();
    let name = event.payload["name"].as_str().unwrap_or("").to_owned();
    let visit = Visit { id: id.clone(), at: 1, name };
    client.put_item().table_name("visits").set_item(Some(visit.to_item())).send().await?;
    let read = client
        .get_item()
        .table_name("visits")
        .key("id", AttributeValue::S(id.clone()))
        .key("at", AttributeValue::N("1".to_owned()))
        .send()
        .await?;
    let found = read.item.as_ref().and_then(Visit::from_item).is_some();
    let mut count = 0;
    let mut pages = client
        .query()
        .table_name("visits")
        .key_condition_expression("id = :id")
        .expression_attribute_values(":id", AttributeValue::S(id))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        count += page?.items().iter().filter_map(Visit::from_item).count();
    }
    Ok(serde_json::json!({ "found": found, "visits": count }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_from_env().await;
    let client = Client::new(&config);
    lambda_runtime::run(service_fn(|event| handle(&client, event))).await
}
