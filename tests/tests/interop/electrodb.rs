//! ElectroDB 3.x: its entity attribute `__edb_e__` (the table's entity attribute) and its
//! version `__edb_v__` (a string field of dynamap's types), `createdAt`/`updatedAt` kept
//! by attribute defaults and `watch: "*"`, keys from templates with `casing: "none"`.

crate::design::shared_design! {
    entity_attribute: "__edb_e__",
    created: "createdAt" as "createdAt",
    modified: "updatedAt" as "updatedAt",
    extra: { edb_version as "__edb_v__" = "1" },
}

#[tokio::test]
async fn electrodb_and_dynamap_read_query_and_update_each_others_items() {
    // ElectroDB's `between({placedAt: low}, {placedAt: high})` is the key range
    // `ORDER#low` to `ORDER#high`, which `ORDER#high#o4` is past: for its own items too.
    share_a_table_with("electrodb", &[LOW, LOW + 1, HIGH - 1], |answer| {
        // Its collection answer is grouped by entity: here in sort-key order, orders
        // first.
        let mut all = answer["Order"].as_array().expect("orders").clone();
        all.extend(answer["User"].as_array().expect("the user").iter().cloned());
        Value::Array(all)
    })
    .await;
}
