// Hiding expired items needs a time to live: on the type, and on a read.
use dynamap::prelude::*;

#[derive(DynamoItem)]
#[dynamo(hide_expired)]
struct Draft {
    #[dynamo(partition_key)]
    id: String,
}

#[derive(DynamoItem)]
struct Note {
    #[dynamo(partition_key)]
    id: String,
}

fn misuse(notes: TypedMapping<Note>) {
    let _ = notes.get("n1").hide_expired(true);
    let _ = notes.scan().hide_expired(true);
}

fn main() {}
