use dynamap::{DynamoItem, DynamoTable, DynamoValue};

// `unique` on a value type, a key field, a skipped field; `per` naming the field itself,
// no field, a skipped field, one field twice; an unknown option.
#[derive(DynamoValue)]
struct Address {
    #[dynamo(unique)]
    street: String,
}

#[derive(DynamoItem)]
struct Account {
    #[dynamo(partition_key, unique)]
    id: String,
    #[dynamo(skip, unique)]
    cache: String,
    #[dynamo(unique(per(email)))]
    email: String,
    #[dynamo(unique(per(tenant, cache, region, region)))]
    handle: String,
    #[dynamo(unique(among(region)))]
    phone: String,
    region: String,
}

// A field of an entity's key template is unique already.
#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
struct User {
    #[dynamo(unique)]
    id: String,
}

fn main() {}
