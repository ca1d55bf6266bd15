include!("../shared/order_types.rs");

async fn misuse(orders: TypedMapping<Order>, key: (String, u64)) {
    let f = Order::fields();
    let _ = orders.modify(&key).set(f.status, "paid").when(f.total_cents.eq("big")).await;
}

fn main() {}
