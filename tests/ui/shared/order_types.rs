// Types shared by the compile-fail cases of modify and conditions.
use std::collections::HashSet;

use dynamap::prelude::*;

#[derive(DynamoItem)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    status: String,
    total_cents: i64,
    note: Option<String>,
    lines: Vec<String>,
    tags: HashSet<String>,
    avatar: Vec<u8>,
    #[dynamo(version)]
    version: u64,
}

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key)]
    id: String,
    name: String,
}
