//! Stores the event's `id` and `name`, reads them back and lists the partition: a
//! service's get, insert and query with dynamap's default features.

use dynamap::{DynamoItem, TypedMapping};
use futures::TryStreamExt;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[derive(DynamoItem, Clone, Debug)]
struct Visit {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(sort_key)]
    at: u64,
    name: String,
}

async fn handle(visits: &TypedMapping<Visit>, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let id = event.payload["id"].as_str().unwrap_or("anonymous").to_owned();
    let name = event.payload["name"].as_str().unwrap_or("").to_owned();
    let visit = Visit { id: id.clone(), at: 1, name };
    visits.insert(&visit).await?;
    let read = visits.get(&(id.clone(), 1)).await?;
    let count = futures_count(visits, &id).await?;
    Ok(serde_json::json!({ "found": read.is_some(), "visits": count }))
}

async fn futures_count(visits: &TypedMapping<Visit>, id: &str) -> Result<usize, Error> {
    let all: Vec<Visit> = visits.query(id).stream().try_collect().await?;
    Ok(all.len())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = dynamap::connect().await?;
    let visits = TypedMapping::<Visit>::new(client, "visits");
    lambda_runtime::run(service_fn(|event| handle(&visits, event))).await
}
