use dynamap::DynamoItem;

struct Money {
    cents: i64,
}

#[derive(DynamoItem)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    balance: Money,
}

fn main() {}
