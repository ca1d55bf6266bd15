use dynamap::{DynamoItem, DynamoValue};

// A newtype is stored as its one field.
#[derive(DynamoValue)]
struct Pair(String, u32);

#[derive(DynamoValue)]
#[dynamo(transparent)]
struct Two {
    a: String,
    b: String,
}

#[derive(DynamoValue)]
struct Renamed(#[dynamo(rename = "x")] String);

// An item is a map of attributes, never a single value.
#[derive(DynamoItem)]
#[dynamo(transparent)]
struct Wrapped {
    #[dynamo(partition_key)]
    id: String,
}

// A newtype over a type that cannot be a key cannot be one either.
#[derive(DynamoValue, Clone)]
struct Flag(bool);

#[derive(DynamoItem)]
struct Toggle {
    #[dynamo(partition_key)]
    id: Flag,
}

fn main() {}
