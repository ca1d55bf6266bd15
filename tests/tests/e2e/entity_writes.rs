//! An entity's write never touches another entity's item, even when a client chooses an
//! id that renders another entity's exact key; and a change to one field of a two-field
//! index template renders the index key from what the write knows.

use aws_sdk_dynamodb::types::AttributeValue;
use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, stored, unique_table_name};

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct Shop;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Shop, entity = "Order", pk = "CUSTOMER#{customer}", sk = "ORDER#{id}")]
struct Order {
    customer: String,
    id: String,
    status: String,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "OrderLine",
    pk = "CUSTOMER#{customer}",
    sk = "ORDER#{order}#LINE#{line}"
)]
struct OrderLine {
    customer: String,
    order: String,
    line: u16,
    sku: String,
}

/// A user found by email through an index whose templates name two fields.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Shop,
    entity = "User",
    pk = "USER#{id}",
    sk = "PROFILE",
    index(Gsi1, pk = "EMAIL#{email}", sk = "USER#{id}")
)]
struct User {
    id: String,
    email: String,
    name: String,
}

async fn shop() -> Table<Shop> {
    let shop = Table::<Shop>::new(client().await, unique_table_name("entity-writes"));
    shop.create_table().await.unwrap();
    shop
}

fn line() -> OrderLine {
    OrderLine {
        customer: "c1".into(),
        order: "o1".into(),
        line: 2,
        sku: "TEA".into(),
    }
}

/// An order whose id is the rest of the line's sort key: its key is the line's.
fn forged() -> Order {
    Order {
        customer: "c1".into(),
        id: "o1#LINE#00002".into(),
        status: "forged".into(),
    }
}

fn forged_key() -> (String, String) {
    ("c1".to_owned(), "o1#LINE#00002".to_owned())
}

fn is_other_entity(result: Result<impl std::fmt::Debug, Error>, what: &str) {
    match result {
        Err(Error::OtherEntity { expected, found }) => {
            assert_eq!(expected, vec!["Order"], "{what}");
            assert_eq!(found.as_deref(), Some("OrderLine"), "{what}");
        }
        other => panic!("{what}: expected OtherEntity, got {other:?}"),
    }
}

#[tokio::test]
async fn a_forged_id_renders_another_entitys_key_and_every_write_refuses_it() {
    let shop = shop().await;
    let lines = shop.entity::<OrderLine>();
    let orders = shop.entity::<Order>();
    lines.insert(&line()).await.unwrap();
    let before = stored(&lines, &("c1".to_owned(), "o1".to_owned(), 2)).await;
    assert_eq!(
        before.get("sk"),
        Some(&AttributeValue::S("ORDER#o1#LINE#00002".into())),
        "the forged order's key is the line's"
    );
    let f = Order::fields();

    is_other_entity(orders.insert(&forged()).await, "insert");
    is_other_entity(orders.insert_if_absent(&forged()).await, "insert_if_absent");
    is_other_entity(
        orders.insert_when(&forged(), f.status.ne("x")).await,
        "insert_when",
    );
    is_other_entity(
        orders
            .modify(&forged_key())
            .set(f.status, "forged".to_string())
            .await,
        "modify",
    );
    is_other_entity(
        orders
            .modify(&forged_key())
            .set(f.status, "forged".to_string())
            .upsert(true)
            .await,
        "modify upsert",
    );
    is_other_entity(
        orders
            .update_with(&forged_key(), |o| o.status = "forged".into())
            .await,
        "update_with",
    );
    is_other_entity(orders.remove(&forged_key()).await, "remove");
    is_other_entity(
        orders.remove_when(&forged_key(), f.status.ne("x")).await,
        "remove_when",
    );
    let client = orders.client().clone();
    is_other_entity(
        dynamap::transaction(&client).put(&orders, &forged()).await,
        "transaction put",
    );
    is_other_entity(
        dynamap::transaction(&client)
            .modify(&orders, &forged_key(), |m| {
                m.set(f.status, "forged".to_string())
            })
            .await,
        "transaction modify",
    );
    is_other_entity(
        dynamap::transaction(&client)
            .remove(&orders, &forged_key())
            .await,
        "transaction remove",
    );
    is_other_entity(
        dynamap::transaction(&client)
            .condition_check(&orders, &forged_key(), f.status.ne("x"))
            .await,
        "transaction condition check",
    );
    // After all of them the line is as it was: nothing was written.
    assert_eq!(
        stored(&lines, &("c1".to_owned(), "o1".to_owned(), 2)).await,
        before
    );
    assert_eq!(
        lines
            .get(&("c1".to_owned(), "o1".to_owned(), 2))
            .await
            .unwrap(),
        Some(line())
    );
}

