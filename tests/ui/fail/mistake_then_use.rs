// A mistake in the derive is reported once: code that uses the type compiles against
// a fallback impl instead of adding "trait not implemented" errors of its own.
use dynamap::prelude::*;

#[derive(DynamoItem, Clone)]
struct User {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(partition_key)]
    email: String,
    name: String,
}

#[derive(DynamoValue)]
struct Tuple(u32, u32);

#[derive(DynamoItem)]
struct Holder {
    #[dynamo(partition_key)]
    id: String,
    inner: Tuple,
}

async fn use_it(users: TypedMapping<User>) -> dynamap::Result<()> {
    let f = User::fields();
    let _ = users.get("u1").await?;
    users.modify("u1").set(f.name, "Ada").when(f.name.exists()).await?;
    let _: Vec<User> = users.get_many(vec!["u2".to_string()]).await?;
    Ok(())
}

fn main() {
    let _ = use_it;
}
