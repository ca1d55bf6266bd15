//! How many items: DynamoDB's estimate, or an exact count by scanning.

use aws_sdk_dynamodb::types::Select;

use crate::error::{Error, Result};
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
    /// is the cheap one.
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
        count_items(self.client(), self.table_name()).await
    }
}

/// Counts a table's items with a paginated `Select=COUNT` scan.
pub(crate) async fn count_items(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<u64> {
    let mut total: u64 = 0;
    let mut start_key = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
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
