//! Shapes that must compile: generics, raw identifiers, items nested in items,
//! every attribute together.
use std::collections::HashMap;

use dynamap::{DynamoItem, DynamoValue};

#[derive(DynamoValue)]
struct Wrapper<T> {
    inner: T,
    all: Vec<T>,
}

#[derive(DynamoItem)]
#[dynamo(rename_all = "kebab-case")]
struct Record<T: Clone> {
    #[dynamo(partition_key)]
    r#type: String,
    #[dynamo(sort_key, rename = "SK")]
    sort: Vec<u8>,
    wrapped: Wrapper<T>,
    #[dynamo(default)]
    extra: HashMap<String, T>,
    #[dynamo(skip)]
    cached: Option<T>,
    #[dynamo(serde)]
    json: serde_like::Anything,
}

mod serde_like {
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Anything {
        pub x: u8,
    }
}

fn main() {
    fn assert_item<T: DynamoItem>() {}
    assert_item::<Record<u32>>();
    assert_eq!(Record::<u32>::KEY_SCHEMA.partition_key.name, "type");
}
