//! Simple and composite keys of every key type; missing keys; empty keys.

use dynamap::{value::ScalarType, DynamoItem, Error};
use dynamap_tests::new_mapping;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    order_id: u64,
    total_cents: i64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Reading {
    #[dynamo(partition_key)]
    sensor: i64,
    #[dynamo(sort_key)]
    fingerprint: Vec<u8>,
    value: f64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Blob {
    #[dynamo(partition_key)]
    digest: Vec<u8>,
    #[dynamo(sort_key)]
    version: i128,
}

/// Key attributes named with reserved words, a dot, a dash and a space.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Odd {
    #[dynamo(partition_key, rename = "name")]
    pk: String,
    #[dynamo(sort_key, rename = "my.sort-key value")]
    sk: String,
    #[dynamo(rename = "status")]
    state: String,
}

#[test]
fn key_schemas_follow_the_fields() {
    assert_eq!(Order::KEY_SCHEMA.partition_key.name, "customer");
    assert_eq!(
        Order::KEY_SCHEMA.sort_key.map(|k| k.scalar_type),
        Some(ScalarType::Number)
    );
    assert_eq!(
        Reading::KEY_SCHEMA.sort_key.map(|k| k.scalar_type),
        Some(ScalarType::Binary)
    );
    assert_eq!(
        Odd::KEY_SCHEMA.sort_key.map(|k| k.name),
        Some("my.sort-key value")
    );
}

