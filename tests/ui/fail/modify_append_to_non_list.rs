include!("../shared/order_types.rs");

async fn misuse(orders: TypedMapping<Order>, key: (String, u64)) {
    let f = Order::fields();
    let _ = orders.modify(&key).append(f.tags, ["x"]).await;
    let _ = orders.modify(&key).append(f.avatar, [1u8]).await;
}

fn main() {}
