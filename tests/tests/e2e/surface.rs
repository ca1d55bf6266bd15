//! Public calls that no other end-to-end test makes, each checked against what the
//! server then holds: billing modes, transaction puts with conditions, if_absent,
//! composed conditions, pages with limits, `get_many` options, `Modify::expressions`,
//! and numbers read through the untyped `Mapping`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use dynamap::prelude::*;
use dynamap::{document::Number, document::Value, schema::Billing, Error, Mapping};
use dynamap_tests::{client, new_mapping, unique_table_name};
use futures::TryStreamExt;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Plan {
    #[dynamo(partition_key)]
    id: String,
    tier: String,
    seats: u32,
}

fn plan(id: &str, tier: &str, seats: u32) -> Plan {
    Plan {
        id: id.into(),
        tier: tier.into(),
        seats,
    }
}

#[tokio::test]
async fn create_table_billing_sets_the_mode() {
    let mapping = TypedMapping::<Plan>::new(client().await, unique_table_name("billing"));
    mapping
        .create_table()
        .billing(Billing::Provisioned { read: 4, write: 2 })
        .await
        .unwrap();
    let description = mapping.describe_table().await.unwrap();
    let throughput = description.provisioned_throughput.unwrap();
    assert_eq!(
        (
            throughput.read_capacity_units,
            throughput.write_capacity_units
        ),
        (Some(4), Some(2))
    );
    let on_demand = TypedMapping::<Plan>::new(client().await, unique_table_name("billing-od"));
    on_demand
        .create_table()
        .billing(Billing::OnDemand)
        .await
        .unwrap();
    let mode = on_demand
        .describe_table()
        .await
        .unwrap()
        .billing_mode_summary
        .and_then(|s| s.billing_mode);
    assert_eq!(
        mode,
        Some(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
    );
}

#[tokio::test]
async fn transaction_put_when_applies_only_when_its_condition_holds() {
    let plans = new_mapping::<Plan>("tx-put-when").await;
    let f = Plan::fields();
    plans.insert(&plan("p", "free", 1)).await.unwrap();
    dynamap::transaction(plans.client())
        .put_when(&plans, &plan("p", "pro", 5), f.tier.eq("free"))
        .await
        .unwrap();
    assert_eq!(plans.get("p").await.unwrap(), Some(plan("p", "pro", 5)));
    let err = dynamap::transaction(plans.client())
        .put_when(&plans, &plan("p", "team", 9), f.tier.eq("free"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TransactionCancelled { .. }), "{err:?}");
    assert_eq!(plans.get("p").await.unwrap(), Some(plan("p", "pro", 5)));
}

#[tokio::test]
async fn insert_if_absent_on_the_builder() {
    let plans = new_mapping::<Plan>("if-absent").await;
    plans
        .insert(&plan("a", "free", 1))
        .if_absent(true)
        .await
        .unwrap();
    let err = plans
        .insert(&plan("a", "pro", 2))
        .if_absent(true)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
    assert_eq!(plans.get("a").await.unwrap(), Some(plan("a", "free", 1)));
}

#[tokio::test]
async fn composed_conditions_filter_and_guard_as_written() {
    let plans = new_mapping::<Plan>("and-or-not").await;
    for (id, tier, seats) in [
        ("a", "free", 1),
        ("b", "pro", 5),
        ("c", "pro", 50),
        ("d", "team", 20),
    ] {
        plans.insert(&plan(id, tier, seats)).await.unwrap();
    }
    let f = Plan::fields();
    let wanted = f
        .tier
        .eq("pro")
        .and(f.seats.gt(10))
        .or(f.tier.eq("team"))
        .and(f.tier.eq("free").not());
    let mut ids: Vec<String> = plans
        .scan()
        .filter(wanted)
        .stream()
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .unwrap();
    ids.sort();
    assert_eq!(ids, ["c", "d"]);
    // The same composition guards a write.
    plans
        .modify("b")
        .set(f.seats, 6)
        .when(
            f.tier
                .eq("team")
                .or(f.seats.lt(10))
                .and(f.tier.eq("free").not()),
        )
        .await
        .unwrap();
    assert_eq!(plans.get("b").await.unwrap().unwrap().seats, 6);
    let err = plans
        .modify("a")
        .set(f.seats, 2)
        .when(f.tier.eq("free").not())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ConditionFailed { .. }), "{err:?}");
}

