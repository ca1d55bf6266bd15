//! How many items: DynamoDB's estimate, or an exact count by scanning.

use futures::TryStreamExt;

use super::read::ReadSpec;
use super::ScanOptions;
use crate::error::Result;
use crate::expr::Node;
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

impl<T: DynamoItem> TypedMapping<T> {
    /// Reads the whole table to count it exactly: a paginated Scan with `Select=COUNT`,
    /// billed for every item, though it transfers none (`.count()` on a scan or a query
    /// counts what that read matches). [`len_estimate`](Self::len_estimate)
    /// is the cheap one. For an entity of a single-table design, only the entity's
    /// items are counted (the scan filters on the entity attribute; the table's other
    /// items are still read and billed), while `len_estimate` counts the whole table.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// println!("exactly {} users", users.count().await?);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "Select::Count")]
    pub fn count(&self) -> Count<'_> {
        Count::new(self.handle(), crate::operations::own_items::<T>())
    }
}

/// An exact count of the items a read matches, sent by `.await`: a paginated read with
/// `Select=COUNT`, billed like the read itself, though it transfers no item. Built by
/// [`TypedMapping::count`] or [`Mapping::count`](crate::Mapping::count) (every item of
/// the mapping), or by `.count()` on a [`Scan`](super::Scan), a [`Query`](super::Query)
/// or a collection's query (what that read would return: its filter, index, segments,
/// start and limit).
///
/// ```no_run
/// # use dynamap::prelude::*;
/// # #[derive(DynamoItem)]
/// # struct Order { #[dynamo(partition_key)] customer: String, #[dynamo(sort_key)] id: u64, total: i64 }
/// # async fn f(orders: TypedMapping<Order>) -> dynamap::Result<()> {
/// let all: dynamap::reads::Count<'_> = orders.count();
/// println!("{} orders", all.await?);
/// let f = Order::fields();
/// let big = orders.query("alice").filter(f.total.gt(100)).count().await?;
/// let segmented = orders.scan().filter(f.total.gt(100)).segments(4).count().await?;
/// # Ok(()) }
/// ```
#[must_use = "a Count does nothing until it is awaited"]
pub struct Count<'a> {
    client: &'a aws_sdk_dynamodb::Client,
    /// What is counted (the reads of a sharded query's shards, one after another), or
    /// why it cannot be.
    reads: Result<Vec<CountedRead>>,
}

/// A read whose matches are counted: a scan, or a query (a spec with a key condition),
/// from its start.
struct CountedRead {
    options: ScanOptions,
    start: Option<Item>,
}

impl<'a> Count<'a> {
    /// A count of what `options` reads from `start`.
    pub(crate) fn of(
        client: &'a aws_sdk_dynamodb::Client,
        options: Result<(ScanOptions, Option<Item>)>,
    ) -> Self {
        Count::of_each(client, options.map(|read| vec![read]))
    }

    /// A count of what all of `reads` read, each from its start: their sum, up to the
    /// limit they share.
    pub(crate) fn of_each(
        client: &'a aws_sdk_dynamodb::Client,
        reads: Result<Vec<(ScanOptions, Option<Item>)>>,
    ) -> Self {
        let reads = reads.map(|reads| {
            reads
                .into_iter()
                .map(|(mut options, start)| {
                    options.spec.count_only = true;
                    CountedRead { options, start }
                })
                .collect()
        });
        Count { client, reads }
    }

    /// A count of every item of the table (for an entity: those `filter` keeps).
    pub(crate) fn new(handle: &'a crate::handle::TableHandle, filter: Option<Node>) -> Self {
        let spec = ReadSpec {
            table: handle.table_name().to_owned(),
            observer: handle.observer().clone(),
            filter,
            ..ReadSpec::default()
        };
        let options = ScanOptions {
            spec,
            ..ScanOptions::default()
        };
        Count::of(handle.client(), Ok((options, None)))
    }

    /// Paces the counting reads to `units` read capacity units per second, by the
    /// capacity DynamoDB reports for each page: the count never finishes before its
    /// units divided by `units`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let n = users.count().read_units_per_second(50.0).await?;
    /// # Ok(()) }
    /// ```
    pub fn read_units_per_second(mut self, units: f64) -> Self {
        if let Ok(reads) = &mut self.reads {
            for read in reads {
                read.options.spec.read_units_per_second = Some(units);
            }
        }
        self
    }

    /// Counts; the same as `.await` on the builder.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let n = users.count().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<u64> {
        let mut total: u64 = 0;
        // One read after another, so a pace set on the count holds for all of them.
        for read in self.reads? {
            let limit = read.options.limit.map(|n| n as u64);
            let mut pages = read.options.raw_pages_from(self.client, read.start)?;
            while let Some(page) = pages.try_next().await? {
                total = total.saturating_add(page.count);
                if let Some(limit) = limit.filter(|limit| total >= *limit) {
                    // The read would have stopped at its limit: so does its count.
                    return Ok(limit);
                }
            }
        }
        Ok(total)
    }
}

impl<'a> std::future::IntoFuture for Count<'a> {
    type Output = Result<u64>;
    type IntoFuture = futures::future::BoxFuture<'a, Result<u64>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
