//! Generated ids (`#[dynamo(generate = "uuid_v4" | "uuid_v7")]`, #34 item 5): `create`
//! fills the fields that hold no id, writes only if the key is free, and returns the
//! item as stored.

use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use uuid::Uuid;

use dynamap_tests::{client, new_mapping, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Ticket {
    #[dynamo(partition_key, generate = "uuid_v7")]
    id: Uuid,
    #[dynamo(generate = "uuid_v4")]
    public_code: String,
    #[dynamo(generate = "uuid_v4")]
    trace: Option<Uuid>,
    #[dynamo(generate = "ulid")]
    receipt: String,
    title: String,
    #[dynamo(created_at)]
    created_at: Option<std::time::SystemTime>,
    #[dynamo(version)]
    version: u64,
}

fn ticket() -> Ticket {
    Ticket {
        id: Uuid::nil(),
        public_code: String::new(),
        trace: None,
        receipt: String::new(),
        title: "Printer".into(),
        created_at: None,
        version: 0,
    }
}

#[tokio::test]
async fn create_fills_absent_ids_and_returns_the_item_as_stored() {
    let tickets = new_mapping::<Ticket>("generated").await;
    let first = tickets.create(ticket()).await.unwrap();
    assert_eq!(first.id.get_version_num(), 7);
    assert_eq!(
        Uuid::parse_str(&first.public_code)
            .unwrap()
            .get_version_num(),
        4
    );
    assert_eq!(first.trace.map(|t| t.get_version_num()), Some(4));
    // A ULID: 26 characters of Crockford base32, the first ten its millisecond time.
    assert_eq!(first.receipt.len(), 26);
    assert!(first
        .receipt
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    assert!(first.created_at.is_some());
    assert_eq!(first.version, 1);
    assert_eq!(tickets.get(&first.id).await.unwrap(), Some(first.clone()));

    // Ids are new on every create, and time-ordered ones sort by creation.
    let second = tickets.create(ticket()).await.unwrap();
    assert_ne!(second.public_code, first.public_code);
    assert!(second.id > first.id);
    assert!(second.receipt[..10] >= first.receipt[..10]);
    assert_ne!(second.receipt, first.receipt);

    // Ids already given are kept; a key already taken is refused, nothing written.
    let mut given = ticket();
    given.id = first.id;
    given.public_code = "mine".into();
    match tickets.create(given).await {
        Err(Error::ConditionFailed { .. }) | Err(Error::VersionConflict { .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(tickets.get(&first.id).await.unwrap(), Some(first));
    let mut kept = ticket();
    kept.public_code = "mine".into();
    assert_eq!(tickets.create(kept).await.unwrap().public_code, "mine");
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Desk;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Desk, entity = "Issue", pk = "PROJECT#{project}", sk = "ISSUE#{id}")]
struct Issue {
    project: String,
    #[dynamo(generate = "uuid_v7")]
    id: Uuid,
}

#[tokio::test]
async fn an_entitys_key_field_is_generated_before_its_key_is_rendered() {
    let desk = Table::<Desk>::new(client().await, unique_table_name("generated-entity"));
    desk.create_table().await.unwrap();
    let issues = desk.entity::<Issue>();
    let issue = issues
        .create(Issue {
            project: "p1".into(),
            id: Uuid::nil(),
        })
        .await
        .unwrap();
    assert!(!issue.id.is_nil());
    let key = ("p1".to_owned(), issue.id);
    assert_eq!(issues.get(&key).await.unwrap(), Some(issue));
}
