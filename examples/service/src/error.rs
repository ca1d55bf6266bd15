//! How dynamap's errors become HTTP answers: the status a client can act on, and a JSON
//! body saying why.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dynamap::{error::CancelReason, Error};

/// An HTTP error answer: a status and a message.
#[derive(Debug)]
pub struct ApiError {
    /// The status sent.
    pub status: StatusCode,
    /// Why, in the body's `error` field.
    pub message: String,
}

impl ApiError {
    /// An answer with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 404 Not Found.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("no such {what}"))
    }

    /// 412 Precondition Failed: the `If-Match` version is not the stored one.
    pub fn stale() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "the item changed since that ETag was read",
        )
    }

    /// 400 Bad Request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match &error {
            Error::NotFound { .. } => ApiError::not_found("item"),
            Error::VersionConflict { found: None, .. } => ApiError::not_found("item"),
            Error::VersionConflict { .. } => ApiError::stale(),
            // A conditional write on an item that is not there failed its condition
            // with no item to show: the item is missing. With an item: it changed.
            Error::ConditionFailed { item: None, .. } => ApiError::not_found("item"),
            Error::ConditionFailed { .. } => ApiError::stale(),
            Error::InvalidPageToken { .. } => ApiError::bad_request("invalid cursor"),
            Error::Conversion(e) => ApiError::bad_request(e.to_string()),
            // A value a validator refused (`email: expected name@domain`).
            Error::Invalid {
                field: Some(field),
                reason,
                ..
            } => ApiError::bad_request(format!("{field}: {reason}")),
            Error::Invalid { reason, .. } => ApiError::bad_request(reason.clone()),
            // Another user holds the value (a unique field): nothing was written.
            Error::NotUnique { field, .. } => ApiError::new(
                StatusCode::CONFLICT,
                format!("another user has this {field}"),
            ),
            // The client sent more than one item may hold: refused before sending.
            Error::ItemTooLarge { limit, .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the item would be over DynamoDB's limit of {limit} bytes"),
            ),
            // A key the client gave that no item can have (too long, empty).
            Error::Key(problem) => ApiError::bad_request(problem.clone()),
            Error::TransactionCancelled { actions, .. }
                if actions
                    .iter()
                    .any(|a| a.reason == CancelReason::TransactionConflict) =>
            {
                ApiError::new(StatusCode::CONFLICT, "a concurrent change; try again")
            }
            _ => {
                tracing::error!(error = %error, "request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": self.message }));
        (self.status, body).into_response()
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;
