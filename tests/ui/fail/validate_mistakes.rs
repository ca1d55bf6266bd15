use dynamap::{DynamoItem, DynamoValue};

fn short(name: &String) -> Result<(), String> {
    (name.len() < 10).then_some(()).ok_or_else(|| "too long".into())
}

// A validator on a value type, on a skipped field, on a field stored through serde.
#[derive(DynamoValue)]
#[dynamo(validate = "whole")]
struct Address {
    #[dynamo(validate = "short")]
    street: String,
}

#[derive(DynamoItem)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(skip, validate = "short")]
    cache: String,
    #[dynamo(validate = "not a path")]
    note: String,
}

fn main() {}
