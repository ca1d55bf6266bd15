// Each older shape is read from stored items and upgraded to the next with `From`.
use dynamap::prelude::*;

#[derive(DynamoValue)]
struct NoteV1 {
    id: String,
    text: String,
}

/// Not read from items: no derive.
struct NoteV2 {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 2, from(NoteV1)))]
struct NoUpgrade {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 3, from(NoteV1, NoteV2)))]
struct Undecodable {
    #[dynamo(partition_key)]
    id: String,
}

impl From<NoteV1> for NoteV2 {
    fn from(v1: NoteV1) -> NoteV2 {
        NoteV2 { id: v1.id }
    }
}

impl From<NoteV2> for Undecodable {
    fn from(v2: NoteV2) -> Undecodable {
        Undecodable { id: v2.id }
    }
}

fn main() {}
