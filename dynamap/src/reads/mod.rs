//! Reading many items: lazy, typed scans and queries (one page in memory per stream,
//! per segment for a parallel scan; the next page requested only when the stream is
//! polled past the current one; nothing sent after the stream is dropped), collections,
//! counts and the page tokens that resume them.

mod entry;
mod page;
mod query;
pub(crate) mod read;
mod scan;

mod count;

pub use crate::key::PageToken;
#[cfg(feature = "sealed-tokens")]
pub use crate::key::TokenSecret;
pub use crate::single_table::{Collection, CollectionQuery};
pub(crate) use count::count_items;
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
