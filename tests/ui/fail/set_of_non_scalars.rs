use std::collections::HashSet;

use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Survey {
    #[dynamo(partition_key)]
    id: String,
    answers: HashSet<bool>,
}

fn main() {}
