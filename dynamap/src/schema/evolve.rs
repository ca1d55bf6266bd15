//! `ensure_table`: creating a missing table, or checking a live one against its type
//! and, when asked (`add_missing(true)`), adding what the type declares and the table
//! lacks: global indexes (one at a time, as DynamoDB requires, each waited for until it
//! is active and filled with the items already there), time to live, a stream. Nothing
//! that exists is changed or deleted: every other difference is refused before any
//! change, as `SchemaMismatch`.

use std::time::Duration;

use aws_sdk_dynamodb::types::{
    BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndexUpdate, IndexStatus,
    ProvisionedThroughput, TableDescription, TimeToLiveStatus,
};
use aws_sdk_dynamodb::Client;

use super::{
    attribute_definition, index_key_schema, mismatch, plain, schema_problems, sdk_projection,
    CreateTable,
};
use crate::error::{Error, Result};
use crate::item::{IndexDefinition, IndexKind};
use crate::lifecycle::{describe_table, wait_for};

/// How long `ensure_table` waits for an index it added by default: the real service
/// fills a new index with the table's items first, which takes minutes to hours.
const INDEX_WAIT: Duration = Duration::from_secs(3600);

/// What [`ensure_table`](crate::TypedMapping::ensure_table) did: created the table, or
/// added to it (each addition described), or neither (the table was as declared).
///
/// ```
/// let ensured = dynamap::schema::Ensured::default();
/// assert!(!ensured.created && ensured.added.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ensured {
    /// Whether the table was missing and has been created.
    pub created: bool,
    /// What `add_missing(true)` added to an existing table, in order: ``index `by_status` ``,
    /// ``time to live on `expires_at` ``, `stream NewAndOldImages`.
    pub added: Vec<String>,
}

/// Makes sure a table is as its type declares; from
/// [`TypedMapping::ensure_table`](crate::TypedMapping::ensure_table) and
/// [`Table::ensure_table`](crate::Table::ensure_table), sent by `.await`.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String,
/// #   #[dynamo(gsi_partition_key(ByEmail))] email: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// // A release that adds `ByEmail`: the index is created, filled and active on return.
/// let ensured = users.ensure_table().add_missing(true).await?;
/// println!("added: {:?}", ensured.added);
/// # Ok(()) }
/// ```
#[must_use = "an EnsureTable does nothing until it is awaited"]
pub struct EnsureTable<'a> {
    create: CreateTable<'a>,
    owner: &'static str,
    add_missing: bool,
    index_wait: Duration,
}

impl<'a> EnsureTable<'a> {
    pub(crate) fn new(create: CreateTable<'a>, owner: &'static str) -> Self {
        EnsureTable {
            create,
            owner,
            add_missing: false,
            index_wait: INDEX_WAIT,
        }
    }

    /// Adds to an existing table what the type declares and it lacks: each missing
    /// global index (UpdateTable, one at a time, waiting until each is active with the
    /// table's items in it), time to live on the `#[dynamo(ttl)]` attribute, the stream
    /// asked for. Off by default: a missing index is then a
    /// [`SchemaMismatch`](Error::SchemaMismatch). Never changes or deletes what exists:
    /// an index with other keys or projection, a local index (created only with its
    /// table), time to live on another attribute or a stream of another view is refused
    /// before anything is changed.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.ensure_table().add_missing(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn add_missing(mut self, on: bool) -> Self {
        self.add_missing = on;
        self
    }

    /// How long to wait for each index added to become active (one hour by default):
    /// DynamoDB fills a new index with the items already in the table first.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.ensure_table().add_missing(true).index_wait(std::time::Duration::from_secs(600)).await?;
    /// # Ok(()) }
    /// ```
    pub fn index_wait(mut self, limit: Duration) -> Self {
        self.index_wait = limit;
        self
    }

    /// Sends the requests and waits; the same as `.await`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let created = users.ensure_table().send().await?.created;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Ensured> {
        let (client, table) = (self.create.client, self.create.table);
        let description = match describe_table(client, table).await {
            Ok(description) => description,
            Err(Error::Sdk { source, .. })
                if matches!(
                    *source,
                    aws_sdk_dynamodb::Error::ResourceNotFoundException(_)
                ) =>
            {
                self.create.send().await?;
                return Ok(Ensured {
                    created: true,
                    added: Vec::new(),
                });
            }
            Err(e) => return Err(e),
        };
        let plan = self.plan(&description).await?;
        let mut added = Vec::new();
        for index in plan.indexes {
            add_index(client, table, index, &description).await?;
            wait_for(client, table, "index ACTIVE", self.index_wait, |d| {
                index_active(d, index.name)
            })
            .await?;
            added.push(format!("index `{}`", index.name));
        }
        if let Some(view) = plan.stream {
            let request = client
                .update_table()
                .table_name(table)
                .stream_specification(view.specification("UpdateTable")?);
            crate::observe::send_classified(request, plain(table)).await?;
            crate::lifecycle::wait_until_active(client, table).await?;
            added.push(format!("stream {view:?}"));
        }
        if let Some(attribute) = plan.ttl {
            super::enable_ttl(client, table, attribute).await?;
            added.push(format!("time to live on `{attribute}`"));
        }
        Ok(Ensured {
            created: false,
            added,
        })
    }

    /// What to add, or every difference that cannot be added (nothing is changed then).
    async fn plan(&self, description: &TableDescription) -> Result<Plan> {
        let create = &self.create;
        let problems = schema_problems(self.owner, create.schema, create.indexes, description);
        let mut refused = Vec::new();
        let mut indexes = Vec::new();
        for problem in problems {
            match problem.missing_index {
                Some(index) if self.add_missing && index.kind == IndexKind::Global => {
                    indexes.push(index);
                }
                Some(index) if self.add_missing => refused.push(format!(
                    "index `{}`: missing, and a local index is created only with its table",
                    index.name
                )),
                _ => refused.push(problem.text),
            }
        }
        refused.extend(attribute_types_differ(description, &indexes));
        let stream = match create.stream {
            None => None,
            Some(wanted) => {
                let found = description
                    .stream_specification()
                    .filter(|s| s.stream_enabled())
                    .and_then(|s| s.stream_view_type());
                match found {
                    Some(found) if *found == wanted.to_sdk() => None,
                    None if self.add_missing => Some(wanted),
                    found => {
                        refused.push(format!(
                            "stream: the table has {}, {wanted:?} was asked for",
                            found.map_or_else(|| "none".to_owned(), |v| format!("{v:?}"))
                        ));
                        None
                    }
                }
            }
        };
        let ttl = match (create.ttl, self.add_missing) {
            (Some(attribute), true) => {
                ttl_to_enable(create.client, create.table, attribute, &mut refused).await?
            }
            _ => None,
        };
        mismatch(create.table, refused)?;
        Ok(Plan {
            indexes,
            stream,
            ttl,
        })
    }
}

