//! `/users/{user_id}/orders`: place, read, list, patch and delete a user's orders.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use dynamap::prelude::*;
use futures::TryStreamExt;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::etag::{etag, if_match};
use crate::model::{Order, OrderId, OrderLine, OrderStatus, UserId};
use crate::page::{Listing, PageParams};
use crate::state::AppState;

/// DynamoDB takes at most 100 actions in a transaction: the order, its lines and the
/// user's count must fit.
pub const MAX_LINES: usize = 50;

/// One line of `POST /users/{id}/orders`.
#[derive(Debug, Deserialize)]
pub struct NewLine {
    /// What is bought.
    pub sku: String,
    /// How many (at least 1).
    pub quantity: u32,
    /// The price of one (not negative), as a string or a number.
    pub unit_price: Decimal,
}

/// The body of `POST /users/{id}/orders`.
#[derive(Debug, Deserialize)]
pub struct NewOrder {
    /// 1 to [`MAX_LINES`] lines.
    pub lines: Vec<NewLine>,
}

/// The body of `PATCH /users/{id}/orders/{order_id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderPatch {
    /// The new status.
    pub status: Option<OrderStatus>,
}

/// An order with its lines, as `GET` returns it.
#[derive(Debug, Serialize)]
pub struct OrderView {
    /// The order.
    #[serde(flatten)]
    pub order: Order,
    /// Its lines, in line order.
    pub lines: Vec<OrderLine>,
}

fn lines_of(order_id: OrderId, new: Vec<NewLine>) -> ApiResult<Vec<OrderLine>> {
    if new.is_empty() || new.len() > MAX_LINES {
        return Err(ApiError::bad_request(format!(
            "an order has 1 to {MAX_LINES} lines"
        )));
    }
    new.into_iter()
        .zip(1..)
        .map(|(line, number)| {
            if line.quantity == 0 || line.unit_price.is_sign_negative() || line.sku.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "line {number}: a sku, a quantity of at least 1 and a price not below 0"
                )));
            }
            Ok(OrderLine {
                order_id,
                line: number,
                sku: line.sku,
                quantity: line.quantity,
                unit_price: line.unit_price,
            })
        })
        .collect()
}

/// `POST /users/{id}/orders`: places the order, its lines and the user's new order
/// count in one transaction; 404 if there is no such user.
pub async fn create(
    State(state): State<AppState>,
    Path(user_id): Path<UserId>,
    Json(new): Json<NewOrder>,
) -> ApiResult<Response> {
    let order_id = OrderId::new();
    let lines = lines_of(order_id, new.lines)?;
    let total = lines
        .iter()
        .map(|l| l.unit_price * Decimal::from(l.quantity))
        .sum();
    // `updated_at` is stamped by dynamap; the placing time is this order's own.
    let now = Utc::now();
    let order = Order {
        user_id,
        order_id,
        status: OrderStatus::Placed,
        total,
        placed_at: now,
        updated_at: now,
        version: 0,
    };
    // The order keeps its user's count (`count(User, ..)`): the transaction adds one to
    // it, and when the user does not exist nothing of the order is written.
    let mut transaction =
        dynamap::transaction(state.table().client()).put_if_absent(state.orders(), &order);
    for line in &lines {
        transaction = transaction.put(state.lines(), line);
    }
    match transaction.await {
        Ok(()) => {}
        Err(dynamap::Error::ParentMissing { .. }) => return Err(ApiError::not_found("user")),
        Err(e) => return Err(e.into()),
    }
    let view = fetch(&state, user_id, order_id).await?;
    Ok(tagged(StatusCode::CREATED, view))
}

fn tagged(status: StatusCode, view: OrderView) -> Response {
    (status, [etag(view.order.version)], Json(view)).into_response()
}

