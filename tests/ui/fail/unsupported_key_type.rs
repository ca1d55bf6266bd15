use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct Flag {
    #[dynamo(partition_key)]
    enabled: bool,
}

#[derive(DynamoItem)]
struct Measurement {
    #[dynamo(partition_key)]
    sensor: String,
    #[dynamo(sort_key)]
    value: f64,
}

fn main() {}
