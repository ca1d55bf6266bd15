//! How many items: DynamoDB's estimate, or an exact count by scanning.

use aws_sdk_dynamodb::types::Select;

use crate::error::{Error, Result};
use crate::expr::Apply;
use crate::item::DynamoItem;
use crate::mapping::TypedMapping;

impl<T: DynamoItem> TypedMapping<T> {
    /// DynamoDB's estimate of the item count (DescribeTable's `ItemCount`), as the
    /// seed's `len()`. DynamoDB refreshes it about every six hours: cheap but stale.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// println!("about {} users", users.len_estimate().await?);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DescribeTable")]
    #[doc(alias = "ItemCount")]
    #[doc(alias = "len")]
    pub async fn len_estimate(&self) -> Result<u64> {
        let description = super::describe_table(self.client(), self.table_name()).await?;
        Ok(description
            .item_count
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0))
    }

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
    pub async fn count(&self) -> Result<u64> {
        let filter = T::ENTITY.map(|entity| entity.filter());
        count_matching(self.client(), self.table_name(), filter).await
    }
}

/// Counts a table's items with a paginated `Select=COUNT` scan.
pub(crate) async fn count_items(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<u64> {
    count_matching(client, table, None).await
}

/// Counts the items matching `filter` with a paginated `Select=COUNT` scan.
async fn count_matching(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    filter: Option<crate::expr::Node>,
) -> Result<u64> {
    let mut renderer = crate::expr::Renderer::new("Scan");
    renderer.filter(filter.as_ref())?;
    let rendered = renderer.finish();
    let mut total: u64 = 0;
    let mut start_key = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .apply(rendered.clone())
            .select(Select::Count)
            .set_exclusive_start_key(start_key)
            .send()
            .await
            .map_err(|e| Error::from_sdk("Scan", table, e))?;
        total += u64::try_from(page.count).unwrap_or(0);
        match page.last_evaluated_key {
            Some(key) if !key.is_empty() => start_key = Some(key),
            _ => return Ok(total),
        }
    }
}
