// `is_in` takes values of the attribute's type, two attributes compare only when their
// types agree and they belong to one item, and `remove_at` needs a list.
include!("../shared/order_types.rs");

#[derive(DynamoItem)]
struct Other {
    #[dynamo(partition_key)]
    id: String,
    total_cents: i64,
}

fn misuse(orders: TypedMapping<Order>, key: (String, u64)) {
    let f = Order::fields();
    let _ = f.total_cents.is_in(["big", "small"]);
    let _ = f.total_cents.lt_path(&f.customer);
    let _ = f.total_cents.lt_path(&Other::fields().total_cents);
    let _ = orders.modify(&key).remove_at(f.status, 0);
}

fn main() {}
