//! The service on a loopback port, over a real table (the test server dynamap's suite
//! uses: embedded by default, DynamoDB Local with `DYNAMAP_SERVER=dynamodb-local`),
//! driven over HTTP by a real client.

use std::collections::HashSet;

use dynamap_example_service::{router, AppState};
use reqwest::header::{ETAG, IF_MATCH, LOCATION};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use dynamap_tests::proxy::{FaultPlan, FaultProxy};

/// A running service on its own fresh table.
struct Service {
    base: String,
    http: Client,
    /// The table, read directly to check what the service stored.
    table: String,
    dynamodb: dynamap::aws_sdk_dynamodb::Client,
    /// The proxy the service's requests go through, when the test slows them.
    _proxy: Option<FaultProxy>,
}

impl Service {
    async fn start() -> Service {
        Service::start_with(None).await
    }

    /// A service whose requests go through `proxy` (to the test server).
    async fn start_with(proxy: Option<FaultProxy>) -> Service {
        let dynamodb = dynamap_tests::client().await;
        let client = match &proxy {
            Some(proxy) => dynamap::connect()
                .local(proxy.url.clone())
                .await
                .expect("a client through the proxy"),
            None => dynamodb.clone(),
        };
        let table = dynamap_tests::unique_table_name("service");
        let state = AppState::new(client, &table, *b"the tests' secret, 32 bytes long");
        state.table().create_table().await.expect("create table");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router(state)).await });
        Service {
            base,
            http: Client::new(),
            table,
            dynamodb,
            _proxy: proxy,
        }
    }

    /// How many items the table holds in the partition `pk` (all of it when `None`).
    async fn stored_items(&self, pk: Option<&str>) -> i32 {
        use dynamap::aws_sdk_dynamodb::types::{AttributeValue, Select};
        match pk {
            Some(pk) => self
                .dynamodb
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
                .select(Select::Count)
                .consistent_read(true)
                .send()
                .await
                .expect("query")
                .count(),
            None => self
                .dynamodb
                .scan()
                .table_name(&self.table)
                .select(Select::Count)
                .consistent_read(true)
                .send()
                .await
                .expect("scan")
                .count(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        let request = self.http.post(self.url(path)).json(&body);
        request.send().await.expect("POST")
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    async fn patch(&self, path: &str, etag: Option<&str>, body: Value) -> reqwest::Response {
        let mut request = self.http.patch(self.url(path)).json(&body);
        if let Some(etag) = etag {
            request = request.header(IF_MATCH, etag);
        }
        request.send().await.expect("PATCH")
    }

    async fn delete(&self, path: &str, etag: Option<&str>) -> reqwest::Response {
        let mut request = self.http.delete(self.url(path));
        if let Some(etag) = etag {
            request = request.header(IF_MATCH, etag);
        }
        request.send().await.expect("DELETE")
    }

    /// Creates a user; returns its id and ETag.
    async fn user(&self, name: &str) -> (String, String) {
        let email = format!("{}@example.com", name.to_lowercase());
        let response = self
            .post("/users", json!({"email": email, "name": name}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let etag = etag_of(&response);
        let body: Value = response.json().await.expect("JSON");
        (body["id"].as_str().expect("id").to_owned(), etag)
    }

    /// Places an order of `lines` lines; returns its body.
    async fn order(&self, user: &str, lines: usize) -> Value {
        let lines: Vec<Value> = (1..=lines)
            .map(|i| json!({"sku": format!("SKU-{i}"), "quantity": i, "unit_price": "2.50"}))
            .collect();
        let response = self
            .post(&format!("/users/{user}/orders"), json!({ "lines": lines }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("JSON")
    }

    /// Follows `next_cursor` from `path` to the end; returns every item and the pages.
    async fn list_all(&self, path: &str, limit: u32) -> (Vec<Value>, usize) {
        let (mut items, mut pages) = (Vec::new(), 0);
        let mut cursor: Option<String> = None;
        loop {
            let mut request = self
                .http
                .get(self.url(path))
                .query(&[("limit", limit.to_string())]);
            if let Some(cursor) = &cursor {
                request = request.query(&[("cursor", cursor)]);
            }
            let response = request.send().await.expect("GET");
            assert_eq!(response.status(), StatusCode::OK);
            let page: Value = response.json().await.expect("JSON");
            pages += 1;
            items.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return (items, pages),
            }
        }
    }
}

fn etag_of(response: &reqwest::Response) -> String {
    let etag = response.headers().get(ETAG).expect("an ETag");
    etag.to_str().expect("text").to_owned()
}

#[tokio::test]
async fn a_user_is_created_read_patched_and_deleted() {
    let service = Service::start().await;
    let response = service
        .post("/users", json!({"email": "ada@example.com", "name": "Ada"}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let created_tag = etag_of(&response);
    assert_eq!(created_tag, "\"v1\"");
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["name"], "Ada");
    assert_eq!(created["orders"], 0);
    assert!(
        created.get("version").is_none(),
        "the version travels as the ETag"
    );
    // Real times: created now, and updated no earlier.
    let created_at: chrono::DateTime<chrono::Utc> =
        created["created_at"].as_str().unwrap().parse().unwrap();
    let age = chrono::Utc::now() - created_at;
    assert!(age.num_seconds().abs() < 60, "created_at {created_at}");
    assert_eq!(
        created["updated_at"], created["created_at"],
        "one write, one clock read"
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/users/{id}"));

    let read = service.get(&location).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(etag_of(&read), created_tag);
    assert_eq!(read.json::<Value>().await.unwrap(), created);

    let patched = service
        .patch(&location, Some(&created_tag), json!({"name": "Ada L."}))
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    assert_eq!(etag_of(&patched), "\"v2\"");
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(patched["name"], "Ada L.");
    assert_eq!(patched["email"], "ada@example.com", "untouched fields stay");
    assert_eq!(patched["created_at"], created["created_at"]);
    assert!(patched["updated_at"].as_str() >= created["updated_at"].as_str());

    // A patch that changes nothing, or names what a patch may not change: 4xx.
    let empty = service.patch(&location, None, json!({})).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let orders = service.patch(&location, None, json!({"orders": 9})).await;
    assert!(orders.status().is_client_error(), "{}", orders.status());

    // The old tag no longer matches: nothing is written.
    let stale = service
        .patch(&location, Some(&created_tag), json!({"name": "Mallory"}))
        .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let stale_delete = service.delete(&location, Some(&created_tag)).await;
    assert_eq!(stale_delete.status(), StatusCode::PRECONDITION_FAILED);
    let now: Value = service.get(&location).await.json().await.unwrap();
    assert_eq!(now["name"], "Ada L.");

    let deleted = service.delete(&location, Some("\"v2\"")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(service.get(&location).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        service.delete(&location, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let gone = service.patch(&location, None, json!({"name": "x"})).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let body: Value = gone.json().await.unwrap();
    assert!(body["error"].is_string(), "errors have a JSON body: {body}");
}

#[tokio::test]
async fn a_user_too_large_to_store_is_the_clients_mistake() {
    let service = Service::start().await;
    let name = "x".repeat(500 * 1024);
    let response = service
        .post("/users", json!({"email": "big@example.com", "name": name}))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("400000 bytes")
            || body["error"].as_str().unwrap().contains("limit"),
        "{body}"
    );
}

#[tokio::test]
async fn a_duplicate_create_is_409_and_leaves_the_first() {
    let service = Service::start().await;
    let id = "5e3c4a5e-7b7c-4c0a-9d0e-0f1e2d3c4b5a";
    let first = service
        .post(
            "/users",
            json!({"id": id, "email": "a@example.com", "name": "First"}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = service
        .post(
            "/users",
            json!({"id": id, "email": "b@example.com", "name": "Second"}),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let stored: Value = service
        .get(&format!("/users/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["name"], "First");
}

#[tokio::test]
async fn an_email_belongs_to_one_user_at_a_time() {
    let service = Service::start().await;
    let (first, first_tag) = service.user("Ada").await;
    let taken = service
        .post(
            "/users",
            json!({"email": "ada@example.com", "name": "Other"}),
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let body: Value = taken.json().await.unwrap();
    assert_eq!(body["error"], "another user has this email");
    let (second, second_tag) = service.user("Grace").await;
    let onto_ada = service
        .patch(
            &format!("/users/{second}"),
            Some(&second_tag),
            json!({"email": "ada@example.com"}),
        )
        .await;
    assert_eq!(onto_ada.status(), StatusCode::CONFLICT);
    // Moving Ada's email frees the old one; deleting a user frees hers.
    let moved = service
        .patch(
            &format!("/users/{first}"),
            Some(&first_tag),
            json!({"email": "lovelace@example.com"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["email"], "lovelace@example.com");
    let reused = service
        .post(
            "/users",
            json!({"email": "ada@example.com", "name": "New Ada"}),
        )
        .await;
    assert_eq!(reused.status(), StatusCode::CREATED);
    let gone = service.delete(&format!("/users/{second}"), None).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let (_, _) = service.user("Grace").await;
}

#[tokio::test]
async fn bad_requests_are_400_and_missing_items_404() {
    let service = Service::start().await;
    let bad_email = service
        .post("/users", json!({"email": "nobody", "name": "N"}))
        .await;
    assert_eq!(bad_email.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        service.get("/users/not-a-uuid").await.status(),
        StatusCode::BAD_REQUEST
    );
    let missing = "/users/00000000-0000-0000-0000-000000000001";
    assert_eq!(service.get(missing).await.status(), StatusCode::NOT_FOUND);
    let (user, _) = service.user("Ada").await;
    let nothing = service
        .patch(&format!("/users/{user}"), None, json!({}))
        .await;
    assert_eq!(nothing.status(), StatusCode::BAD_REQUEST);
    // The email's validator runs on a patch as on a create: the model declares it.
    let bad_patch = service
        .patch(
            &format!("/users/{user}"),
            None,
            json!({"email": "ada-at-home"}),
        )
        .await;
    assert_eq!(bad_patch.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = bad_patch.json().await.unwrap();
    assert_eq!(body["error"], "email: expected name@domain");
    let no_lines = service
        .post(&format!("/users/{user}/orders"), json!({"lines": []}))
        .await;
    assert_eq!(no_lines.status(), StatusCode::BAD_REQUEST);
    let forged = service
        .get(&format!("/users/{user}/orders?cursor=Zm9yZ2Vk"))
        .await;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    let missing_order = format!("/users/{user}/orders/0190b8a0-0000-7000-8000-000000000000");
    assert_eq!(
        service.get(&missing_order).await.status(),
        StatusCode::NOT_FOUND
    );
    let before = service.stored_items(None).await;
    let order_of_nobody = service
        .post(
            &format!("{missing}/orders"),
            json!({"lines": [{"sku": "A", "quantity": 1, "unit_price": "1"}]}),
        )
        .await;
    assert_eq!(order_of_nobody.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        service.stored_items(None).await,
        before,
        "an order for a missing user writes nothing"
    );
}

#[tokio::test]
async fn orders_are_placed_with_their_lines_listed_newest_first_and_deleted() {
    let service = Service::start().await;
    let (user, _) = service.user("Ada").await;
    let mut placed = Vec::new();
    for lines in 1..=7 {
        let order = service.order(&user, lines).await;
        assert_eq!(order["status"], "placed");
        let placed_at: chrono::DateTime<chrono::Utc> =
            order["placed_at"].as_str().unwrap().parse().unwrap();
        assert!((chrono::Utc::now() - placed_at).num_seconds().abs() < 60);
        assert_eq!(order["lines"].as_array().unwrap().len(), lines);
        // 2.50 × (1 + 2 + … + lines), exact.
        let total: f64 = order["total"].as_str().unwrap().parse().unwrap();
        assert_eq!(total, 2.5 * (lines * (lines + 1) / 2) as f64);
        placed.push(order["order_id"].as_str().unwrap().to_owned());
    }
    let profile: Value = service
        .get(&format!("/users/{user}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["orders"], 7, "the count moved with each order");

    // Pages of 3: 3 + 3 + 1, newest first, each order once.
    let (orders, pages) = service.list_all(&format!("/users/{user}/orders"), 3).await;
    let listed: Vec<&str> = orders
        .iter()
        .map(|o| o["order_id"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = placed.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, newest_first);
    assert!((3..=4).contains(&pages), "{pages} pages");

    // Another user's cursor does not open this user's orders.
    let (other, _) = service.user("Grace").await;
    service.order(&other, 1).await;
    let first_page: Value = service
        .get(&format!("/users/{user}/orders?limit=2"))
        .await
        .json()
        .await
        .unwrap();
    let cursor = first_page["next_cursor"].as_str().unwrap();
    let stolen = service
        .get(&format!("/users/{other}/orders?cursor={cursor}"))
        .await;
    assert_eq!(stolen.status(), StatusCode::BAD_REQUEST);

    // An order read alone, patched, then deleted with its lines.
    let path = format!("/users/{user}/orders/{}", placed[6]);
    let lines_of = format!("ORDER#{}", placed[6]);
    assert_eq!(service.stored_items(Some(&lines_of)).await, 7);
    let before = service.stored_items(None).await;
    let read = service.get(&path).await;
    let tag = etag_of(&read);
    let body: Value = read.json().await.unwrap();
    let skus: Vec<&str> = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku"].as_str().unwrap())
        .collect();
    assert_eq!(
        skus,
        ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-6", "SKU-7"]
    );
    let paid = service
        .patch(&path, Some(&tag), json!({"status": "paid"}))
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    let paid_tag = etag_of(&paid);
    assert_eq!(paid.json::<Value>().await.unwrap()["status"], "paid");
    assert_eq!(
        service.delete(&path, Some(&tag)).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        service.delete(&path, Some(&paid_tag)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(service.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        service.stored_items(Some(&lines_of)).await,
        0,
        "its lines are gone"
    );
    assert_eq!(
        service.stored_items(None).await,
        before - 8,
        "the order and its 7 lines, nothing else"
    );
    assert_eq!(
        service.delete(&path, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let profile: Value = service
        .get(&format!("/users/{user}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["orders"], 6);

    // A user with orders is not deleted.
    let refused = service.delete(&format!("/users/{user}"), None).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn users_page_to_the_end_each_once() {
    let service = Service::start().await;
    let mut created = HashSet::new();
    for i in 0..23 {
        created.insert(service.user(&format!("User{i}")).await.0);
        if i % 5 == 0 {
            // Other entities in the table do not show up as users.
            let user = created.iter().next().unwrap().clone();
            service.order(&user, 2).await;
        }
    }
    let (users, pages) = service.list_all("/users", 4).await;
    let listed: Vec<String> = users
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed.len(), 23, "each user once");
    assert_eq!(listed.into_iter().collect::<HashSet<_>>(), created);
    assert!(pages >= 6, "{pages} pages of at most 4");
}

#[tokio::test]
async fn of_two_racing_patches_with_one_etag_exactly_one_wins() {
    // Every write of the service waits 300 ms before it reaches the server, so both
    // PATCHes have read (and checked) the item before either writes: a service that
    // checked the ETag and then wrote without a condition would answer 200 twice.
    let proxy = FaultProxy::start(
        &dynamap_tests::endpoint(),
        FaultPlan {
            delay: (1.0, std::time::Duration::from_millis(300)),
            only: &["UpdateItem", "PutItem", "TransactWriteItems"],
            ..FaultPlan::default()
        },
    )
    .await;
    let stats = proxy.stats.clone();
    let service = Service::start_with(Some(proxy)).await;
    for round in 0..5 {
        let (user, tag) = service.user(&format!("Racer{round}")).await;
        let path = format!("/users/{user}");
        let (a, b) = tokio::join!(
            service.patch(&path, Some(&tag), json!({"name": "A"})),
            service.patch(&path, Some(&tag), json!({"name": "B"})),
        );
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
            "round {round}"
        );
        let winner = if a.status() == StatusCode::OK {
            "A"
        } else {
            "B"
        };
        let stored: Value = service.get(&path).await.json().await.unwrap();
        assert_eq!(stored["name"], winner, "the stored name is the winner's");
        let stored_tag = etag_of(&service.get(&path).await);
        assert_eq!(stored_tag, "\"v2\"", "one write landed");
    }
    // Each round's two PATCHes were both slowed (the creates too).
    assert!(stats.delayed.load(std::sync::atomic::Ordering::Relaxed) >= 10);
}
