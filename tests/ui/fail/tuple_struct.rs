use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct UserId(String);

fn main() {}
