//! The scan builder: `mapping.scan().filter(..).segments(4).stream()`.

use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt};

use super::read::{self, RawPage, ReadSpec};
use super::{decoded_items, decoded_pages, Page};
use crate::condition::Condition;
use crate::error::{Error, Result};
use crate::item::{DynamoItem, Projection};
use crate::key::token::StartFrom;
use crate::operations::TypedMapping;
use crate::path::AttrPath;
use crate::sdk_item::Item;

/// A scan of the whole table (or an index), typed; from [`TypedMapping::scan`].
/// Nothing is sent until the stream it makes is polled.
///
/// ```no_run
/// use dynamap::prelude::*;
/// use futures::TryStreamExt;
///
/// #[derive(DynamoItem, Debug)]
/// struct Order { #[dynamo(partition_key)] id: String, total_cents: i64 }
///
/// # async fn f(orders: TypedMapping<Order>) -> dynamap::Result<()> {
/// let f = Order::fields();
/// let big: Vec<Order> = orders
///     .scan()
///     .filter(f.total_cents.gt(10_000))
///     .segments(4)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a Scan does nothing until its stream is polled"]
pub struct Scan<'a, T: DynamoItem, Out = T> {
    mapping: &'a TypedMapping<T>,
    options: ScanOptions,
    decode: fn(Item) -> Result<Out>,
    hide_expired: bool,
}

pub(crate) fn decode_item<T: DynamoItem>(item: Item) -> Result<T> {
    T::from_item(item)
}

pub(crate) fn decode_key<T: DynamoItem>(item: Item) -> Result<T::Key> {
    T::key_from_item(&item)
}

pub(crate) fn decode_entry<T: DynamoItem>(item: Item) -> Result<(T::Key, T)> {
    let value = T::from_item(item)?;
    Ok((value.key(), value))
}

pub(crate) fn decode_projection<U: Projection>(item: Item) -> Result<U> {
    U::from_projected(item)
}

/// Every attribute a projection into `U` reads.
pub(crate) fn projected_names<U: Projection>() -> Vec<&'static str> {
    let mut names = Vec::new();
    U::attribute_names(&mut names);
    names
}

/// The paths of the top-level attributes `names`, for a projection.
pub(crate) fn attribute_paths(names: &[&'static str]) -> Vec<AttrPath> {
    names
        .iter()
        .copied()
        .map(AttrPath::top_level_name)
        .collect()
}

/// The attributes that make up a LastEvaluatedKey: the table's key, and the index's.
pub(crate) fn resume_key_names<T: DynamoItem>(index: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = T::KEY_SCHEMA.names().map(str::to_owned).collect();
    if let Some(index) = index.and_then(|name| T::INDEXES.iter().find(|i| i.name == name)) {
        for key in index.key_attributes() {
            if !names.iter().any(|n| n == key.name) {
                names.push(key.name.to_owned());
            }
        }
    }
    names
}

impl<'a, T: DynamoItem> Scan<'a, T> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>) -> Self {
        Scan {
            mapping,
            options: ScanOptions {
                spec: ReadSpec {
                    table: mapping.table_name().to_owned(),
                    observer: mapping.observer().clone(),
                    // An entity's scan reads its table's other entities too, and drops them.
                    filter: crate::operations::own_items::<T>(),
                    ..ReadSpec::default()
                },
                ..ScanOptions::default()
            },
            decode: decode_item::<T>,
            hide_expired: T::HIDE_EXPIRED,
        }
    }
}

