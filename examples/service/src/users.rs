//! `/users`: create, read, list, patch and delete users.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use dynamap::prelude::*;
use dynamap::Error;
use futures::TryStreamExt;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::etag::{etag, if_match};
use crate::model::{User, UserId, UserPatch};
use crate::page::{Listing, PageParams};
use crate::state::AppState;

/// The body of `POST /users`. A client may choose the id (so a retried create is
/// recognised as a duplicate: 409); otherwise the service makes one.
#[derive(Debug, Deserialize)]
pub struct NewUser {
    /// The id to create the user under.
    pub id: Option<UserId>,
    /// The user's email.
    pub email: String,
    /// The user's name.
    pub name: String,
}

/// A user with its `ETag`.
fn tagged(status: StatusCode, user: User) -> Response {
    (status, [etag(user.version)], Json(user)).into_response()
}

/// `POST /users`: 201 with the user and its `ETag`; 409 if the id is taken.
pub async fn create(
    State(state): State<AppState>,
    Json(new): Json<NewUser>,
) -> ApiResult<Response> {
    // Placeholders: an insert only if absent creates the item, so dynamap stamps both
    // `created_at` and `updated_at` with its one clock read of the write.
    let now = Utc::now();
    let user = User {
        id: new.id.unwrap_or_else(|| UserId(Uuid::new_v4())),
        email: new.email,
        name: new.name,
        orders: 0,
        created_at: now,
        updated_at: now,
        version: 0,
    };
    match state.users().insert_if_absent(&user).await {
        Ok(_) => {}
        Err(Error::ConditionFailed { .. } | Error::VersionConflict { .. }) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "a user with this id exists",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    // Read back what was stored: its timestamps and version are the table's.
    let stored = fetch(&state, user.id).await?;
    let location = format!("/users/{}", stored.id.0);
    let mut response = tagged(StatusCode::CREATED, stored);
    if let Ok(location) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn fetch(state: &AppState, id: UserId) -> ApiResult<User> {
    state
        .users()
        .get(&id)
        .consistent_read(true)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))
}

/// `GET /users/{id}`: the user and its `ETag`.
pub async fn get(State(state): State<AppState>, Path(id): Path<UserId>) -> ApiResult<Response> {
    Ok(tagged(StatusCode::OK, fetch(&state, id).await?))
}

/// `GET /users/?cursor=&limit=`: one page of users (a scan of the user entity).
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
) -> ApiResult<Json<Listing<User>>> {
    let mut scan = state.users().scan().page_size(params.limit());
    if let Some(cursor) = &params.cursor {
        scan = scan.start_from_sealed(cursor, state.secret());
    }
    let page = scan.pages().try_next().await?;
    Ok(Json(Listing::of(page, state.secret())?))
}

/// `PATCH /users/{id}`: changes the fields given, in one UpdateItem; with `If-Match`,
/// only over that version (412 otherwise).
pub async fn patch(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    headers: HeaderMap,
    Json(patch): Json<UserPatch>,
) -> ApiResult<Response> {
    if patch.is_empty() {
        return Err(ApiError::bad_request("nothing to change"));
    }
    let f = User::fields();
    // The fields given, in one UpdateItem (an email moves its index entry with it).
    let mut modify = state.users().modify(&id).patch(patch);
    if let Some(version) = if_match(&headers)? {
        modify = modify.when(f.version.eq(version));
    }
    let user = modify.return_new().await?;
    Ok(tagged(StatusCode::OK, user))
}

/// `DELETE /users/{id}`: 204; 409 while the user has orders; with `If-Match`, only that
/// version (412 otherwise).
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let f = User::fields();
    let expected = if_match(&headers)?;
    let mut remove = state.users().remove(&id).when(f.orders.eq(0));
    if let Some(version) = expected {
        remove = remove.when(f.version.eq(version));
    }
    match remove.await {
        Ok(Some(_)) => Ok(StatusCode::NO_CONTENT),
        Ok(None) => Err(ApiError::not_found("user")),
        Err(Error::ConditionFailed {
            item: Some(stored), ..
        }) => {
            // Which condition failed: the version read, or the orders still there.
            let stored = User::from_item(*stored)?;
            match expected {
                Some(version) if version != stored.version => Err(ApiError::stale()),
                _ => Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("the user has {} orders; delete them first", stored.orders),
                )),
            }
        }
        Err(e) => Err(e.into()),
    }
}
