//! DynamoDB's 400 KB item limit, checked before sending: for each attribute type an
//! item of exactly 409,600 bytes is stored, one byte more is refused by dynamap before
//! sending and by the server when sent anyway. The expected sizes are written out by
//! hand from the rules (not computed by `item_size`), and the server has the last word.

use std::collections::{HashMap, HashSet};

use dynamap::{value::MAX_ITEM_SIZE, DynamoItem, DynamoValue, Error, TypedMapping};
use dynamap_tests::new_mapping;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Doc {
    #[dynamo(partition_key)]
    id: String,
    body: String,
    pages: Vec<String>,
}

#[tokio::test]
async fn an_item_over_400_kb_fails_before_sending_with_its_size() {
    let docs = new_mapping::<Doc>("large").await;
    let doc = Doc {
        id: "big".into(),
        body: "x".repeat(MAX_ITEM_SIZE),
        pages: vec![],
    };
    match docs.insert(&doc).await.unwrap_err() {
        Error::ItemTooLarge { size, limit } => {
            // "id" + "big" + "body" + 409,600 + "pages" + an empty list (3 bytes)
            assert_eq!(size, Some(2 + 3 + 4 + MAX_ITEM_SIZE + 5 + 3));
            assert_eq!(limit, 409_600);
        }
        other => panic!("expected ItemTooLarge, got {other:?}"),
    }
    let message = docs.insert(&doc).await.unwrap_err().to_string();
    assert!(message.contains("409617 bytes"), "{message}");
    assert_eq!(docs.count().await.unwrap(), 0);
}

