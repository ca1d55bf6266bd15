// Declaring an item's shapes: a version from 1, one older shape per earlier version,
// oldest first, not the type itself, stored under a name no field takes.
use dynamap::prelude::*;

#[derive(DynamoValue)]
struct NoteV1 {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(from(NoteV1)))]
struct NoVersion {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 0))]
struct VersionZero {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 3, from(NoteV1)))]
struct TooFewOlder {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 1, from(NoteV1)))]
struct FirstWithOlder {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 2, from(ItselfOlder)))]
struct ItselfOlder {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 1, attribute = "v"))]
struct Clash {
    #[dynamo(partition_key)]
    id: String,
    v: u32,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 1, attribute = "_wt"))]
struct WriteToken {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoValue)]
#[dynamo(shape(version = 1))]
struct NotAnItem {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 2, form(NoteV1)))]
struct Misspelled {
    #[dynamo(partition_key)]
    id: String,
}

fn main() {}