async fn fetch(state: &AppState, user_id: UserId, order_id: OrderId) -> ApiResult<OrderView> {
    let order = state
        .orders()
        .get(&(user_id, order_id))
        .consistent_read(true)
        .await?
        .ok_or_else(|| ApiError::not_found("order"))?;
    let lines = lines_of_order(state, order_id).await?;
    Ok(OrderView { order, lines })
}

/// An order's lines, in line order, as last written (one query of its partition).
async fn lines_of_order(state: &AppState, order_id: OrderId) -> ApiResult<Vec<OrderLine>> {
    let lines = state
        .lines()
        .query(&order_id)
        .consistent_read(true)
        .stream();
    Ok(lines.try_collect().await?)
}

/// `GET /users/{id}/orders/{order_id}`: the order, its lines and its `ETag`.
pub async fn get(
    State(state): State<AppState>,
    Path((user_id, order_id)): Path<(UserId, OrderId)>,
) -> ApiResult<Response> {
    Ok(tagged(
        StatusCode::OK,
        fetch(&state, user_id, order_id).await?,
    ))
}

/// `GET /users/{id}/orders?cursor=&limit=`: the user's orders, newest first. The
/// cursor is bound to this user's partition: another user's cursor is a 400.
pub async fn list(
    State(state): State<AppState>,
    Path(user_id): Path<UserId>,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<Listing<Order>>> {
    let mut query = state
        .orders()
        .query(&user_id)
        .reverse(true)
        .consistent_read(true)
        .page_size(params.limit());
    if let Some(cursor) = &params.cursor {
        query = query.start_from_sealed(cursor, state.secret());
    }
    let page = query.pages().try_next().await?;
    Ok(Json(Listing::of(page, state.secret())?))
}

/// `PATCH /users/{id}/orders/{order_id}`: a new status; with `If-Match`, only over
/// that version (412 otherwise).
pub async fn patch(
    State(state): State<AppState>,
    Path((user_id, order_id)): Path<(UserId, OrderId)>,
    headers: HeaderMap,
    Json(patch): Json<OrderPatch>,
) -> ApiResult<Response> {
    let f = Order::fields();
    let Some(status) = patch.status else {
        return Err(ApiError::bad_request("nothing to change"));
    };
    let mut modify = state
        .orders()
        .modify(&(user_id, order_id))
        .set(f.status, status);
    if let Some(version) = if_match(&headers)? {
        modify = modify.when(f.version.eq(version));
    }
    let order = modify.return_new().await?;
    let lines = lines_of_order(&state, order_id).await?;
    Ok(tagged(StatusCode::OK, OrderView { order, lines }))
}

/// `DELETE /users/{id}/orders/{order_id}`: the order, its lines and one off the user's
/// count, in one transaction; 404 if there is no such order; with `If-Match`, only
/// that version (412 otherwise).
pub async fn delete(
    State(state): State<AppState>,
    Path((user_id, order_id)): Path<(UserId, OrderId)>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let f = Order::fields();
    // The order must exist; with If-Match, at that version.
    let condition = match if_match(&headers)? {
        Some(version) => f.version.eq(version),
        None => f.status.exists(),
    };
    let lines = lines_of_order(&state, order_id).await?;
    // Removing the order takes one off its user's count, in the same transaction.
    let mut transaction = dynamap::transaction(state.table().client()).remove_when(
        state.orders(),
        &(user_id, order_id),
        condition,
    );
    for line in &lines {
        transaction = transaction.remove(state.lines(), &(line.order_id, line.line));
    }
    match transaction.await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        // The order's condition failed: over another version (stale), or no order.
        Err(dynamap::Error::TransactionCancelled { actions, .. }) => {
            let failed = actions
                .iter()
                .find(|a| a.reason == dynamap::error::CancelReason::ConditionFailed);
            match failed {
                Some(action) if action.item.is_some() => Err(ApiError::stale()),
                Some(_) => Err(ApiError::not_found("order")),
                None => Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "a concurrent change; try again",
                )),
            }
        }
        Err(e) => Err(e.into()),
    }
}
