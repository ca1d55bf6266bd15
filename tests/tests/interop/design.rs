//! The one design both peers share with dynamap, declared per peer (each names the entity
//! attribute and the write-time attributes its own way): a table, users, orders, the
//! collection of both, and JSON views of them as the peers format items.

/// Declares `Shared`, `User`, `Order`, `Account` and their helpers in the calling module.
/// `extra` fields are attributes a peer needs that dynamap stores as plain strings
/// (ElectroDB's `__edb_v__`).
macro_rules! shared_design {
    (
        entity_attribute: $entity_attribute:literal,
        created: $created:literal as $created_json:literal,
        modified: $modified:literal as $modified_json:literal,
        extra: { $($extra:ident as $extra_name:literal = $extra_value:literal),* $(,)? } $(,)?
    ) => {
        use std::collections::BTreeSet;

        use chrono::{DateTime, Utc};
        use dynamap::prelude::*;
        use dynamap::value::Millis;
        use dynamap::{DynamoCollection, DynamoTable, Table};
        use futures::TryStreamExt;
        use serde_json::{json, Map, Value};

        use crate::peer::{by_user_and_id, ms, order_id, run, status_of, text, HIGH, IN_RANGE, LOW, PLACED};

        #[derive(DynamoTable)]
        #[dynamo(
            partition_key = "pk",
            sort_key = "sk",
            entity_attribute = $entity_attribute,
            index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
        )]
        struct Shared;

        #[derive(DynamoItem, Debug, Clone, PartialEq)]
        #[dynamo(
            table = Shared,
            entity = "User",
            pk = "USER#{user_id}",
            sk = "PROFILE",
            rename_all = "camelCase"
        )]
        struct User {
            user_id: String,
            name: String,
            email: String,
            // Empty: no attribute (DynamoDB stores no empty set), so toolbox declares it optional.
            #[dynamo(default)]
            tags: BTreeSet<String>,
            #[dynamo(created_at, rename = $created)]
            created: Option<Millis<DateTime<Utc>>>,
            #[dynamo(updated_at, rename = $modified)]
            modified: Option<Millis<DateTime<Utc>>>,
            $(#[dynamo(rename = $extra_name)] $extra: String,)*
        }

        #[derive(DynamoValue, Debug, Clone, PartialEq)]
        struct Line {
            sku: String,
            qty: u32,
        }

        #[derive(DynamoValue, Debug, Clone, PartialEq)]
        struct Notes {
            gift: Option<String>,
        }

        #[derive(DynamoItem, Debug, Clone, PartialEq)]
        #[dynamo(
            table = Shared,
            entity = "Order",
            pk = "USER#{user_id}",
            sk = "ORDER#{placed_at}#{order_id}",
            index(Gsi1, pk = "STATUS#{status}", sk = "{placed_at}#{order_id}"),
            rename_all = "camelCase"
        )]
        struct Order {
            user_id: String,
            placed_at: Millis<DateTime<Utc>>,
            order_id: String,
            status: String,
            total: u32,
            lines: Vec<Line>,
            notes: Option<Notes>,
            #[dynamo(created_at, rename = $created)]
            created: Option<Millis<DateTime<Utc>>>,
            #[dynamo(updated_at, rename = $modified)]
            modified: Option<Millis<DateTime<Utc>>>,
            $(#[dynamo(rename = $extra_name)] $extra: String,)*
        }

        #[derive(DynamoCollection, Debug)]
        enum Account {
            User(User),
            Order(Order),
        }

        fn user(id: &str, tags: &[&str]) -> User {
            User {
                user_id: id.into(),
                name: format!("name of {id}"),
                email: format!("{id}@example.com"),
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                created: None,
                modified: None,
                $($extra: $extra_value.into(),)*
            }
        }

        fn order(user: &str, n: usize) -> Order {
            Order {
                user_id: user.into(),
                placed_at: ms(PLACED[n]),
                order_id: order_id(n),
                status: status_of(n).into(),
                total: 1000 + n as u32,
                lines: vec![Line {
                    sku: format!("sku-{n}"),
                    qty: n as u32 + 1,
                }],
                notes: (n.is_multiple_of(3)).then(|| Notes {
                    gift: Some("card".into()),
                }),
                created: None,
                modified: None,
                $($extra: $extra_value.into(),)*
            }
        }

        fn stamps(
            out: &mut Map<String, Value>,
            created: &Option<Millis<DateTime<Utc>>>,
            modified: &Option<Millis<DateTime<Utc>>>,
        ) {
            out.insert(
                $created_json.into(),
                json!(text(created.as_ref().expect("created_at"))),
            );
            out.insert(
                $modified_json.into(),
                json!(text(modified.as_ref().expect("updated_at"))),
            );
        }

        /// The user as the peer formats it.
        fn user_json(u: &User) -> Value {
            let mut out = Map::new();
            out.insert("userId".into(), json!(u.user_id));
            out.insert("name".into(), json!(u.name));
            out.insert("email".into(), json!(u.email));
            if !u.tags.is_empty() {
                out.insert("tags".into(), json!(u.tags));
            }
            stamps(&mut out, &u.created, &u.modified);
            Value::Object(out)
        }

        /// The order as the peer formats it.
        fn order_json(o: &Order) -> Value {
            let mut out = Map::new();
            out.insert("userId".into(), json!(o.user_id));
            out.insert("placedAt".into(), json!(text(&o.placed_at)));
            out.insert("orderId".into(), json!(o.order_id));
            out.insert("status".into(), json!(o.status));
            out.insert("total".into(), json!(o.total));
            let lines: Vec<Value> = o
                .lines
                .iter()
                .map(|l| json!({"sku": l.sku, "qty": l.qty}))
                .collect();
            out.insert("lines".into(), json!(lines));
            if let Some(notes) = &o.notes {
                let gift = notes
                    .gift
                    .as_ref()
                    .map(|g| json!({"gift": g}))
                    .unwrap_or(json!({}));
                out.insert("notes".into(), gift);
            }
            stamps(&mut out, &o.created, &o.modified);
            Value::Object(out)
        }

        /// The order as the peer's `put` takes it (its time in milliseconds).
        fn order_input(o: &Order) -> Value {
            let mut v = order_json(&Order {
                created: o.placed_at.into(),
                modified: o.placed_at.into(),
                ..o.clone()
            });
            let map = v.as_object_mut().unwrap();
            map.remove($created_json);
            map.remove($modified_json);
            map.insert("placedAt".into(), json!(o.placed_at.timestamp_millis()));
            v
        }

        fn key(o: &Order) -> (String, Millis<DateTime<Utc>>, String) {
            (o.user_id.clone(), o.placed_at, o.order_id.clone())
        }

        fn without_stamps(o: &Order) -> Order {
            Order {
                created: None,
                modified: None,
                ..o.clone()
            }
        }

        fn user_without_stamps(u: &User) -> User {
            User {
                created: None,
                modified: None,
                ..u.clone()
            }
        }

        /// The exchange, with `library`: what its `between(LOW, HIGH)` returns, and its
        /// collection answer as a list in sort-key order.
        async fn share_a_table_with(
            library: &'static str,
            peer_between: &[i64],
            peer_collection: impl Fn(Value) -> Value,
        ) {
            let table_name = dynamap_tests::unique_table_name(library);
            let shared = Table::<Shared>::new(dynamap_tests::client().await, table_name.clone());
            shared.create_table().await.unwrap();
            let (users, orders) = (shared.entity::<User>(), shared.entity::<Order>());
            let peer = |command: &'static str, argument: Value| {
                let table_name = table_name.clone();
                async move { run(library, &table_name, command, argument).await }
            };

            // dynamap writes "dm" (no tags: no attribute), the peer "tb"; the same orders.
            users.insert(&user("dm", &[])).await.unwrap();
            for n in 0..PLACED.len() {
                orders.insert(&order("dm", n)).await.unwrap();
            }
            let tb_orders: Vec<Value> = (0..PLACED.len())
                .map(|n| order_input(&order("tb", n)))
                .collect();
            peer("put", json!({"users": [{"userId": "tb", "name": "name of tb", "email": "tb@example.com", "tags": ["vip"]}], "orders": tb_orders})).await;

            for (who, tags) in [("dm", &[][..]), ("tb", &["vip"][..])] {
                // By key: each reads every item the same, whoever wrote it.
                let mine = users
                    .get(&who.to_string())
                    .await
                    .unwrap()
                    .expect("the user");
                assert_eq!(user_without_stamps(&mine), user(who, tags));
                assert_eq!(
                    peer("getUser", json!({"userId": who})).await,
                    user_json(&mine),
                    "{who}"
                );
                let mut read = Vec::new();
                for n in 0..PLACED.len() {
                    let want = order(who, n);
                    let o = orders
                        .get(&key(&want))
                        .await
                        .unwrap()
                        .expect("found by its key");
                    assert_eq!(without_stamps(&o), want);
                    let theirs = peer(
                        "getOrder",
                        json!({"userId": who, "placedAt": PLACED[n], "orderId": order_id(n)}),
                    )
                    .await;
                    assert_eq!(theirs, order_json(&o), "{who} {n}");
                    read.push(o);
                }
                // A range, exact at both bounds, read by each.
                let f = Order::fields();
                let in_range: Vec<Order> = orders
                    .query(who)
                    .sort_key(f.placed_at.between(ms(LOW), ms(HIGH)))
                    .stream()
                    .try_collect()
                    .await
                    .unwrap();
                let times: Vec<i64> = in_range
                    .iter()
                    .map(|o| o.placed_at.timestamp_millis())
                    .collect();
                assert_eq!(times, IN_RANGE, "{who}");
                let theirs = peer(
                    "ordersBetween",
                    json!({"userId": who, "low": LOW, "high": HIGH}),
                )
                .await;
                // The same items for either writer: the peer's own bounds (ElectroDB's `between`
                // on the first of two sort-key attributes stops before the upper bound's items).
                let theirs_want: Vec<Value> = in_range
                    .iter()
                    .filter(|o| peer_between.contains(&o.placed_at.timestamp_millis()))
                    .map(order_json)
                    .collect();
                assert_eq!(theirs, json!(theirs_want), "{who}");
                // The collection: the orders, then the user (`ORDER#` sorts before `PROFILE`).
                let view: Vec<Account> = shared
                    .collection::<Account>()
                    .query(who)
                    .stream()
                    .try_collect()
                    .await
                    .unwrap();
                let view: Vec<Value> = view
                    .iter()
                    .map(|a| match a {
                        Account::User(u) => user_json(u),
                        Account::Order(o) => order_json(o),
                    })
                    .collect();
                assert_eq!(view.len(), PLACED.len() + 1);
                assert_eq!(
                    json!(view),
                    peer_collection(peer("collection", json!({"userId": who})).await),
                    "{who}"
                );
            }

            // The index, whose keys each library computes: the same orders of both writers.
            let open: Vec<Order> = orders
                .query_index::<Gsi1>("open")
                .stream()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(open.len(), 6);
            let open = json!(open.iter().map(order_json).collect::<Vec<_>>());
            assert_eq!(
                by_user_and_id(&peer("byStatus", json!({"status": "open"})).await),
                by_user_and_id(&open)
            );

            // dynamap changes toolbox's order, on a condition on toolbox's `_md`; toolbox sees it,
            // in the index too (dynamap rewrote the index key it computes).
            let f = Order::fields();
            let theirs = orders.get(&key(&order("tb", 1))).await.unwrap().unwrap();
            orders
                .modify(&key(&theirs))
                .set(f.status, "shipped".to_string())
                .when(f.modified.eq(theirs.modified.unwrap()))
                .await
                .unwrap();
            let seen = peer(
                "getOrder",
                json!({"userId": "tb", "placedAt": PLACED[1], "orderId": order_id(1)}),
            )
            .await;
            assert_eq!(seen["status"], "shipped");
            let shipped = peer("byStatus", json!({"status": "shipped"})).await;
            assert_eq!(shipped.as_array().unwrap().len(), 1, "{shipped}");
            // toolbox changes dynamap's order; dynamap sees it, and its write time.
            let mine = orders.get(&key(&order("dm", 2))).await.unwrap().unwrap();
            peer("setStatus", json!({"userId": "dm", "placedAt": PLACED[2], "orderId": order_id(2), "status": "cancelled"})).await;
            let changed = orders.get(&key(&mine)).await.unwrap().unwrap();
            assert_eq!(changed.status, "cancelled");
            assert!(changed.modified >= mine.modified);
            assert_eq!(changed.created, mine.created);
            let cancelled: Vec<Order> = orders
                .query_index::<Gsi1>("cancelled")
                .stream()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(
                cancelled.iter().map(key).collect::<Vec<_>>(),
                vec![key(&mine)]
            );
            // Read, change, write back toolbox's order: the same item, not a second copy.
            let mut again = orders.get(&key(&order("tb", 3))).await.unwrap().unwrap();
            again.total = 4242;
            orders.insert(&again).await.unwrap();
            assert_eq!(
                orders.query("tb").count().await.unwrap(),
                PLACED.len() as u64
            );
            let seen = peer(
                "getOrder",
                json!({"userId": "tb", "placedAt": PLACED[3], "orderId": order_id(3)}),
            )
            .await;
            assert_eq!(seen["total"], 4242);
            assert_eq!(seen[$created_json], json!(text(&again.created.unwrap())));
        }
    };
}

pub(crate) use shared_design;
