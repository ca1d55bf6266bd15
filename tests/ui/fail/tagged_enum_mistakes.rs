use dynamap::DynamoValue;

// Units only: stored as a string, no tag to write.
#[derive(DynamoValue)]
#[dynamo(tag = "kind")]
enum Status {
    Open,
    Closed,
}

// `content` says where the data goes under a tag; without a tag it means nothing.
#[derive(DynamoValue)]
#[dynamo(content = "c")]
enum Color {
    Red,
}

// Internally tagged: a variant's fields sit beside the tag, so they need names.
#[derive(DynamoValue)]
#[dynamo(tag = "kind")]
enum Shape {
    Circle(f64),
    Square { side: f64, kind: String },
}

fn main() {}
