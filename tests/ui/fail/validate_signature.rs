use dynamap::DynamoItem;

fn positive(n: &i64) -> Result<(), String> {
    (*n > 0).then_some(()).ok_or_else(|| "not positive".into())
}

// A validator of another type than the field's.
#[derive(DynamoItem)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(validate = "positive")]
    name: String,
}

fn main() {}
