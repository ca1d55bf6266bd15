//! Listing endpoints: `?cursor=...&limit=...` in, `{ "items": [...], "next_cursor": ... }`
//! out. Cursors are sealed page tokens: encrypted and authenticated with the service's
//! secret, so a client can neither read nor forge one, and a user's cursor does not
//! open another user's partition.

use dynamap::{reads::Page, reads::TokenSecret};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;

/// The query string of a listing.
#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items to read for this page (1 to 100, 20 by default).
    pub limit: Option<u32>,
}

impl PageParams {
    /// The page size asked for, within bounds.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(20).clamp(1, 100)
    }
}

/// One page of a listing.
#[derive(Debug, Serialize)]
pub struct Listing<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// Where the next page starts; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Listing<T> {
    /// The listing of one page read from DynamoDB (none: the end).
    pub fn of(page: Option<Page<T>>, secret: &TokenSecret) -> ApiResult<Self> {
        let Some(page) = page else {
            return Ok(Listing {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let next_cursor = page.next_token().map(|t| t.seal(secret)).transpose()?;
        Ok(Listing {
            items: page.into_items(),
            next_cursor,
        })
    }
}
