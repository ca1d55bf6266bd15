include!("../shared/order_types.rs");

async fn misuse(orders: TypedMapping<Order>, key: (String, u64)) {
    let f = Order::fields();
    let u = User::fields();
    let _ = orders.modify(&key).set(u.name, "x").await;
    let _ = orders.modify(&key).set(f.status, "x").when(u.name.eq("x")).await;
}

fn main() {}