impl<'a> std::future::IntoFuture for EnsureTable<'a> {
    type Output = Result<Ensured>;
    type IntoFuture = futures::future::BoxFuture<'a, Result<Ensured>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// What `add_missing` adds.
struct Plan {
    indexes: Vec<&'static IndexDefinition>,
    stream: Option<super::StreamView>,
    ttl: Option<&'static str>,
}

/// A key attribute of an index to add that the table already defines with another
/// type: DynamoDB would refuse the index, after earlier ones were added.
fn attribute_types_differ(
    description: &TableDescription,
    indexes: &[&IndexDefinition],
) -> Vec<String> {
    let defined = description.attribute_definitions();
    indexes
        .iter()
        .flat_map(|index| index.key_attributes().map(move |key| (index, key)))
        .filter_map(|(index, key)| {
            let found = defined.iter().find(|d| d.attribute_name() == key.name)?;
            (*found.attribute_type() != key.scalar_type.to_sdk()).then(|| {
                format!(
                    "index `{}`: its key `{}` is {}, but the table defines it as {}",
                    index.name,
                    key.name,
                    key.scalar_type.to_sdk().as_str(),
                    found.attribute_type().as_str()
                )
            })
        })
        .collect()
}

/// `attribute` when the table's time to live is off; a difference when it is on for
/// another attribute.
async fn ttl_to_enable(
    client: &Client,
    table: &str,
    attribute: &'static str,
    refused: &mut Vec<String>,
) -> Result<Option<&'static str>> {
    let request = client.describe_time_to_live().table_name(table);
    let output = crate::observe::send_classified(request, plain(table)).await?;
    let Some(found) = output.time_to_live_description() else {
        return Ok(Some(attribute));
    };
    let on = matches!(
        found.time_to_live_status(),
        Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
    );
    match (on, found.attribute_name()) {
        (false, _) => Ok(Some(attribute)),
        (true, Some(name)) if name == attribute => Ok(None),
        (true, other) => {
            refused.push(format!(
                "time to live: the table has it on `{}`, the type on `{attribute}`",
                other.unwrap_or("?")
            ));
            Ok(None)
        }
    }
}

/// Adds a global index to a live table (UpdateTable), billed as the table is.
async fn add_index(
    client: &Client,
    table: &str,
    index: &IndexDefinition,
    description: &TableDescription,
) -> Result<()> {
    let build = |e| Error::from_build("UpdateTable", e);
    let mut action = CreateGlobalSecondaryIndexAction::builder()
        .index_name(index.name)
        .set_key_schema(Some(index_key_schema(index)?))
        .projection(sdk_projection(index.projection));
    let provisioned = description
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .is_none_or(|mode| *mode == BillingMode::Provisioned);
    if let (true, Some(throughput)) = (provisioned, description.provisioned_throughput()) {
        let (read, write) = (
            throughput.read_capacity_units().unwrap_or(0),
            throughput.write_capacity_units().unwrap_or(0),
        );
        if read > 0 && write > 0 {
            action = action.provisioned_throughput(
                ProvisionedThroughput::builder()
                    .read_capacity_units(read)
                    .write_capacity_units(write)
                    .build()
                    .map_err(build)?,
            );
        }
    }
    let mut request = client
        .update_table()
        .table_name(table)
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .create(action.build().map_err(build)?)
                .build(),
        );
    for key in index.key_attributes() {
        request = request.attribute_definitions(attribute_definition(key, "UpdateTable")?);
    }
    crate::observe::send_classified(request, plain(table)).await?;
    Ok(())
}

/// Whether index `name` is active and done filling.
fn index_active(description: &TableDescription, name: &str) -> bool {
    description
        .global_secondary_indexes()
        .iter()
        .find(|i| i.index_name() == Some(name))
        .is_some_and(|i| {
            i.index_status() == Some(&IndexStatus::Active) && i.backfilling() != Some(true)
        })
}
