//! The untyped engine under every scan and query, typed or not: renders the
//! expressions once, then fetches one page per poll.

use std::sync::Arc;

use aws_sdk_dynamodb::types::Select;
use aws_sdk_dynamodb::Client;
use futures::stream::{self, Stream};

use crate::attr_path::AttrPath;
use crate::error::{Error, Result};
use crate::expr::{Apply, Node, Rendered, Renderer};
use crate::observe::{Call, Observer, RateLimiter};
use crate::sdk_item::Item;

/// Everything a scan or query request says, rendered once and shared by its pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadRequest {
    pub table: String,
    pub index: Option<String>,
    /// A query has a key condition; a scan does not.
    pub expressions: Rendered,
    pub page_size: Option<i32>,
    pub consistent_read: bool,
    pub scan_forward: bool,
    /// `(segment, total)` for one segment of a parallel scan.
    pub segment: Option<(i32, i32)>,
    pub observer: Observer,
    /// The budget every page pays into (shared by the segments of a parallel scan).
    pub rate: Option<Arc<RateLimiter>>,
    /// `Select=COUNT`: pages carry a count, no items.
    pub count_only: bool,
    /// A query of a table without a sort key: its partition holds one item, so the
    /// first page is the whole answer, whatever resume key comes with it.
    pub one_page: bool,
}

/// The parts of a request before rendering.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadSpec {
    pub table: String,
    pub index: Option<String>,
    pub key_condition: Option<Node>,
    pub filter: Option<Node>,
    pub projection: Option<Vec<AttrPath>>,
    pub page_size: Option<u32>,
    pub consistent_read: bool,
    pub reverse: bool,
    pub observer: Observer,
    /// Read capacity units per second to pace the pages to.
    pub read_units_per_second: Option<f64>,
    /// Count the items instead of reading them (`Select=COUNT`, no projection).
    pub count_only: bool,
    /// See [`ReadRequest::one_page`].
    pub one_page: bool,
}

impl ReadSpec {
    /// Narrows the filter to the items `node` keeps too (AND); `None` keeps it.
    pub(crate) fn and_filter(&mut self, node: Option<Node>) {
        self.filter = crate::expr::all_of(self.filter.take().into_iter().chain(node).collect());
    }

