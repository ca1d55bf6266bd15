//! Reading many items: lazy, typed scans and queries (one page in memory per stream,
//! per segment for a parallel scan; the next page requested only when the stream is
//! polled past the current one; nothing sent after the stream is dropped), collections,
//! counts and the page tokens that resume them.

mod entry;
mod key_range;
mod merge;
mod page;
mod query;
pub(crate) mod read;
mod scan;

mod count;

pub use crate::key::PageToken;
#[cfg(feature = "sealed-tokens")]
pub use crate::key::TokenSecret;
pub use count::Count;
pub use page::Page;
pub use query::Query;
pub use scan::Scan;
pub use scan::MAX_PARALLEL_SEGMENTS;
pub(crate) use scan::{decode_entry, decode_key, ScanOptions};

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::error::Result;
use crate::sdk_item::Item;

/// Turns a stream of raw pages into a stream of decoded items, stopping after `limit`.
pub(crate) fn decoded_items<Out: Send + 'static>(
    pages: Result<BoxStream<'static, Result<read::RawPage>>>,
    decode: impl Fn(Item) -> Result<Out> + Clone + Send + Sync + 'static,
    limit: Option<usize>,
) -> BoxStream<'static, Result<Out>> {
    let pages = match pages {
        Ok(pages) => pages,
        Err(e) => return stream::once(async move { Err(e) }).boxed(),
    };
    let items = pages
        .map_ok(move |page| stream::iter(page.items.into_iter().map(decode.clone())))
        .try_flatten();
    match limit {
        Some(n) => items.take(n).boxed(),
        None => items.boxed(),
    }
}

/// Turns a stream of raw pages into typed pages, trimming the last to `limit` items.
/// After the limit nothing more is polled, so no request is sent for a page that would
/// be thrown away. A trimmed page's token resumes right after its last item.
pub(crate) fn decoded_pages<Out: Send + Sync + 'static>(
    pages: Result<BoxStream<'static, Result<read::RawPage>>>,
    decode: impl Fn(Item) -> Result<Out> + Clone + Send + Sync + 'static,
    limit: Option<usize>,
    key_names: Vec<String>,
    scope: std::sync::Arc<str>,
) -> BoxStream<'static, Result<Page<Out>>> {
    let pages = match pages {
        Ok(pages) => pages,
        Err(e) => return stream::once(async move { Err(e) }).boxed(),
    };
    stream::unfold((pages, limit), move |(mut pages, remaining)| {
        let key_names = key_names.clone();
        let decode = decode.clone();
        let scope = scope.clone();
        async move {
            if remaining == Some(0) {
                return None;
            }
            let mut raw = match pages.next().await? {
                Ok(raw) => raw,
                Err(e) => return Some((Err(e), (pages, remaining))),
            };
            if let Some(n) = remaining {
                raw.truncate(n, &key_names);
            }
            let remaining = remaining.map(|n| n.saturating_sub(raw.items.len()));
            Some((Page::decode(raw, &decode, &scope), (pages, remaining)))
        }
    })
    .boxed()
}

/// The settings every read of many items offers (a typed scan or query, a collection's
/// query, an untyped scan), written once. `$setup` is an example's hidden lines that
/// end inside a function with a `read` in scope, an expression of the builder the
/// methods are for; `$($field).*` is the path from the builder to the read's state.
macro_rules! read_settings {
    ($setup:literal $(, $field:ident)*) => {
        /// Stops after `n` items overall.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet first_ten = read.limit(10).stream();\n# }\n```")]
        pub fn limit(mut self, n: usize) -> Self {
            self$(.$field)*.limit = Some(n);
            self
        }

        /// Items per request (DynamoDB's `Limit`; a page is also cut at 1 MB).
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet pages = read.page_size(100).pages();\n# }\n```")]
        pub fn page_size(mut self, n: u32) -> Self {
            self$(.$field)*.spec.page_size = Some(n);
            self
        }

        /// Paces the read to `units` read capacity units per second, by the capacity
        /// DynamoDB reports for each page (one budget for all the segments of a parallel
        /// scan): a page that overdraws the budget is held until the budget has paid for
        /// it, so the whole read never runs faster than its units divided by `units`. (A
        /// server that reports no capacity is not paced.)
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet gentle = read.read_units_per_second(25.0).stream();\n# }\n```")]
        pub fn read_units_per_second(mut self, units: f64) -> Self {
            self$(.$field)*.spec.read_units_per_second = Some(units);
            self
        }

        /// Strongly consistent reads: twice the read cost, and not available on global
        /// secondary indexes.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet fresh = read.consistent_read(true).stream();\n# }\n```")]
        pub fn consistent_read(mut self, on: bool) -> Self {
            self$(.$field)*.spec.consistent_read = on;
            self
        }

        /// Resumes after the page that gave `token`.
        ///
        #[doc = concat!("```no_run\n", $setup, "\n# let token: dynamap::reads::PageToken = \"AQAA\".parse().unwrap();\nlet rest = read.start_from(token).pages();\n# }\n```")]
        pub fn start_from(mut self, token: crate::key::PageToken) -> Self {
            self$(.$field)*.start = Some(crate::key::token::StartFrom::Token(token));
            self
        }

        /// Resumes from a token sealed with
        /// [`PageToken::seal`](crate::reads::PageToken::seal); the read fails when the
        /// token was not sealed with `secret` for this same table, index and partition
        /// (or scan segment).
        ///
        #[doc = concat!("```no_run\n", $setup, "\n# let (cursor, secret) = (\"s1.AAAA\", [7u8; 32]);\nlet next = read.start_from_sealed(cursor, &secret).pages();\n# }\n```")]
        #[cfg(feature = "sealed-tokens")]
        pub fn start_from_sealed(mut self, sealed: &str, secret: &crate::key::TokenSecret) -> Self {
            self$(.$field)*.start = Some(crate::key::token::StartFrom::Sealed(sealed.to_owned(), *secret));
            self
        }
    };
}

pub(crate) use read_settings;
