include!("../shared/order_types.rs");

async fn misuse(orders: TypedMapping<Order>, key: (String, u64)) {
    let f = Order::fields();
    let _ = orders.modify(&key).add(f.status, 1).await;
}

fn main() {}