    /// A projected read also reads `key_names` (the key attributes a LastEvaluatedKey
    /// is made of): a page trimmed to a limit resumes after its last item, and only
    /// that item's key can make the token.
    pub(crate) fn project_keys(&mut self, key_names: &[String]) {
        if let Some(paths) = &mut self.projection {
            for name in key_names {
                let path = AttrPath::from(name.clone());
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
    }

    pub(crate) fn render(&self) -> Result<ReadRequest> {
        let mut renderer = Renderer::new(if self.key_condition.is_some() {
            "Query"
        } else {
            "Scan"
        });
        renderer
            .key_condition(self.key_condition.as_ref())?
            .filter(self.filter.as_ref())?;
        if let (Some(paths), false) = (&self.projection, self.count_only) {
            renderer.projection(paths)?;
        }
        let page_size = self
            .page_size
            .map(|n| i32::try_from(n.max(1)).unwrap_or(i32::MAX));
        Ok(ReadRequest {
            table: self.table.clone(),
            index: self.index.clone(),
            expressions: renderer.finish(),
            page_size,
            consistent_read: self.consistent_read,
            scan_forward: !self.reverse,
            segment: None,
            observer: self.observer.clone(),
            rate: self.read_units_per_second.map(RateLimiter::new),
            count_only: self.count_only,
            one_page: self.one_page,
        })
    }
}

/// One page as DynamoDB returned it.
#[derive(Debug)]
pub(crate) struct RawPage {
    pub items: Vec<Item>,
    /// The items the page matched: as many as `items`, or for `Select=COUNT` the
    /// count DynamoDB gave.
    pub count: u64,
    pub last_key: Option<Item>,
    pub segment: Option<i32>,
}

impl RawPage {
    /// Keeps the first `n` items; when items are dropped, the page's resume point
    /// becomes the key of the last item kept (`key_names`: the table's and the
    /// index's key attributes, which make up a LastEvaluatedKey).
    pub(crate) fn truncate(&mut self, n: usize, key_names: &[String]) {
        if self.items.len() <= n {
            return;
        }
        self.items.truncate(n);
        self.count = self.items.len() as u64;
        self.last_key = self.items.last().map(|last| {
            key_names
                .iter()
                .filter_map(|name| last.get(name).map(|v| (name.clone(), v.clone())))
                .collect()
        });
    }
}

async fn fetch(client: &Client, request: &ReadRequest, start: Option<Item>) -> Result<RawPage> {
    let call = Call::new(&request.table, &request.observer)
        .index(request.index.as_deref())
        .rate(request.rate.as_deref());
    let select = request.count_only.then_some(Select::Count);
    let (items, count, last_key) = if request.expressions.key_condition.is_some() {
        let query = client
            .query()
            .table_name(&request.table)
            .set_index_name(request.index.clone())
            .apply(request.expressions.clone())
            .set_limit(request.page_size)
            .consistent_read(request.consistent_read)
            .scan_index_forward(request.scan_forward)
            .set_select(select)
            .set_exclusive_start_key(start);
        let output = crate::observe::send_classified(query, call).await?;
        (output.items, output.count, output.last_evaluated_key)
    } else {
        let scan = client
            .scan()
            .table_name(&request.table)
            .set_index_name(request.index.clone())
            .apply(request.expressions.clone())
            .set_limit(request.page_size)
            .consistent_read(request.consistent_read)
            .set_segment(request.segment.map(|(segment, _)| segment))
            .set_total_segments(request.segment.map(|(_, total)| total))
            .set_select(select)
            .set_exclusive_start_key(start);
        let output = crate::observe::send_classified(scan, call).await?;
        (output.items, output.count, output.last_evaluated_key)
    };
    let items = items.unwrap_or_default();
    let count = match request.count_only {
        // A count below zero is no answer DynamoDB gives: it counts as nothing.
        true => u64::try_from(count).unwrap_or(0),
        false => items.len() as u64,
    };
    Ok(RawPage {
        items,
        count,
        last_key: last_key.filter(|key| !key.is_empty()),
        segment: request.segment.map(|(segment, _)| segment),
    })
}

enum Cursor {
    Next(Option<Item>),
    Done,
}

/// Pages of one scan segment or one query, fetched one per poll: nothing is sent
/// before the first poll, and nothing after the stream is dropped.
pub(crate) fn pages(
    client: Client,
    request: Arc<ReadRequest>,
    start: Option<Item>,
) -> impl Stream<Item = Result<RawPage>> + Send + 'static {
    stream::try_unfold(Cursor::Next(start), move |cursor| {
        let client = client.clone();
        let request = request.clone();
        async move {
            let Cursor::Next(start) = cursor else {
                return Ok(None);
            };
            let mut page = fetch(&client, &request, start.clone()).await?;
            if request.one_page {
                page.last_key = None;
            }
            let next = match &page.last_key {
                // Resuming where it started would ask for the same page for ever.
                Some(key) if Some(key) == start.as_ref() => {
                    return Err(Error::UnexpectedAnswer {
                        operation: if request.expressions.key_condition.is_some() {
                            "Query"
                        } else {
                            "Scan"
                        },
                        problem: "the page's resume key is the key it started after: the \
                                  server made no progress"
                            .to_owned(),
                    });
                }
                Some(key) => Cursor::Next(Some(key.clone())),
                None => Cursor::Done,
            };
            Ok(Some((page, next)))
        }
    })
}

/// The pages of every segment of a parallel scan, merged as they arrive: each segment
/// fetches its next page as soon as the merged stream is polled and it has none
/// waiting, so `total` requests are in flight at most.
pub(crate) fn parallel_pages(
    client: Client,
    request: ReadRequest,
    total: u32,
) -> impl Stream<Item = Result<RawPage>> + Send + 'static {
    let total = i32::try_from(total.clamp(1, 1_000_000)).unwrap_or(1);
    let segments = (0..total).map(move |segment| {
        let mut request = request.clone();
        request.segment = Some((segment, total));
        Box::pin(pages(client.clone(), Arc::new(request), None))
    });
    stream::select_all(segments)
}