#[tokio::test]
async fn an_item_just_under_the_limit_is_stored() {
    let docs = new_mapping::<Doc>("under").await;
    // Spread over a list so list overheads are counted too.
    let page = "y".repeat(1000);
    let doc = Doc {
        id: "fits".into(),
        body: "z".repeat(5000),
        pages: vec![page; 400],
    };
    let size = dynamap::value::item_size(&doc.to_item().unwrap());
    assert!(size > 400_000 && size <= MAX_ITEM_SIZE, "{size}");
    docs.insert(&doc).await.unwrap();
    assert_eq!(docs.get(&"fits".to_string()).await.unwrap(), Some(doc));
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Inner {
    a: i64,
    b: String,
}

/// Stores an item of `value_size` bytes of attribute `v` padded to exactly the limit,
/// then one byte over: dynamap refuses that before sending, and so does the server when
/// it is sent anyway (raw SDK call).
async fn exactly_at_the_limit<V>(prefix: &str, value: V, value_size: usize)
where
    V: DynamoValue + Clone + PartialEq + std::fmt::Debug + Send + Sync + 'static,
{
    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Probe<V: DynamoValue> {
        #[dynamo(partition_key)]
        id: String,
        v: V,
        pad: String,
    }
    let table: TypedMapping<Probe<V>> = new_mapping(prefix).await;
    // "id" + "x" + "v" + the value + "pad" + the padding
    let fixed = 2 + 1 + 1 + value_size + 3;
    let at = Probe {
        id: "x".into(),
        v: value,
        pad: "p".repeat(MAX_ITEM_SIZE - fixed),
    };
    table
        .insert(&at)
        .await
        .unwrap_or_else(|e| panic!("{prefix}: {e}"));
    assert_eq!(
        table.get("x").await.unwrap().as_ref(),
        Some(&at),
        "{prefix}"
    );

    let mut over = at.clone();
    over.id = "y".into();
    over.pad.push('p');
    match table.insert(&over).await {
        Err(Error::ItemTooLarge { size, .. }) => {
            assert_eq!(size, Some(MAX_ITEM_SIZE + 1), "{prefix}")
        }
        other => panic!("{prefix}: expected ItemTooLarge, got {other:?}"),
    }
    let raw = table
        .client()
        .put_item()
        .table_name(table.table_name())
        .set_item(Some(over.to_item().unwrap()))
        .send()
        .await
        .map_err(|e| Error::from_sdk("PutItem", table.table_name(), e));
    assert!(
        matches!(raw, Err(Error::ItemTooLarge { size: None, .. })),
        "{prefix}: the server took an item one byte over: {raw:?}"
    );
    assert!(!table.contains_key("y").await.unwrap(), "{prefix}");
}

#[tokio::test]
async fn a_string_at_the_limit() {
    exactly_at_the_limit("lim-s", "héllo".to_string(), 6).await;
}

#[tokio::test]
async fn numbers_at_the_limit() {
    // Base 100 from the decimal point, one exponent byte, one more when negative.
    exactly_at_the_limit("lim-n1", 1_i64, 2).await;
    exactly_at_the_limit("lim-n2", 101_i64, 3).await;
    exactly_at_the_limit("lim-n3", -123_456_789_i64, 7).await;
    exactly_at_the_limit("lim-n4", 1.25_f64, 3).await;
    exactly_at_the_limit("lim-n5", 0_u32, 1).await;
    exactly_at_the_limit("lim-n6", u64::MAX, 11).await; // 18446744073709551615: 01 84 ... 15
}

#[tokio::test]
async fn binary_and_booleans_at_the_limit() {
    exactly_at_the_limit("lim-b", (0..10_u8).collect::<Vec<u8>>(), 10).await;
    exactly_at_the_limit("lim-bool", true, 1).await;
}

#[tokio::test]
async fn a_list_of_2000_numbers_at_the_limit() {
    // 3 + 2,000 × (1 + 3): 1234 is `12 34` plus the exponent byte.
    exactly_at_the_limit("lim-l", vec![1234_i64; 2000], 3 + 2000 * 4).await;
}

#[tokio::test]
async fn a_number_set_of_2000_at_the_limit() {
    // 1,000,001 + 10k: seven digits ending in 1, `01 00 00 x1`, 5 bytes each; no overhead.
    let set: HashSet<i64> = (0..2000).map(|k| 1_000_001 + 10 * k).collect();
    exactly_at_the_limit("lim-ns", set, 2000 * 5).await;
}

#[tokio::test]
async fn a_string_set_at_the_limit() {
    let set: HashSet<String> = (0..100).map(|k| format!("s{k:04}")).collect();
    exactly_at_the_limit("lim-ss", set, 100 * 5).await;
}

#[tokio::test]
async fn a_map_of_2000_numbers_at_the_limit() {
    // 3 + 2,000 × (1 + a 5-byte key + 7 as 2 bytes)
    let map: HashMap<String, i64> = (0..2000).map(|k| (format!("k{k:04}"), 7)).collect();
    exactly_at_the_limit("lim-m", map, 3 + 2000 * 8).await;
}

#[tokio::test]
async fn a_list_of_maps_at_the_limit() {
    // 3 + 500 × (1 + a map: 3 + (1 + "a" + 12345 as 4) + (1 + "b" + "xyz"))
    let inner = Inner {
        a: 12_345,
        b: "xyz".into(),
    };
    exactly_at_the_limit("lim-lm", vec![inner; 500], 3 + 500 * (1 + 3 + 6 + 5)).await;
}

#[tokio::test]
async fn an_update_that_would_grow_an_item_over_the_limit_is_item_too_large() {
    let docs = new_mapping::<Doc>("grow").await;
    let doc = Doc {
        id: "g".into(),
        body: "b".repeat(300_000),
        pages: vec![],
    };
    docs.insert(&doc).await.unwrap();
    // Only the table knows the stored item: the server refuses, and says why.
    let err = docs
        .modify("g")
        .append(Doc::fields().pages, ["p".repeat(200_000)])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ItemTooLarge {
                size: None,
                limit: 409_600
            }
        ),
        "{err:?}"
    );
    assert_eq!(docs.get("g").await.unwrap(), Some(doc));
}
