//! `#[derive(DynamoPatch)]`: a partial update deserialized from JSON and applied in one
//! UpdateItem, leaving keys, versions and what it does not name alone.

use dynamap::prelude::*;
use dynamap::{DynamoTable, Table};
use dynamap_tests::{client, new_mapping, unique_table_name};
use futures::TryStreamExt;

#[derive(DynamoItem, DynamoPatch, Debug, Clone, PartialEq)]
struct Profile {
    #[dynamo(partition_key)]
    id: String,
    name: String,
    nickname: Option<String>,
    tags: Vec<String>,
    #[dynamo(no_patch)]
    logins: u32,
    #[dynamo(version)]
    version: u64,
}

fn ada() -> Profile {
    Profile {
        id: "u1".into(),
        name: "Ada".into(),
        nickname: Some("ada".into()),
        tags: vec!["math".into()],
        logins: 3,
        version: 0,
    }
}

#[tokio::test]
async fn a_patch_sets_what_it_gives_removes_what_it_nulls_and_keeps_the_rest() {
    let profiles = new_mapping::<Profile>("patch").await;
    profiles.insert(&ada()).await.unwrap();
    let inserted = profiles.get("u1").await.unwrap().unwrap().version;

    let body = r#"{"name": "Ada Lovelace", "nickname": null}"#;
    let patch: ProfilePatch = serde_json::from_str(body).unwrap();
    assert_eq!(patch.nickname, Some(None));
    assert_eq!(patch.tags, None);
    let stored = profiles
        .modify("u1")
        .patch(patch)
        .return_new()
        .await
        .unwrap();
    assert_eq!(
        stored,
        Profile {
            name: "Ada Lovelace".into(),
            nickname: None,
            version: inserted + 1,
            ..ada()
        }
    );
    let raw = dynamap_tests::stored(&profiles, &"u1".to_owned()).await;
    assert!(
        !raw.contains_key("nickname"),
        "null removes the attribute: {raw:?}"
    );

    let patch: ProfilePatch = serde_json::from_str(r#"{"nickname": "AL", "tags": []}"#).unwrap();
    let stored = profiles
        .modify("u1")
        .patch(patch)
        .return_new()
        .await
        .unwrap();
    assert_eq!(stored.nickname.as_deref(), Some("AL"));
    assert!(stored.tags.is_empty());
    assert_eq!((stored.logins, stored.name.as_str()), (3, "Ada Lovelace"));

    // With a condition, in the same UpdateItem: a stale version changes nothing.
    let f = Profile::fields();
    let patch = ProfilePatch {
        name: Some("Countess".into()),
        ..ProfilePatch::default()
    };
    let stale = profiles
        .modify("u1")
        .patch(patch)
        .when(f.version.eq(0))
        .await;
    assert!(
        matches!(stale, Err(dynamap::Error::ConditionFailed { .. })),
        "{stale:?}"
    );
    assert_eq!(
        profiles.get("u1").await.unwrap().unwrap().name,
        "Ada Lovelace"
    );

    // Keys, the version and `no_patch` fields are not part of a patch.
    for refused in [r#"{"id": "u2"}"#, r#"{"version": 9}"#, r#"{"logins": 0}"#] {
        assert!(
            serde_json::from_str::<ProfilePatch>(refused).is_err(),
            "{refused}"
        );
    }
    assert!(ProfilePatch::default().is_empty());
    assert!(!serde_json::from_str::<ProfilePatch>(r#"{"tags": ["a"]}"#)
        .unwrap()
        .is_empty());
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct Accounts;

#[derive(DynamoItem, DynamoPatch, Debug, Clone, PartialEq)]
#[dynamo(table = Accounts, entity = "Member", pk = "MEMBER#{id}", sk = "PROFILE",
         index(Gsi1, pk = "EMAIL#{email}", sk = "MEMBER"))]
struct Member {
    id: u32,
    email: String,
    name: String,
}

#[tokio::test]
async fn an_entitys_patch_leaves_its_key_alone_and_moves_its_index_keys() {
    let accounts = Table::<Accounts>::new(client().await, unique_table_name("patch-entity"));
    accounts.create_table().await.unwrap();
    let members = accounts.entity::<Member>();
    members
        .insert(&Member {
            id: 7,
            email: "ada@example.com".into(),
            name: "Ada".into(),
        })
        .await
        .unwrap();
    // `id` is in the primary key's template: not a field of the patch.
    assert!(serde_json::from_str::<MemberPatch>(r#"{"id": 8}"#).is_err());
    let patch: MemberPatch = serde_json::from_str(r#"{"email": "countess@example.com"}"#).unwrap();
    members.modify(&7).patch(patch).await.unwrap();
    let found: Vec<Member> = members
        .query_index::<Gsi1>("countess@example.com")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Ada");
    assert!(members
        .query_index::<Gsi1>("ada@example.com")
        .first()
        .await
        .unwrap()
        .is_none());
}