#[tokio::test]
async fn composite_string_and_number_keys() {
    let orders = new_mapping::<Order>("orders").await;
    for order_id in 1..=3 {
        let order = Order {
            customer: "alice".into(),
            order_id,
            total_cents: order_id as i64 * 100,
        };
        orders.insert(&order).await.unwrap();
    }
    let second = orders
        .get(&("alice".to_string(), 2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.total_cents, 200);
    assert_eq!(second.key(), ("alice".to_string(), 2));
    assert!(orders
        .contains_key(&("alice".to_string(), 3))
        .await
        .unwrap());
    assert!(!orders
        .contains_key(&("alice".to_string(), 4))
        .await
        .unwrap());
    assert!(!orders.contains_key(&("bob".to_string(), 1)).await.unwrap());
    assert_eq!(
        orders.remove(&("alice".to_string(), 2)).await.unwrap(),
        Some(second)
    );
    assert_eq!(orders.get(&("alice".to_string(), 2)).await.unwrap(), None);
    assert_eq!(orders.count().await.unwrap(), 2);
}

#[tokio::test]
async fn integer_and_binary_keys() {
    let readings = new_mapping::<Reading>("readings").await;
    let r = Reading {
        sensor: -42,
        fingerprint: vec![0, 0xff, 7],
        value: 21.5,
    };
    readings.insert(&r).await.unwrap();
    assert_eq!(
        readings.get(&(-42, vec![0, 0xff, 7])).await.unwrap(),
        Some(r.clone())
    );
    assert_eq!(readings.get(&(-42, vec![0, 0xff])).await.unwrap(), None);

    let blobs = new_mapping::<Blob>("blobs").await;
    let b = Blob {
        digest: vec![1; 32],
        version: -99_999_999_999_999_999_999_999_999_999_999_999_999,
    };
    blobs.insert(&b).await.unwrap();
    assert_eq!(
        blobs.get(&b.key()).consistent_read(true).await.unwrap(),
        Some(b)
    );
}

#[tokio::test]
async fn unicode_key_values() {
    let orders = new_mapping::<Order>("unicode").await;
    let order = Order {
        customer: "Zoë-ключ-🦀-東京".into(),
        order_id: 0,
        total_cents: 1,
    };
    orders.insert(&order).await.unwrap();
    assert_eq!(orders.get(&order.key()).await.unwrap(), Some(order.clone()));
    assert_eq!(
        orders
            .get(&("Zoe-ключ-🦀-東京".to_string(), 0))
            .await
            .unwrap(),
        None
    );
    assert_eq!(orders.remove(&order.key()).await.unwrap(), Some(order));
}

#[tokio::test]
async fn removing_or_reading_a_missing_key_is_none() {
    let orders = new_mapping::<Order>("missing").await;
    assert_eq!(
        orders.remove(&("nobody".to_string(), 1)).await.unwrap(),
        None
    );
    assert_eq!(orders.get(&("nobody".to_string(), 1)).await.unwrap(), None);
    assert!(!orders
        .contains_key(&("nobody".to_string(), 1))
        .await
        .unwrap());
}

#[tokio::test]
async fn reserved_and_odd_key_names_work() {
    let odd = new_mapping::<Odd>("odd").await;
    let item = Odd {
        pk: "p".into(),
        sk: "s".into(),
        state: "ok".into(),
    };
    odd.insert(&item).await.unwrap();
    assert!(odd.contains_key(&item.key()).await.unwrap());
    assert_eq!(odd.get(&item.key()).await.unwrap(), Some(item.clone()));
    assert_eq!(odd.remove(&item.key()).await.unwrap(), Some(item));
}

#[tokio::test]
async fn empty_keys_are_refused_before_sending() {
    let orders = new_mapping::<Order>("empty").await;
    let err = orders.get(&(String::new(), 1)).await.unwrap_err();
    match &err {
        Error::Conversion(e) => assert_eq!(e.attribute(), "customer"),
        other => panic!("expected a conversion error, got {other:?}"),
    }
    let order = Order {
        customer: String::new(),
        order_id: 1,
        total_cents: 0,
    };
    let err = orders.insert(&order).await.unwrap_err();
    assert!(
        err.to_string().contains("`customer`") && err.to_string().contains("non-empty"),
        "{err}"
    );

    let blobs = new_mapping::<Blob>("empty-b").await;
    let err = blobs
        .insert(&Blob {
            digest: vec![],
            version: 1,
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`digest`"), "{err}");
}

#[tokio::test]
async fn keys_can_be_given_as_borrowed_parts() {
    let orders = new_mapping::<Order>("borrowed").await;
    let order = Order {
        customer: "alice".into(),
        order_id: 7,
        total_cents: 5,
    };
    orders.insert(&order).await.unwrap();
    // No String to build: parts are borrowed, integer literals take the key's type.
    assert_eq!(
        orders.get(&("alice", 7)).await.unwrap(),
        Some(order.clone())
    );
    assert!(orders.contains_key(&("alice", 7)).await.unwrap());
    let f = Order::fields();
    orders
        .modify(&("alice", 7))
        .add(f.total_cents, 1)
        .await
        .unwrap();
    let updated = orders
        .update_with(&("alice", 7), |o| o.total_cents *= 2)
        .await
        .unwrap();
    assert_eq!(updated.total_cents, 12);
    let err = orders.get(&("", 7)).await.unwrap_err();
    assert!(err.to_string().contains("`customer`"), "{err}");
    assert_eq!(
        orders
            .remove(&("alice", 7))
            .await
            .unwrap()
            .map(|o| o.total_cents),
        Some(12)
    );

    let readings = new_mapping::<Reading>("borrowed-bytes").await;
    let r = Reading {
        sensor: 3,
        fingerprint: vec![9, 9],
        value: 1.5,
    };
    readings.insert(&r).await.unwrap();
    let fingerprint: &[u8] = &[9, 9];
    assert_eq!(readings.get(&(3, fingerprint)).await.unwrap(), Some(r));

    let odd = new_mapping::<Odd>("borrowed-simple").await;
    let item = Odd {
        pk: "p".into(),
        sk: "s".into(),
        state: "x".into(),
    };
    odd.insert(&item).await.unwrap();
    assert!(odd.contains_key(&("p", "s")).await.unwrap());
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Tag {
    #[dynamo(partition_key)]
    name: String,
}

#[tokio::test]
async fn a_one_attribute_key_can_be_a_str() {
    let tags = new_mapping::<Tag>("str-key").await;
    tags.insert(&Tag {
        name: "rust".into(),
    })
    .await
    .unwrap();
    assert_eq!(
        tags.get("rust").await.unwrap(),
        Some(Tag {
            name: "rust".into()
        })
    );
    assert!(tags.contains_key("rust").await.unwrap());
    assert!(!tags.contains_key("go").await.unwrap());
    assert!(tags.remove("rust").await.unwrap().is_some());
}
