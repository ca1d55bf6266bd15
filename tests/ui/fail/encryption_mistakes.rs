// Declaring encrypted and signed fields: what DynamoDB must read in plain text (keys,
// index keys, the time to live) is never encrypted, and what dynamap changes in place
// (the version, write times, a shape's upgrade) is never signed.
use dynamap::prelude::*;
use std::time::SystemTime;

#[derive(DynamoValue)]
struct Address {
    #[dynamo(encrypt)]
    street: String,
}

#[derive(DynamoItem)]
struct Keys {
    #[dynamo(partition_key, encrypt)]
    id: String,
    #[dynamo(encrypt, sign_only)]
    both: String,
    #[dynamo(gsi_partition_key = "by_email", encrypt)]
    email: String,
    #[dynamo(version, sign_only)]
    version: u32,
    #[dynamo(ttl, encrypt)]
    expires: Option<SystemTime>,
    #[dynamo(updated_at, sign_only)]
    updated: SystemTime,
    #[dynamo(unique, encrypt)]
    handle: String,
    #[dynamo(skip, encrypt)]
    cache: String,
}

#[derive(DynamoValue)]
struct Extra {
    note: String,
}

#[derive(DynamoItem)]
struct Flattened {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(flatten, encrypt)]
    extra: Extra,
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk", index(Gsi1, partition_key = "gsi1pk"))]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{id}", sk = "EMAIL#{email}", index(Gsi1, pk = "PHONE#{phone}"))]
struct User {
    id: String,
    #[dynamo(encrypt)]
    email: String,
    #[dynamo(encrypt)]
    phone: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, pk = "USER#{user}", sk = "PAYMENT#{id}", sum(User, into = "paid", of = amount, key(id = user)))]
struct Payment {
    user: String,
    id: String,
    #[dynamo(encrypt)]
    amount: u64,
}

#[derive(DynamoValue)]
struct NoteV1 {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(shape(version = 2, from(NoteV1)))]
struct Note {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(encrypt)]
    text: String,
}

impl From<NoteV1> for Note {
    fn from(v1: NoteV1) -> Note {
        Note { id: v1.id, text: String::new() }
    }
}

fn main() {}
