//! The query builder: one partition, optionally a sort-key range, on the table or an index.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};

use super::read::{self, RawPage, ReadSpec};
use super::scan::{
    attribute_paths, decode_item, decode_projection, projected_names, resume_key_names,
};
use super::{decoded_items, decoded_pages, Page};
use crate::condition::Condition;
use crate::error::ConversionError;
use crate::error::{Error, Result};
use crate::expr::{Cmp, Node};
use crate::item::{DynamoItem, IndexDefinition, KeyDefinition, Projection};
use crate::key::token::StartFrom;
use crate::key::PartitionValue;
use crate::operations::TypedMapping;
use crate::path::{AttrPath, PathStep};
use crate::sdk_item::Item;
use crate::value::ScalarType;

/// The parts of a partition value, or the first that could not be encoded.
type Parts = Result<Vec<(ScalarType, AttributeValue)>, ConversionError>;

fn parts<P: PartitionValue>(value: &P) -> Parts {
    let mut out = Vec::with_capacity(1);
    value.key_values(&mut out)?;
    Ok(out)
}

/// Which items a query reads, beyond its partition and sort key.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    /// An item type of its own table, or an entity's items (the entity filtered on).
    Item,
    /// A collection's members: every item of the partition, or with `skip_unknown`
    /// those of the members' entities only.
    Collection {
        members: &'static [&'static str],
        skip_unknown: bool,
    },
}

/// A query of one partition, typed; from [`TypedMapping::query`]. Nothing is sent until
/// its stream is polled.
///
/// ```no_run
/// use dynamap::prelude::*;
/// use futures::TryStreamExt;
///
/// #[derive(DynamoItem, Debug)]
/// struct Order {
///     #[dynamo(partition_key)]
///     customer: String,
///     #[dynamo(sort_key)]
///     order_id: u64,
///     #[dynamo(gsi_partition_key = "by_status")]
///     status: String,
/// }
///
/// # async fn f(orders: TypedMapping<Order>) -> dynamap::Result<()> {
/// let f = Order::fields();
/// let recent: Vec<Order> = orders
///     .query("alice")
///     .sort_key(f.order_id.between(100, 200))
///     .reverse(true)
///     .stream()
///     .try_collect()
///     .await?;
/// let paid = orders.query_index_named::<String>("by_status", "paid").first().await?;
/// # Ok(()) }
/// ```
#[must_use = "a Query does nothing until its stream is polled"]
pub struct Query<'a, T: DynamoItem, Out = T> {
    mapping: &'a TypedMapping<T>,
    pub(crate) spec: ReadSpec,
    partition: Parts,
    sort: Option<Node>,
    scope: Scope,
    decode: fn(Item) -> Result<Out>,
    pub(crate) limit: Option<usize>,
    pub(crate) start: Option<StartFrom>,
    hide_expired: bool,
}

impl<'a, T: DynamoItem> Query<'a, T> {
    pub(crate) fn new<P: PartitionValue>(mapping: &'a TypedMapping<T>, partition: &P) -> Self {
        Query::of(mapping, partition, Scope::Item, decode_item::<T>)
    }
}

impl<'a, T: DynamoItem, Out: Send + Sync + 'static> Query<'a, T, Out> {
    /// A query of `partition` reading `scope`'s items, decoded by `decode`.
    fn of<P: PartitionValue>(
        mapping: &'a TypedMapping<T>,
        partition: &P,
        scope: Scope,
        decode: fn(Item) -> Result<Out>,
    ) -> Self {
        Query {
            mapping,
            spec: ReadSpec {
                table: mapping.table_name().to_owned(),
                observer: mapping.observer().clone(),
                ..ReadSpec::default()
            },
            partition: parts(partition),
            sort: None,
            scope,
            decode,
            limit: None,
            start: None,
            hide_expired: T::HIDE_EXPIRED,
        }
    }

    /// A query of a collection's partition, decoded by `decode`; `T` is the member
    /// whose partition template renders the partition.
    pub(crate) fn collection<P: PartitionValue>(
        mapping: &'a TypedMapping<T>,
        partition: &P,
        members: &'static [&'static str],
        decode: fn(Item) -> Result<Out>,
    ) -> Self {
        let scope = Scope::Collection {
            members,
            skip_unknown: false,
        };
        Query {
            // The members keep their times to live apart: one member's rule is not the
            // collection's, so a collection shows every item.
            hide_expired: false,
            ..Query::of(mapping, partition, scope, decode)
        }
    }

    /// For a collection: whether items of entities it does not list are skipped
    /// (filtered out by the server) rather than reported.
    pub(crate) fn skip_unknown(mut self, on: bool) -> Self {
        if let Scope::Collection { skip_unknown, .. } = &mut self.scope {
            *skip_unknown = on;
        }
        self
    }
}

