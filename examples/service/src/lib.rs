//! An HTTP API on one DynamoDB table, built with dynamap and axum: users, their orders
//! and each order's lines (see [`model`] for the table design).
//!
//! | method | path | what |
//! |---|---|---|
//! | `POST` | `/users` | create a user (201; 409 if the id is taken) |
//! | `GET` | `/users?cursor=&limit=` | a page of users |
//! | `GET` / `PATCH` / `DELETE` | `/users/{id}` | one user (`ETag`; `If-Match` on writes: 412 if stale) |
//! | `POST` | `/users/{id}/orders` | place an order with its lines (one transaction) |
//! | `GET` | `/users/{id}/orders?cursor=&limit=` | a page of the user's orders, newest first |
//! | `GET` / `PATCH` / `DELETE` | `/users/{id}/orders/{order_id}` | one order with its lines |
//!
//! Missing items are 404, bad input and bad cursors 400. Cursors are sealed page
//! tokens. Every DynamoDB request is a `tracing` span (target `dynamap`) inside the HTTP
//! request's span.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use dynamap_example_service::{router, AppState};
//! let client = dynamap::connect().await?;
//! let state = AppState::new(client, "app", *b"load 32 bytes from secret store!");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, router(state)).await?;
//! # Ok(()) }
//! ```

pub mod error;
pub mod etag;
pub mod model;
pub mod orders;
pub mod page;
pub mod state;
pub mod users;

pub use state::AppState;

use axum::routing::get;
use axum::Router;
use tower_http::trace::TraceLayer;

/// The service's routes over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{user_id}",
            get(users::get).patch(users::patch).delete(users::delete),
        )
        .route(
            "/users/{user_id}/orders",
            get(orders::list).post(orders::create),
        )
        .route(
            "/users/{user_id}/orders/{order_id}",
            get(orders::get).patch(orders::patch).delete(orders::delete),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
