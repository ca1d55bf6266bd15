// A patch holds only what a partial update may change: no key, no version, no field of
// an entity's primary key, nothing marked `no_patch`.
use dynamap::prelude::*;

#[derive(DynamoItem, DynamoPatch)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    name: String,
    #[dynamo(no_patch)]
    balance: u64,
    #[dynamo(version)]
    version: u64,
}

#[derive(DynamoValue, DynamoPatch)]
enum Colour {
    Red,
}

fn misuse() {
    let _ = AccountPatch { id: Some("a2".into()), ..AccountPatch::default() };
    let _ = AccountPatch { balance: Some(0), ..AccountPatch::default() };
    let _ = AccountPatch { version: Some(2), ..AccountPatch::default() };
    let _ = AccountPatch { name: Some("ok".into()), ..AccountPatch::default() };
}

fn main() {}