#[tokio::test]
async fn modify_expressions_are_what_is_sent() {
    let plans = new_mapping::<Plan>("expressions").await;
    plans.insert(&plan("a", "free", 1)).await.unwrap();
    let f = Plan::fields();
    let modify = plans.modify("a").add(f.seats, 2).when(f.tier.eq("free"));
    let (update, condition) = modify.expressions().unwrap();
    assert!(update.text.contains("if_not_exists"), "{}", update.text);
    assert!(condition.is_some());
    modify.await.unwrap();
    assert_eq!(plans.get("a").await.unwrap().unwrap().seats, 3);
}

#[tokio::test]
async fn pages_with_a_limit_end_on_an_exact_count_and_resume_after_it() {
    let plans = new_mapping::<Plan>("pages-limit").await;
    plans
        .insert_many((0..40).map(|i| plan(&format!("p{i:02}"), "free", i)))
        .await
        .unwrap();
    let pages: Vec<dynamap::reads::Page<Plan>> = plans
        .scan()
        .page_size(7)
        .limit(17)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
    assert_eq!(sizes, [7, 7, 3]);
    let token = pages.last().unwrap().next_token().cloned().unwrap();
    let rest: Vec<Plan> = plans
        .scan()
        .start_from(token)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        17 + rest.len(),
        40,
        "the token resumes right after the 17th item"
    );
}

#[tokio::test]
async fn get_many_options_are_honoured() {
    let plans = new_mapping::<Plan>("get-many-options").await;
    let all: Vec<Plan> = (0..250)
        .map(|i| plan(&format!("p{i}"), "free", i))
        .collect();
    plans.insert_many(all.clone()).await.unwrap();
    let progress = Arc::new(AtomicU64::new(0));
    let seen = progress.clone();
    let batches = Arc::new(AtomicU64::new(0));
    let seen_batches = batches.clone();
    let keys: Vec<String> = all.iter().map(|p| p.id.clone()).collect();
    let back = plans
        .get_many(keys)
        .consistent_read(true)
        .concurrency(2)
        .max_attempts(3)
        .on_progress(move |p| {
            seen.store(p.done, Ordering::SeqCst);
            seen_batches.store(p.batches, Ordering::SeqCst);
        })
        .await
        .unwrap();
    assert_eq!(back, all, "request order, every item");
    assert_eq!(progress.load(Ordering::SeqCst), 250);
    assert_eq!(
        batches.load(Ordering::SeqCst),
        3,
        "250 keys in batches of 100"
    );
}

#[tokio::test]
async fn numbers_read_through_the_untyped_mapping() {
    let plans = new_mapping::<Plan>("document-numbers").await;
    plans.insert(&plan("n", "free", 42)).await.unwrap();
    let mapping = Mapping::open(plans.client().clone(), plans.table_name())
        .await
        .unwrap();
    let doc = mapping.get("n").await.unwrap().unwrap();
    let seats = doc["seats"].as_number().unwrap();
    assert_eq!(seats.as_i64(), Some(42));
    assert_eq!(seats.as_u64(), Some(42));
    assert_eq!(seats.as_f64(), Some(42.0));
    let fields = doc.into_inner();
    assert_eq!(fields["tier"], Value::S("free".into()));
    assert_eq!(Number::from_f64(2.5).unwrap().as_f64(), Some(2.5));
    assert_eq!(Number::from_f64(f64::NAN), None);
}

#[tokio::test]
async fn connect_with_session_credentials_straight_to_a_mapping() {
    let plans = new_mapping::<Plan>("connect-session").await;
    plans.insert(&plan("s", "free", 1)).await.unwrap();
    let again: TypedMapping<Plan> = dynamap::connect()
        .session_credentials("AKIDLOCAL", "secretlocal", "sessiontokenlocal")
        .endpoint_url(dynamap_tests::endpoint())
        .region("us-east-1")
        .mapping(plans.table_name())
        .await
        .unwrap();
    assert_eq!(again.get("s").await.unwrap(), Some(plan("s", "free", 1)));
}
