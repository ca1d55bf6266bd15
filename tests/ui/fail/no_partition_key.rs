use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    id: String,
    name: String,
}

fn main() {}
