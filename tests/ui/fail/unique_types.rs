use dynamap::DynamoItem;

// A unique value (or its scope) is a string, number or bytes, optionally in an Option;
// and its guard items need a table keyed by strings.
#[derive(DynamoItem)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    tags: Vec<String>,
    #[dynamo(unique(per(active)))]
    email: String,
    active: bool,
}

#[derive(DynamoItem)]
struct Ticket {
    #[dynamo(partition_key)]
    number: u64,
    #[dynamo(unique)]
    code: String,
}

fn main() {}
