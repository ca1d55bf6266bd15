//! dynamodb-toolbox 2.x: the entity attribute `_et`, timestamps `_ct`/`_md`, keys computed
//! from `toISOString()` times, attribute names in camelCase.

crate::design::shared_design! {
    entity_attribute: "_et",
    created: "_ct" as "created",
    modified: "_md" as "modified",
    extra: {},
}

#[tokio::test]
async fn toolbox_and_dynamap_read_query_and_update_each_others_items() {
    share_a_table_with("toolbox", &IN_RANGE, |answer| answer).await;
}
