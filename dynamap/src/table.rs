//! Creating, describing and deleting the table behind a mapping, from the derived key schema.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, TableDescription, TableStatus,
};
use aws_sdk_dynamodb::Client;

use crate::{DynamoItem, Error, IndexDefinition, IndexKind, KeyDefinition, Result, TypedMapping};

/// How long `create_table` and `delete_table` wait for DynamoDB to finish.
const WAIT_LIMIT: Duration = Duration::from_secs(300);

impl<T: DynamoItem> TypedMapping<T> {
    /// Creates the table from `T`'s key schema, billed on demand, and waits until it
    /// is `ACTIVE`. Fails if the table exists.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.create_table().await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_table(&self) -> Result<()> {
        let keys: Vec<KeyDefinition> = T::KEY_SCHEMA.attributes().collect();
        create(self.client(), self.table_name(), &keys, T::INDEXES).await?;
        wait_until_active(self.client(), self.table_name()).await
    }

    /// Deletes the table and everything in it, and waits until it is gone.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.delete_table().await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_table(&self) -> Result<()> {
        let table = self.table_name();
        self.client()
            .delete_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| Error::from_sdk("DeleteTable", table, e))?;
        wait_until_deleted(self.client(), table).await
    }

    /// The table's description (status, item count, size, indexes...) from DescribeTable.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let description = users.describe_table().await?;
    /// println!("{:?}", description.table_status);
    /// # Ok(()) }
    /// ```
    pub async fn describe_table(&self) -> Result<TableDescription> {
        describe(self.client(), self.table_name()).await
    }
}

pub(crate) async fn describe(client: &Client, table: &str) -> Result<TableDescription> {
    let output = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| Error::from_sdk("DescribeTable", table, e))?;
    output.table.ok_or_else(|| {
        Error::Unexpected(format!(
            "DescribeTable returned no description of `{table}`"
        ))
    })
}

fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> Error {
    Error::Config(e.to_string())
}

/// `[partition, sort]` as a KeySchema.
fn key_schema(keys: &[KeyDefinition]) -> Result<Vec<KeySchemaElement>> {
    keys.iter()
        .zip([KeyType::Hash, KeyType::Range])
        .map(|(key, key_type)| {
            KeySchemaElement::builder()
                .attribute_name(key.name)
                .key_type(key_type)
                .build()
                .map_err(build_error)
        })
        .collect()
}

/// Creates a table with on-demand billing; indexes project every attribute, so an
/// index query returns whole items.
pub(crate) async fn create(
    client: &Client,
    table: &str,
    keys: &[KeyDefinition],
    indexes: &[IndexDefinition],
) -> Result<()> {
    let mut definitions: Vec<KeyDefinition> = Vec::new();
    let index_keys = indexes
        .iter()
        .flat_map(|index| std::iter::once(index.partition_key).chain(index.sort_key));
    for key in keys.iter().copied().chain(index_keys) {
        if !definitions.iter().any(|d| d.name == key.name) {
            definitions.push(key);
        }
    }
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key_schema(keys)?));
    for definition in definitions {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(definition.name)
                .attribute_type(definition.scalar_type.to_sdk())
                .build()
                .map_err(build_error)?,
        );
    }
    let all = Projection::builder()
        .projection_type(ProjectionType::All)
        .build();
    for index in indexes {
        let index_keys: Vec<KeyDefinition> = std::iter::once(index.partition_key)
            .chain(index.sort_key)
            .collect();
        request = match index.kind {
            IndexKind::Global => request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index.name)
                    .set_key_schema(Some(key_schema(&index_keys)?))
                    .projection(all.clone())
                    .build()
                    .map_err(build_error)?,
            ),
            IndexKind::Local => request.local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name(index.name)
                    .set_key_schema(Some(key_schema(&index_keys)?))
                    .projection(all.clone())
                    .build()
                    .map_err(build_error)?,
            ),
        };
    }
    request
        .send()
        .await
        .map_err(|e| Error::from_sdk("CreateTable", table, e))?;
    Ok(())
}

/// Polls with a delay that grows from 50 ms to 2 s: DynamoDB Local answers at once,
/// the real service takes seconds.
struct Poll {
    started: Instant,
    delay: Duration,
}

impl Poll {
    fn new() -> Self {
        Poll {
            started: Instant::now(),
            delay: Duration::from_millis(50),
        }
    }

    /// Sleeps before the next look; `false` once the wait limit is spent.
    async fn next(&mut self) -> bool {
        if self.started.elapsed() > WAIT_LIMIT {
            return false;
        }
        tokio::time::sleep(self.delay).await;
        self.delay = (self.delay * 2).min(Duration::from_secs(2));
        true
    }
}

pub(crate) async fn wait_until_active(client: &Client, table: &str) -> Result<()> {
    let mut poll = Poll::new();
    loop {
        if describe(client, table).await?.table_status == Some(TableStatus::Active) {
            return Ok(());
        }
        if !poll.next().await {
            return Err(Error::TableWait {
                table: table.to_owned(),
                state: "ACTIVE",
                waited: WAIT_LIMIT,
            });
        }
    }
}

async fn wait_until_deleted(client: &Client, table: &str) -> Result<()> {
    let mut poll = Poll::new();
    loop {
        match describe(client, table).await {
            Err(Error::Sdk { source, .. })
                if matches!(
                    *source,
                    aws_sdk_dynamodb::Error::ResourceNotFoundException(_)
                ) =>
            {
                return Ok(())
            }
            Err(other) => return Err(other),
            Ok(_) => {}
        }
        if !poll.next().await {
            return Err(Error::TableWait {
                table: table.to_owned(),
                state: "deleted",
                waited: WAIT_LIMIT,
            });
        }
    }
}
