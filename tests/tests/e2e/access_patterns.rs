//! The shapes of published designs (#33), each against a Rust-side oracle: an inverted
//! index over the table's own key attributes (many-to-many), ...

use std::collections::BTreeSet;

use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, unique_table_name};

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Inverted, partition_key = "sk", sort_key = "pk")
)]
struct Social;

/// A follows B: read from A's side by the table, from B's side by the inverted index,
/// which stores in `sk` and `pk` exactly what the table does (the derive refuses other
/// templates, which would overwrite the item's key).
#[derive(DynamoItem, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[dynamo(
    table = Social,
    entity = "Follow",
    pk = "USER#{follower}",
    sk = "FOLLOWS#{followed}",
    index(Inverted, pk = "FOLLOWS#{followed}", sk = "USER#{follower}")
)]
struct Follow {
    follower: String,
    followed: String,
}

fn follows() -> Vec<Follow> {
    let users = ["ada", "bob", "cy", "dee", "eve"];
    let mut out = Vec::new();
    for (i, follower) in users.iter().enumerate() {
        for (j, followed) in users.iter().enumerate() {
            if i != j && (i + j) % 3 != 0 {
                out.push(Follow {
                    follower: (*follower).to_owned(),
                    followed: (*followed).to_owned(),
                });
            }
        }
    }
    out
}

#[tokio::test]
async fn an_inverted_index_reads_a_many_to_many_relation_from_both_sides() {
    let social = Table::<Social>::new(client().await, unique_table_name("inverted"));
    social.create_table().await.unwrap();
    let edges = social.entity::<Follow>();
    dynamap_tests::insert_all(&edges, follows()).await;
    for user in ["ada", "bob", "cy", "dee", "eve"] {
        let following: BTreeSet<Follow> = edges.query(user).stream().try_collect().await.unwrap();
        let expected: BTreeSet<Follow> = follows()
            .into_iter()
            .filter(|f| f.follower == user)
            .collect();
        assert_eq!(following, expected, "{user} follows");
        let followers: Vec<Follow> = edges
            .query_index::<Inverted>(user)
            .stream()
            .try_collect()
            .await
            .unwrap();
        let mut expected: Vec<Follow> = follows()
            .into_iter()
            .filter(|f| f.followed == user)
            .collect();
        expected.sort_by(|a, b| a.follower.cmp(&b.follower));
        assert_eq!(
            followers, expected,
            "{user}'s followers, in the index's sort order"
        );
    }
    // The item is still found by its own key: the index key did not overwrite it.
    let one = &follows()[0];
    assert_eq!(
        edges
            .get(&(one.follower.as_str(), one.followed.as_str()))
            .await
            .unwrap(),
        Some(one.clone())
    );
}
