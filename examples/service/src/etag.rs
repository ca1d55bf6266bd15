//! `ETag` and `If-Match` from an item's version: the version a client read is the
//! version its write must find, or the write is refused with 412.

use axum::http::header::{HeaderMap, HeaderValue, ETAG, IF_MATCH};

use crate::error::{ApiError, ApiResult};

/// The `ETag` of an item at `version`: a strong tag, `"v7"`.
pub fn etag(version: u64) -> (axum::http::HeaderName, HeaderValue) {
    let value = HeaderValue::from_str(&format!("\"v{version}\"")).expect("ASCII digits");
    (ETAG, value)
}

/// The version an `If-Match` header names: `None` without the header (the write is
/// unconditional), `*` included (any stored version will do, but the item must exist).
pub fn if_match(headers: &HeaderMap) -> ApiResult<Option<u64>> {
    let Some(value) = headers.get(IF_MATCH) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("If-Match is not text"))?
        .trim();
    if text == "*" {
        return Ok(None);
    }
    text.strip_prefix("\"v")
        .and_then(|rest| rest.strip_suffix('"'))
        .and_then(|digits| digits.parse().ok())
        .map(Some)
        // A tag this service never made cannot match any stored version.
        .ok_or_else(ApiError::stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(IF_MATCH, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_tag_round_trips() {
        let (_, value) = etag(42);
        assert_eq!(value, "\"v42\"");
        assert_eq!(if_match(&headers("\"v42\"")).unwrap(), Some(42));
    }

    #[test]
    fn no_header_and_star_are_unconditional() {
        assert_eq!(if_match(&HeaderMap::new()).unwrap(), None);
        assert_eq!(if_match(&headers("*")).unwrap(), None);
    }

    #[test]
    fn a_foreign_tag_is_stale() {
        let error = if_match(&headers("W/\"abc\"")).unwrap_err();
        assert_eq!(error.status, axum::http::StatusCode::PRECONDITION_FAILED);
    }
}
