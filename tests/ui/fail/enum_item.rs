use dynamap::DynamoItem;

#[derive(DynamoItem)]
enum Status {
    Active,
    Closed,
}

fn main() {}
