use dynamap::DynamoValue;

#[derive(DynamoValue)]
enum Shape {
    Point,
    Circle { radius: f64 },
}

fn main() {}
