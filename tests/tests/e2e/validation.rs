//! Validators (`#[dynamo(validate = "path")]`, #34 item 4): every write path runs them
//! before sending, and a refusal is `Error::Invalid` naming the field, with nothing
//! written.

use dynamap::prelude::*;
use dynamap::Error;
use dynamap_tests::{client, new_mapping};

fn email(value: &str) -> Result<(), String> {
    match value.split_once('@') {
        Some((name, domain)) if !name.is_empty() && domain.contains('.') => Ok(()),
        _ => Err(format!("`{value}` is not name@domain")),
    }
}

fn at_most_three(tags: &[String]) -> Result<(), &'static str> {
    if tags.len() <= 3 {
        Ok(())
    } else {
        Err("at most 3 tags")
    }
}

fn nickname(value: &Option<String>) -> Result<(), String> {
    match value {
        Some(n) if n.trim().is_empty() => Err("a nickname is not blank".into()),
        _ => Ok(()),
    }
}

/// The type's own rule, over two fields.
fn not_named_after_email(user: &Member) -> Result<(), String> {
    if user.name == user.email {
        return Err("the name is not the email".into());
    }
    Ok(())
}

#[derive(DynamoItem, DynamoPatch, Debug, Clone, PartialEq)]
#[dynamo(validate = "not_named_after_email")]
struct Member {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(validate = "email")]
    email: String,
    name: String,
    #[dynamo(validate = "nickname")]
    nickname: Option<String>,
    #[dynamo(validate = "at_most_three")]
    tags: Vec<String>,
}

fn ada() -> Member {
    Member {
        id: "m1".into(),
        email: "ada@example.com".into(),
        name: "Ada".into(),
        nickname: None,
        tags: vec!["math".into()],
    }
}

fn refused(result: dynamap::Result<impl std::fmt::Debug>, field: Option<&str>) {
    match result {
        Err(Error::Invalid {
            item: "Member",
            field: found,
            ..
        }) if found == field => {}
        other => panic!("expected Invalid on {field:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn every_whole_item_write_runs_the_validators_and_writes_nothing_refused() {
    let members = new_mapping::<Member>("validate").await;
    let bad_email = Member {
        email: "ada".into(),
        ..ada()
    };
    refused(members.insert(&bad_email).await, Some("email"));
    refused(members.insert_if_absent(&bad_email).await, Some("email"));
    let named_after_email = Member {
        name: "ada@example.com".into(),
        ..ada()
    };
    refused(members.insert(&named_after_email).await, None);
    let too_many = Member {
        tags: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        ..ada()
    };
    refused(members.insert(&too_many).await, Some("tags"));
    // A transaction writes all or nothing: nothing.
    let second = Member {
        id: "m2".into(),
        ..ada()
    };
    refused(
        dynamap::transaction(members.client())
            .put(&members, &second)
            .put(
                &members,
                &Member {
                    id: "m3".into(),
                    ..bad_email.clone()
                },
            )
            .send()
            .await,
        Some("email"),
    );
    for id in ["m1", "m2", "m3"] {
        assert_eq!(members.get(id).await.unwrap(), None, "{id} was not written");
    }
    // A batch is not atomic: the refused item is reported by its place, never sent,
    // and the valid one beside it is written.
    match members
        .insert_many(vec![
            second.clone(),
            Member {
                id: "m3".into(),
                ..bad_email.clone()
            },
        ])
        .await
    {
        Err(Error::BatchIncomplete {
            completed: 1,
            rejected,
            ..
        }) => {
            assert_eq!(rejected.len(), 1);
            assert_eq!(rejected[0].index, 1);
            assert!(matches!(
                rejected[0].error,
                Error::Invalid {
                    field: Some("email"),
                    ..
                }
            ));
        }
        other => panic!("expected the batch to report the refused item, got {other:?}"),
    }
    assert_eq!(members.get("m2").await.unwrap(), Some(second));
    assert_eq!(members.get("m3").await.unwrap(), None);
    members.remove("m2").await.unwrap();

    members.insert(&ada()).await.unwrap();
    refused(
        members
            .update_with("m1", |m: &mut Member| m.email = "nobody".into())
            .await,
        Some("email"),
    );
    refused(
        members
            .update_with("m1", |m: &mut Member| m.name = m.email.clone())
            .await,
        None,
    );
    assert_eq!(members.get("m1").await.unwrap(), Some(ada()));
}

#[tokio::test]
async fn update_with_mends_an_item_stored_before_its_validator() {
    let members = new_mapping::<Member>("validate-mend").await;
    // Written by another writer, past the validator.
    let mut stored = ada().to_item().unwrap();
    stored.insert(
        "email".into(),
        aws_sdk_dynamodb::types::AttributeValue::S("ada-at-example".into()),
    );
    members
        .client()
        .put_item()
        .table_name(members.table_name())
        .set_item(Some(stored))
        .send()
        .await
        .unwrap();
    let mended = members
        .update_with("m1", |m: &mut Member| m.email = "ada@example.org".into())
        .await
        .unwrap();
    assert_eq!(mended.email, "ada@example.org");
}

#[tokio::test]
async fn modify_runs_a_field_s_validator_on_what_it_sets() {
    let members = new_mapping::<Member>("validate-modify").await;
    members.insert(&ada()).await.unwrap();
    let f = Member::fields();
    refused(
        members.modify("m1").set(f.email, "ada").await,
        Some("email"),
    );
    refused(
        members
            .modify("m1")
            .set(f.nickname, Some("  ".to_owned()))
            .await,
        Some("nickname"),
    );
    refused(
        members
            .modify("m1")
            .set(
                f.tags,
                vec!["a".to_owned(), "b".into(), "c".into(), "d".into()],
            )
            .await,
        Some("tags"),
    );
    // A change inside a validated field is one its validator cannot see.
    refused(
        members
            .modify("m1")
            .append(f.tags, ["more".to_owned()])
            .await,
        Some("tags"),
    );
    assert_eq!(
        members.get("m1").await.unwrap(),
        Some(ada()),
        "nothing written"
    );

    // Valid values go through; removing an optional field shows the validator `None`.
    members
        .modify("m1")
        .set(f.email, "ada@example.net")
        .set(f.nickname, Some("countess".to_owned()))
        .await
        .unwrap();
    members.modify("m1").remove(f.nickname).await.unwrap();
    let now = members.get("m1").await.unwrap().unwrap();
    assert_eq!(
        (now.email.as_str(), now.nickname),
        ("ada@example.net", None)
    );

    // A patch is a modify: the same validators.
    let patch: MemberPatch = serde_json::from_str(r#"{"email": "not-an-email"}"#).unwrap();
    refused(members.modify("m1").patch(patch).await, Some("email"));
}

#[tokio::test]
async fn a_refusal_reads_as_the_field_and_the_validator_s_words() {
    let _ = client().await;
    let err = Member {
        email: "x".into(),
        ..ada()
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `Member.email`: `x` is not name@domain"
    );
}