impl<'a, T: DynamoItem, Out: Send + Sync + 'static> Scan<'a, T, Out> {
    pub(crate) fn with_decoder<O2>(
        self,
        decode: fn(Item) -> Result<O2>,
        projection: Option<Vec<AttrPath>>,
    ) -> Scan<'a, T, O2> {
        let mut options = self.options;
        options.spec.projection = projection;
        Scan {
            mapping: self.mapping,
            options,
            decode,
            hide_expired: self.hide_expired,
        }
    }

    /// Keeps only items matching `condition` (a FilterExpression: DynamoDB still reads,
    /// and bills, the items it drops). Several calls combine with AND.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, active: bool }
    /// # fn f(users: TypedMapping<User>) {
    /// let active = users.scan().filter(User::fields().active.eq(true)).stream();
    /// # }
    /// ```
    pub fn filter(mut self, condition: Condition<T>) -> Self {
        let node = condition.into_node();
        self.options.spec.and_filter(Some(node));
        self
    }

    /// Reads only the attributes `U` needs (a ProjectionExpression) and decodes into `U`,
    /// any struct deriving `DynamoValue` or `DynamoItem`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, name: String, bio: String }
    /// #[derive(DynamoValue)]
    /// struct Name { id: String, name: String }
    /// # fn f(users: TypedMapping<User>) {
    /// let names = users.scan().project::<Name>().stream();
    /// # }
    /// ```
    pub fn project<U: Projection + Send + 'static>(self) -> Scan<'a, T, U> {
        self.with_decoder(
            decode_projection::<U>,
            Some(attribute_paths(&projected_names::<U>())),
        )
    }

    super::read_settings!(
        "# #[derive(dynamap::DynamoItem)]\n# struct User { #[dynamo(partition_key)] id: String }\n# fn f(users: dynamap::TypedMapping<User>) {\n# let read = users.scan();",
        options
    );

    crate::expiry::hide_expired_setter!("sessions.scan()");

    /// What the scan asks for: its options, with the filter that hides expired items
    /// when it does.
    fn effective_options(&self) -> ScanOptions {
        let mut options = self.options.clone();
        if self.hide_expired {
            let now = self.mapping.handle().now();
            let hidden = crate::expiry::unexpired::<T>(now);
            options.spec.and_filter(hidden);
        }
        options
    }

    /// Scans a secondary index instead of the table.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, #[dynamo(gsi_partition_key = "by_email")] email: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let by_email = users.scan().index("by_email").stream();
    /// # }
    /// ```
    pub fn index(mut self, name: impl Into<String>) -> Self {
        self.options.spec.index = Some(name.into());
        self
    }

    /// A parallel scan: `n` segments fetched concurrently and merged into one stream
    /// (in no particular order). Each segment holds at most one page, and has a request
    /// in flight, so `n` is at most [`MAX_PARALLEL_SEGMENTS`]
    /// (more is an [`Error::InvalidRequest`] when the stream starts); to spread more segments
    /// over processes use [`segment`](Self::segment).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let all = users.scan().segments(4).stream();
    /// # }
    /// ```
    pub fn segments(mut self, n: u32) -> Self {
        self.options.segments = Some(n.max(1));
        self
    }

    /// Only segment `segment` of `total`: to spread a parallel scan over processes,
    /// or to resume one segment from its token.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let my_share = users.scan().segment(2, 8).stream();
    /// # }
    /// ```
    pub fn segment(mut self, segment: u32, total: u32) -> Self {
        self.options.segment = Some((segment, total));
        self
    }

    fn raw_pages(&self) -> Result<BoxStream<'static, Result<RawPage>>> {
        let mut options = self.effective_options();
        options
            .spec
            .project_keys(&resume_key_names::<T>(options.spec.index.as_deref()));
        options.raw_pages(self.mapping.client())
    }

    /// The items, one by one. Lazy: one request per page, sent when the stream needs it.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let mut all = users.scan().stream();
    /// while let Some(user) = all.try_next().await? {
    ///     println!("{}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<Out>> {
        decoded_items(self.raw_pages(), self.decode, self.options.limit)
    }

    /// How many items the scan matches (its filter, index, segments, start and limit):
    /// the scan sent with `Select=COUNT`, page by page, billed as the scan, with no item
    /// transferred; with `.segments(n)`, the segments are counted concurrently. A
    /// [`Count`](super::Count), sent by `.await`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, active: bool }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let active = users.scan().filter(User::fields().active.eq(true)).segments(4).count().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "Select::Count")]
    pub fn count(self) -> super::Count<'a> {
        let options = self.effective_options();
        let start = options.start_key();
        super::Count::of(self.mapping.client(), start.map(|start| (options, start)))
    }

    /// Whole pages, each with the token to resume after it.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let first: Option<dynamap::reads::Page<User>> = users.scan().page_size(25).pages().try_next().await?;
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> BoxStream<'static, Result<Page<Out>>> {
        let key_names = resume_key_names::<T>(self.options.spec.index.as_deref());
        let scope = self.options.scope();
        decoded_pages(
            self.raw_pages(),
            self.decode,
            self.options.limit,
            key_names,
            scope,
        )
    }
}

