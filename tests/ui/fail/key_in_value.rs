use dynamap::DynamoValue;

#[derive(DynamoValue)]
struct Address {
    #[dynamo(partition_key)]
    street: String,
}

fn main() {}
