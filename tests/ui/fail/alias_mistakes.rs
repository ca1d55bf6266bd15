use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key, alias = "userId")]
    id: String,
    #[dynamo(alias = "nick")]
    name: String,
    nick: String,
    #[dynamo(default = "no such thing!")]
    plan: String,
}

fn main() {}