/// The most segments one parallel scan reads at once (each holds a page and a request
/// in flight). DynamoDB allows up to 1,000,000 segments, which
/// [`segment(i, n)`](Scan::segment) reaches from many processes.
///
/// ```
/// assert_eq!(dynamap::reads::MAX_PARALLEL_SEGMENTS, 1024);
/// ```
pub const MAX_PARALLEL_SEGMENTS: u32 = 1024;

/// What a scan asks for, typed or not: the part of [`Scan`] that the untyped
/// [`Mapping`](crate::Mapping) shares.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScanOptions {
    pub spec: ReadSpec,
    pub limit: Option<usize>,
    pub segments: Option<u32>,
    pub segment: Option<(u32, u32)>,
    pub start: Option<StartFrom>,
}

impl ScanOptions {
    /// What this scan's tokens are bound to when sealed.
    pub(crate) fn scope(&self) -> std::sync::Arc<str> {
        crate::key::token::scan_scope(&self.spec.table, self.spec.index.as_deref())
    }

    pub(crate) fn start_key(&self) -> Result<Option<Item>> {
        let scope = || {
            let segment = self
                .segment
                .map(|(segment, _)| i32::try_from(segment).unwrap_or(i32::MAX));
            Ok(crate::key::token::scope_with_segment(
                &self.scope(),
                segment,
            ))
        };
        self.start
            .as_ref()
            .map(|start| start.key(scope))
            .transpose()
    }

    pub(crate) fn raw_pages(
        &self,
        client: &aws_sdk_dynamodb::Client,
    ) -> Result<BoxStream<'static, Result<RawPage>>> {
        self.raw_pages_from(client, self.start_key()?)
    }

    /// The pages from `start` (a scan's token, or a query's, already opened): a query
    /// is a spec with a key condition, and reads one partition.
    pub(crate) fn raw_pages_from(
        &self,
        client: &aws_sdk_dynamodb::Client,
        start: Option<Item>,
    ) -> Result<BoxStream<'static, Result<RawPage>>> {
        let mut spec = self.spec.clone();
        if let (Some(limit), None) = (self.limit, &spec.filter) {
            // Without a filter, asking for no more than the limit reads no more.
            let limit = u32::try_from(limit).unwrap_or(u32::MAX).max(1);
            spec.page_size = Some(spec.page_size.map_or(limit, |size| size.min(limit)));
        }
        let mut request = spec.render()?;
        let client = client.clone();
        match (self.segments, self.segment) {
            (Some(_), Some(_)) => Err(refuse(
                "use either .segments(n) (all segments) or .segment(i, n) (one), not both"
                    .to_owned(),
            )),
            (Some(n), None) if n > MAX_PARALLEL_SEGMENTS => Err(refuse(format!(
                ".segments({n}): at most {MAX_PARALLEL_SEGMENTS} segments are read at once here \
                 (each holds a page and a request in flight); spread more over processes with .segment(i, n)"
            ))),
            (Some(n), None) if n > 1 => {
                if start.is_some() {
                    return Err(refuse(
                        "a token resumes one segment: scan it with .segment(i, n).start_from(token)".to_owned(),
                    ));
                }
                Ok(read::parallel_pages(client, request, n).boxed())
            }
            (_, segment) => {
                if let Some((segment, total)) = segment {
                    if segment >= total {
                        return Err(refuse(format!(
                            "segment {segment} of {total}: segments count from 0 to total - 1"
                        )));
                    }
                    request.segment = Some((
                        i32::try_from(segment).unwrap_or(i32::MAX),
                        i32::try_from(total).unwrap_or(i32::MAX),
                    ));
                }
                Ok(read::pages(client, Arc::new(request), start).boxed())
            }
        }
    }
}

fn refuse(problem: String) -> Error {
    Error::InvalidRequest {
        operation: "Scan",
        problem,
    }
}