fn type_name(kind: ScalarType) -> &'static str {
    match kind {
        ScalarType::String => "a string (S)",
        ScalarType::Number => "a number (N)",
        ScalarType::Binary => "binary (B)",
    }
}

impl<'a, T: DynamoItem, Out: Send + Sync + 'static> Query<'a, T, Out> {
    /// Narrows the partition by sort key: `eq`, `lt`, `le`, `gt`, `ge`, `between` or
    /// `begins_with` on the sort key (of the table, or of the index queried).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] at: String }
    /// # fn f(events: TypedMapping<Event>) {
    /// let today = events.query("s1").sort_key(Event::fields().at.begins_with("2026-11-24")).stream();
    /// # }
    /// ```
    pub fn sort_key(mut self, condition: Condition<T>) -> Self {
        self.sort = Some(condition.into_node());
        self
    }

    /// The index to read: set by `query_index` and `query_index_named`.
    pub(crate) fn index(mut self, name: &str) -> Self {
        self.spec.index = Some(name.to_owned());
        self
    }

    /// Descending sort-key order.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # fn f(events: dynamap::TypedMapping<Event>) {
    /// let latest_first = events.query("s1").reverse(true).stream();
    /// # }
    /// ```
    pub fn reverse(mut self, on: bool) -> Self {
        self.spec.reverse = on;
        self
    }

    /// Keeps only items matching `condition` (a FilterExpression, applied after the
    /// key condition). Several calls combine with AND.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64, kind: String }
    /// # fn f(events: TypedMapping<Event>) {
    /// let errors = events.query("s1").filter(Event::fields().kind.eq("error")).stream();
    /// # }
    /// ```
    pub fn filter(mut self, condition: Condition<T>) -> Self {
        let node = condition.into_node();
        self.spec.and_filter(Some(node));
        self
    }

    /// Reads only what `U` needs and decodes into it.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64, body: String }
    /// #[derive(DynamoValue)]
    /// struct Seq { seq: u64 }
    /// # fn f(events: TypedMapping<Event>) {
    /// let seqs = events.query("s1").project::<Seq>().stream();
    /// # }
    /// ```
    pub fn project<U: Projection + Send + 'static>(self) -> Query<'a, T, U> {
        Query {
            mapping: self.mapping,
            spec: ReadSpec {
                projection: Some(attribute_paths(&projected_names::<U>())),
                ..self.spec
            },
            partition: self.partition,
            sort: self.sort,
            scope: self.scope,
            decode: decode_projection::<U>,
            limit: self.limit,
            start: self.start,
            hide_expired: self.hide_expired,
        }
    }

    super::read_settings!(
        "# #[derive(dynamap::DynamoItem)]\n# struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }\n# fn f(events: dynamap::TypedMapping<Event>) {\n# let read = events.query(\"s1\");"
    );

    crate::expiry::hide_expired_setter!("sessions.query(\"s1\")");

    /// The key attributes queried: the table's (`None`), or the index's.
    fn index_queried(&self) -> Result<Option<&'static IndexDefinition>> {
        let Some(name) = &self.spec.index else {
            return Ok(None);
        };
        T::INDEXES
            .iter()
            .find(|index| index.name == name.as_str())
            .map(Some)
            .ok_or_else(|| Error::UnknownIndex {
                index: name.to_owned(),
                item: std::any::type_name::<T>(),
                declared: T::INDEXES.iter().map(|i| i.name).collect(),
            })
    }

    /// The partition and sort key attributes queried, in key order.
    fn keys(&self) -> Result<(Vec<KeyDefinition>, Vec<KeyDefinition>)> {
        Ok(match self.index_queried()? {
            None => (
                vec![T::KEY_SCHEMA.partition_key],
                T::KEY_SCHEMA.sort_key.into_iter().collect(),
            ),
            Some(index) => (
                index.partition_keys().collect(),
                index.sort_keys().collect(),
            ),
        })
    }

    /// The entity whose templates render the keys queried: none for a plain type, or
    /// for an index whose keys are the entities' own attributes (a typed index).
    fn templated(&self) -> Result<Option<&'static crate::entity_def::EntityDef>> {
        let from_templates = self
            .index_queried()?
            .is_none_or(|index| index.from_templates);
        Ok(T::ENTITY.filter(|_| from_templates))
    }

    /// The equalities of each partition queried: the values given, one per partition
    /// key attribute, or for an entity the partition template rendered from them (once
    /// per shard, in shard order, for a sharded template).
    fn partitions(&self) -> Result<Vec<Vec<(KeyDefinition, AttributeValue)>>> {
        let (partition_keys, _) = self.keys()?;
        let first = partition_keys
            .first()
            .copied()
            .unwrap_or(T::KEY_SCHEMA.partition_key);
        let parts = self
            .partition
            .clone()
            .map_err(|e| Error::Conversion(e.in_attribute(first.name)))?;
        if let Some(entity) = self.templated()? {
            let values: Vec<AttributeValue> = parts.into_iter().map(|(_, v)| v).collect();
            let rendered = entity.partition_values(self.spec.index.as_deref(), &values)?;
            return Ok(rendered.into_iter().map(|v| vec![(first, v)]).collect());
        }
        if parts.len() != partition_keys.len() {
            let names: Vec<&str> = partition_keys.iter().map(|k| k.name).collect();
            return Err(Error::InvalidRequest {
                operation: "Query",
                problem: format!(
                    "the partition key ({}) is {} value(s); the query gave {}",
                    names.join(", "),
                    names.len(),
                    parts.len()
                ),
            });
        }
        let mut equalities = Vec::with_capacity(parts.len());
        for (key, (kind, value)) in partition_keys.into_iter().zip(parts) {
            if kind != key.scalar_type {
                return Err(Error::Key(format!(
                    "partition key `{}` is {}, but the query gives {}",
                    key.name,
                    type_name(key.scalar_type),
                    type_name(kind)
                )));
            }
            equalities.push((key, value));
        }
        Ok(vec![equalities])
    }

    /// The key condition of each partition queried (one, or one per shard).
    fn key_conditions(&self) -> Result<Vec<Node>> {
        let partitions = self.partitions()?;
        let (_, sort_keys) = self.keys()?;
        let sort = match (self.templated()?, self.scope) {
            // A collection reads the whole partition, whatever the members' templates.
            (Some(_), Scope::Collection { .. }) => None,
            (Some(entity), Scope::Item) => match sort_keys.first() {
                Some(key) => entity.sort_condition(
                    self.spec.index.as_deref(),
                    key.name,
                    self.sort.as_ref(),
                )?,
                None => self.sort.clone(),
            },
            (None, _) => super::key_range::sort_condition(self.sort.as_ref(), &sort_keys)?,
        };
        let conditions = partitions.into_iter().map(|equalities| {
            let mut conjuncts: Vec<Node> = equalities
                .into_iter()
                .map(|(key, value)| {
                    Node::Compare(
                        AttrPath::from(vec![PathStep::Name(key.name.into())]),
                        Cmp::Eq,
                        value,
                    )
                })
                .collect();
            // One flat AND: key conditions take no parentheses on every server.
            match &sort {
                Some(Node::And(parts)) => conjuncts.extend(parts.iter().cloned()),
                Some(part) => conjuncts.push(part.clone()),
                None => {}
            }
            match conjuncts.len() {
                1 => conjuncts.remove(0),
                _ => Node::And(conjuncts),
            }
        });
        Ok(conditions.collect())
    }

    /// What keeps the query to its items: the entity's, or a collection's members'.
    fn scope_filter(&self) -> Option<Node> {
        let entity = T::ENTITY?;
        match self.scope {
            Scope::Item => Some(entity.filter()),
            Scope::Collection {
                skip_unknown: false,
                ..
            } => None,
            Scope::Collection { members, .. } => Some(Node::Or(
                members
                    .iter()
                    .map(|name| {
                        Node::Compare(
                            AttrPath::top_level_name(entity.attribute),
                            Cmp::Eq,
                            AttributeValue::S((*name).to_owned()),
                        )
                    })
                    .collect(),
            )),
        }
    }

    /// What this query's tokens are bound to when sealed: table, index, partition (all
    /// its shards').
    fn scope(&self) -> Result<std::sync::Arc<str>> {
        let mut values: Vec<AttributeValue> = self
            .partitions()?
            .into_iter()
            .flatten()
            .map(|(_, value)| value)
            .collect();
        let partition = match values.len() {
            1 => values.remove(0),
            _ => AttributeValue::L(values),
        };
        Ok(crate::key::token::query_scope(
            &self.spec.table,
            self.spec.index.as_deref(),
            &partition,
        ))
    }

    /// What the query asks for (its key condition and its scope's filter added): one
    /// read, or one per shard of a sharded partition; and where it starts.
    fn read(&self, page_size_hint: bool) -> Result<(Vec<ReadSpec>, Option<Item>)> {
        let mut spec = self.spec.clone();
        spec.one_page = spec.index.is_none() && T::KEY_SCHEMA.sort_key.is_none();
        if let (Some(limit), None, true) = (self.limit, &spec.filter, page_size_hint) {
            // Another entity's items are rare in a range the templates narrow: a page
            // of `limit` items is still the right first guess.
            let limit = u32::try_from(limit).unwrap_or(u32::MAX).max(1);
            spec.page_size = Some(spec.page_size.map_or(limit, |size| size.min(limit)));
        }
        if let Some(scope) = self.scope_filter() {
            spec.and_filter(Some(scope));
        }
        if self.hide_expired {
            let hidden = crate::expiry::unexpired::<T>(self.mapping.handle().now());
            spec.and_filter(hidden);
        }
        let start = self
            .start
            .as_ref()
            .map(|start| start.key(|| self.scope()))
            .transpose()?;
        let specs = self
            .key_conditions()?
            .into_iter()
            .map(|condition| ReadSpec {
                key_condition: Some(condition),
                ..spec.clone()
            })
            .collect();
        Ok((specs, start))
    }

    /// The requests the query sends: one read, or one per shard merged.
    fn plan(&self) -> Result<Plan> {
        let (specs, start) = self.read(true)?;
        let key_names = resume_key_names::<T>(self.spec.index.as_deref());
        let mut requests = Vec::with_capacity(specs.len());
        for mut spec in specs {
            spec.project_keys(&key_names);
            requests.push(spec.render()?);
        }
        let client = self.mapping.client().clone();
        if let [_] = requests.as_slice() {
            return Ok(Plan::One(client, Box::new(requests.remove(0)), start));
        }
        // One budget for every shard, as for the segments of a parallel scan.
        let rate = requests.first().and_then(|r| r.rate.clone());
        for request in &mut requests {
            request.rate = rate.clone();
        }
        let starts = super::merge::positions(start, requests.len())?;
        let merge = super::merge::Merge {
            sort_key: self.keys()?.1.first().map(|key| key.name.to_owned()),
            reverse: self.spec.reverse,
            page_size: self.spec.page_size.map(|n| n as usize),
            limit: self.limit,
            key_names,
        };
        Ok(Plan::Merged(client, requests, starts, merge))
    }

    fn raw_pages(&self) -> Result<BoxStream<'static, Result<RawPage>>> {
        self.plan().map(Plan::into_pages)
    }

    /// How many items the query matches (its sort-key range, filter, start and limit):
    /// the query sent with `Select=COUNT`, page by page, billed as the query, with no
    /// item transferred. A [`Count`](super::Count), sent by `.await`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64, kind: String }
    /// # async fn f(events: TypedMapping<Event>) -> dynamap::Result<()> {
    /// let errors = events.query("s1").filter(Event::fields().kind.eq("error")).count().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "Select::Count")]
    pub fn count(self) -> super::Count<'a> {
        let reads = self.read(false).and_then(|(specs, start)| {
            // Each shard from its own position; a finished one counts nothing more.
            let starts = match specs.len() {
                1 => vec![start.map_or(
                    super::merge::ShardStart::Fresh,
                    super::merge::ShardStart::After,
                )],
                n => super::merge::positions(start, n)?,
            };
            let reads = specs.into_iter().zip(starts).filter_map(|(spec, start)| {
                let start = match start {
                    super::merge::ShardStart::Done => return None,
                    super::merge::ShardStart::Fresh => None,
                    super::merge::ShardStart::After(key) => Some(key),
                };
                let options = super::ScanOptions {
                    spec,
                    limit: self.limit,
                    ..super::ScanOptions::default()
                };
                Some((options, start))
            });
            Ok(reads.collect())
        });
        super::Count::of_each(self.mapping.client(), reads)
    }

    /// Deletes every item the query matches (its partition, sort-key range, filter and
    /// limit): the keys are read page by page and deleted with BatchWriteItem as they
    /// come; see [`RemoveMatching`](crate::batches::RemoveMatching). An entity's query
    /// deletes only its own items. A type with unique attributes or maintained counts is
    /// refused, as by `remove_many`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # async fn f(events: TypedMapping<Event>) -> dynamap::Result<()> {
    /// let report = events.query("s1").sort_key(Event::fields().seq.lt(1000)).remove().await?;
    /// println!("{} old events removed", report.written);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "BatchWriteItem")]
    pub fn remove(self) -> crate::batches::RemoveMatching<'a> {
        let refused = crate::operations::refuse_unguarded::<T>("BatchWriteItem");
        self.remove_checked(refused)
    }

    /// [`remove`](Self::remove), refused for `refused`'s reason if it is one.
    pub(crate) fn remove_checked(self, refused: Result<()>) -> crate::batches::RemoveMatching<'a> {
        let mapping = self.mapping;
        let names: Vec<&'static str> = T::KEY_SCHEMA.names().collect();
        let keys = Query {
            mapping,
            spec: ReadSpec {
                projection: Some(attribute_paths(&names)),
                ..self.spec
            },
            partition: self.partition,
            sort: self.sort,
            scope: self.scope,
            decode: table_key::<T>,
            limit: self.limit,
            start: self.start,
            // An item past its time to live is still stored: it goes too.
            hide_expired: false,
        };
        crate::batches::RemoveMatching::new(
            mapping.client(),
            mapping.table_name(),
            &T::KEY_SCHEMA,
            mapping.observer().clone(),
            refused,
            keys.stream(),
        )
    }

    /// The items, one by one, in sort-key order (or reversed).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # async fn f(events: dynamap::TypedMapping<Event>) -> dynamap::Result<()> {
    /// let all: Vec<Event> = events.query("s1").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<Out>> {
        match self.plan() {
            // No token: the shards' items are decoded as they arrive.
            Ok(Plan::Merged(client, requests, starts, merge)) => {
                super::merge::merged_items(client, requests, starts, merge, self.decode)
            }
            plan => decoded_items(plan.map(Plan::into_pages), self.decode, self.limit),
        }
    }

    /// Whole pages, each with the token to resume after it.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # async fn f(events: dynamap::TypedMapping<Event>) -> dynamap::Result<()> {
    /// let page = events.query("s1").page_size(10).pages().try_next().await?;
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> BoxStream<'static, Result<Page<Out>>> {
        let key_names = resume_key_names::<T>(self.spec.index.as_deref());
        let scope = match self.scope() {
            Ok(scope) => scope,
            Err(e) => return futures::stream::once(async move { Err(e) }).boxed(),
        };
        decoded_pages(self.raw_pages(), self.decode, self.limit, key_names, scope)
    }

    /// The first item, if any (one page is read).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # async fn f(events: dynamap::TypedMapping<Event>) -> dynamap::Result<()> {
    /// let latest: Option<Event> = events.query("s1").reverse(true).first().await?;
    /// # Ok(()) }
    /// ```
    pub async fn first(self) -> Result<Option<Out>> {
        let limit = if self.spec.filter.is_none() {
            Some(1)
        } else {
            self.limit
        };
        let mut stream = Query { limit, ..self }.stream();
        stream.try_next().await
    }
}

/// The table key of an item read (an index's keys and the entity attribute left out).
fn table_key<T: DynamoItem>(item: Item) -> Result<Item> {
    Ok(crate::operations::stored_key::<T>(&item))
}

/// What a query sends: one read from its start, or one per shard of a sharded
/// partition, merged.
enum Plan {
    One(Client, Box<read::ReadRequest>, Option<Item>),
    Merged(
        Client,
        Vec<read::ReadRequest>,
        Vec<super::merge::ShardStart>,
        super::merge::Merge,
    ),
}

impl Plan {
    /// The pages as DynamoDB returns them (merged, with each page's token, when sharded).
    fn into_pages(self) -> BoxStream<'static, Result<RawPage>> {
        match self {
            Plan::One(client, request, start) => {
                read::pages(client, Arc::new(*request), start).boxed()
            }
            Plan::Merged(client, requests, starts, merge) => {
                super::merge::merged_pages(client, requests, starts, merge)
            }
        }
    }
}
