//! A page trimmed to a limit resumes right after its last item, also when the read is
//! projected onto attributes that are not the key, and for an entity (whose reads
//! always filter on the entity attribute, so a limit always trims).

use dynamap::prelude::*;
use dynamap::{reads::PageToken, DynamoTable, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, insert_all, new_mapping, unique_table_name};

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Event {
    #[dynamo(partition_key)]
    stream: String,
    #[dynamo(sort_key)]
    seq: u32,
    kind: String,
    body: String,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Body {
    body: String,
}

fn events() -> Vec<Event> {
    (0..20)
        .map(|seq| Event {
            stream: "s".into(),
            seq,
            kind: if seq % 2 == 0 { "even" } else { "odd" }.into(),
            body: format!("event {seq}"),
        })
        .collect()
}

#[tokio::test]
async fn a_projected_filtered_limited_query_resumes_after_its_last_item() {
    let table = new_mapping::<Event>("tokens-projected").await;
    insert_all(&table, events()).await;
    let f = Event::fields();
    let mut token: Option<PageToken> = None;
    let mut bodies = Vec::new();
    for _ in 0..20 {
        let mut query = table
            .query("s")
            .filter(f.kind.eq("even"))
            .project::<Body>()
            .limit(3);
        if let Some(token) = token.take() {
            query = query.start_from(token);
        }
        let page = query.pages().try_next().await.unwrap().unwrap();
        bodies.extend(page.items().iter().map(|b| b.body.clone()));
        match page.next_token() {
            Some(next) => token = Some(next.clone()),
            None => break,
        }
        if bodies.len() >= 10 {
            break;
        }
    }
    let expected: Vec<String> = (0..20)
        .filter(|n| n % 2 == 0)
        .map(|n| format!("event {n}"))
        .collect();
    assert_eq!(bodies, expected, "every even event once, in order");
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Store;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Store, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}")]
struct Order {
    customer: String,
    id: u32,
    total: u32,
}

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Total {
    total: u32,
}

#[tokio::test]
async fn an_entity_query_resumes_past_its_first_page_plain_and_projected() {
    let store = Table::<Store>::new(client().await, unique_table_name("tokens-entity"));
    store.create_table().await.unwrap();
    let orders = store.entity::<Order>();
    for id in 0..9 {
        orders
            .insert(&Order {
                customer: "c".into(),
                id,
                total: id * 10,
            })
            .await
            .unwrap();
    }
    let mut token: Option<PageToken> = None;
    let mut ids = Vec::new();
    loop {
        let mut query = orders.query("c").limit(4);
        if let Some(token) = token.take() {
            query = query.start_from(token);
        }
        let page = query.pages().try_next().await.unwrap().unwrap();
        ids.extend(page.items().iter().map(|o| o.id));
        match page.next_token() {
            Some(next) => token = Some(next.clone()),
            None => break,
        }
    }
    assert_eq!(ids, (0..9).collect::<Vec<_>>());

    let mut token: Option<PageToken> = None;
    let mut totals = Vec::new();
    loop {
        let mut query = orders.query("c").project::<Total>().limit(4);
        if let Some(token) = token.take() {
            query = query.start_from(token);
        }
        let page = query.pages().try_next().await.unwrap().unwrap();
        totals.extend(page.items().iter().map(|t| t.total));
        match page.next_token() {
            Some(next) => token = Some(next.clone()),
            None => break,
        }
    }
    assert_eq!(totals, (0..9).map(|n| n * 10).collect::<Vec<_>>());
}