#[tokio::test]
async fn the_guard_lets_an_entity_write_its_own_items_and_new_ones() {
    let shop = shop().await;
    let orders = shop.entity::<Order>();
    let f = Order::fields();
    let order = Order {
        customer: "c1".into(),
        id: "o1".into(),
        status: "open".into(),
    };
    let key = ("c1".to_owned(), "o1".to_owned());
    orders.insert(&order).await.unwrap();
    orders.insert(&order).await.unwrap();
    orders
        .modify(&key)
        .set(f.status, "paid".to_string())
        .await
        .unwrap();
    let paid = orders
        .update_with(&key, |o| o.status = "shipped".into())
        .await
        .unwrap();
    assert_eq!(paid.status, "shipped");
    // Its own failed condition is still ConditionFailed, not OtherEntity.
    assert!(matches!(
        orders.insert_when(&order, f.status.eq("open")).await,
        Err(Error::ConditionFailed { .. })
    ));
    assert!(matches!(
        orders.insert_if_absent(&order).await,
        Err(Error::ConditionFailed { .. })
    ));
    // A missing item: modify is NotFound, upsert and remove go ahead.
    let missing = ("c1".to_owned(), "none".to_owned());
    assert!(matches!(
        orders.modify(&missing).set(f.status, "x".to_string()).await,
        Err(Error::NotFound { .. })
    ));
    orders
        .modify(&missing)
        .set(f.status, "new".to_string())
        .upsert(true)
        .await
        .unwrap();
    assert_eq!(
        orders.remove(&missing).await.unwrap().unwrap().status,
        "new"
    );
    assert_eq!(orders.remove(&missing).await.unwrap(), None);
    dynamap::transaction(orders.client())
        .put(&orders, &order)
        .condition_check(&orders, &missing, f.status.ne("x"))
        .await
        .unwrap();
    // A transaction action failing its own condition on its own entity's item is a
    // cancellation, not another entity.
    match dynamap::transaction(orders.client())
        .modify(&orders, &key, |m| {
            m.set(f.status, "lost".to_string())
                .when(f.status.eq("never"))
        })
        .await
    {
        Err(Error::TransactionCancelled { actions, .. }) => {
            assert_eq!(
                actions[0].reason,
                dynamap::error::CancelReason::ConditionFailed
            );
        }
        other => panic!("expected TransactionCancelled, got {other:?}"),
    }
}

#[tokio::test]
async fn an_item_without_an_entity_attribute_is_not_an_entitys_to_overwrite() {
    let shop = shop().await;
    let orders = shop.entity::<Order>();
    // Written by another client under an order's key, with no entity attribute.
    client()
        .await
        .put_item()
        .table_name(shop.table_name())
        .item("pk", AttributeValue::S("CUSTOMER#c1".into()))
        .item("sk", AttributeValue::S("ORDER#o9".into()))
        .item("note", AttributeValue::S("theirs".into()))
        .send()
        .await
        .unwrap();
    let order = Order {
        customer: "c1".into(),
        id: "o9".into(),
        status: "open".into(),
    };
    match orders.insert(&order).await {
        Err(Error::OtherEntity { expected, found }) => {
            assert_eq!(expected, vec!["Order"]);
            assert_eq!(found, None);
        }
        other => panic!("expected OtherEntity, got {other:?}"),
    }
}

#[tokio::test]
async fn one_field_of_a_two_field_index_template_changes_through_modify_and_update_with() {
    let shop = shop().await;
    let users = shop.entity::<User>();
    let ada = User {
        id: "u1".into(),
        email: "ada@example.com".into(),
        name: "Ada".into(),
    };
    users.insert(&ada).await.unwrap();
    let by_email = |email: &'static str| {
        let users = users.clone();
        async move {
            users
                .query_index::<Gsi1>(email)
                .stream()
                .try_collect::<Vec<User>>()
                .await
                .unwrap()
        }
    };
    // update_with knows the whole item: the index key is rendered from it.
    let moved = users
        .update_with(&"u1".to_owned(), |u| {
            u.email = "lovelace@example.com".into()
        })
        .await
        .unwrap();
    assert_eq!(moved.email, "lovelace@example.com");
    assert_eq!(by_email("lovelace@example.com").await, vec![moved.clone()]);
    assert_eq!(by_email("ada@example.com").await, vec![]);
    let item = stored(&users, &"u1".to_owned()).await;
    assert_eq!(
        item.get("gsi1pk"),
        Some(&AttributeValue::S("EMAIL#lovelace@example.com".into()))
    );
    assert_eq!(
        item.get("gsi1sk"),
        Some(&AttributeValue::S("USER#u1".into()))
    );

    // modify takes the unchanged key field (`id`) from the key it was given.
    users
        .modify(&"u1".to_owned())
        .set(User::fields().email, "countess@example.com".to_string())
        .await
        .unwrap();
    let found = by_email("countess@example.com").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Ada");
    let item = stored(&users, &"u1".to_owned()).await;
    assert_eq!(
        item.get("gsi1pk"),
        Some(&AttributeValue::S("EMAIL#countess@example.com".into()))
    );
    assert_eq!(
        item.get("gsi1sk"),
        Some(&AttributeValue::S("USER#u1".into()))
    );
}
