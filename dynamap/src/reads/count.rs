//! How many items: DynamoDB's estimate, or an exact count by scanning.

use aws_sdk_dynamodb::types::Select;

use crate::error::Result;
use crate::expr::{Apply, Node};
use crate::item::DynamoItem;
use crate::observe::{Call, RateLimiter};
use crate::operations::TypedMapping;

impl<T: DynamoItem> TypedMapping<T> {
    /// Reads the whole table to count it exactly: a paginated Scan with `Select=COUNT`,
    /// billed for every item, though it transfers none. [`len_estimate`](Self::len_estimate)
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
        Count::new(self.handle(), T::ENTITY.map(|entity| entity.filter()))
    }
}

/// An exact count of a mapping's items; built by [`TypedMapping::count`] or
/// [`Mapping::count`](crate::Mapping::count), sent by `.await`.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let count: dynamap::reads::Count<'_> = users.count();
/// println!("{} users", count.await?);
/// # Ok(()) }
/// ```
#[must_use = "a Count does nothing until it is awaited"]
pub struct Count<'a> {
    handle: &'a crate::handle::TableHandle,
    /// Which items count: an entity's only, or every item.
    filter: Option<Node>,
    read_units_per_second: Option<f64>,
}

impl<'a> Count<'a> {
    pub(crate) fn new(handle: &'a crate::handle::TableHandle, filter: Option<Node>) -> Self {
        Count {
            handle,
            filter,
            read_units_per_second: None,
        }
    }

    /// Paces the counting scan to `units` read capacity units per second, by the
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
        self.read_units_per_second = Some(units);
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
        let rate = self.read_units_per_second.map(RateLimiter::new);
        let handle = self.handle;
        let call = Call::new(handle.table_name(), handle.observer()).rate(rate.as_deref());
        count_matching(handle.client(), call, self.filter).await
    }
}

impl<'a> std::future::IntoFuture for Count<'a> {
    type Output = Result<u64>;
    type IntoFuture = futures::future::BoxFuture<'a, Result<u64>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Counts the items matching `filter` with a paginated `Select=COUNT` scan.
async fn count_matching(
    client: &aws_sdk_dynamodb::Client,
    call: Call<'_>,
    filter: Option<Node>,
) -> Result<u64> {
    let table = call.table;
    let mut renderer = crate::expr::Renderer::new("Scan");
    renderer.filter(filter.as_ref())?;
    let rendered = renderer.finish();
    let mut total: u64 = 0;
    let mut start_key = None;
    loop {
        let scan = client
            .scan()
            .table_name(table)
            .apply(rendered.clone())
            .select(Select::Count)
            .set_exclusive_start_key(start_key);
        let page = crate::observe::send_classified(scan, call).await?;
        total += u64::try_from(page.count).unwrap_or(0);
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start_key = Some(key),
            _ => return Ok(total),
        }
    }
}
