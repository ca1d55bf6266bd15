//! A table's shape: its key schema and indexes as the derives declare them, the traits
//! of single-table designs, and creating, describing and deleting the table.

pub use crate::expiry::Expiring;
pub use crate::item::UpdatesInPlace;
pub use crate::item::{
    IndexDefinition, IndexKind, IndexProjection, KeyDefinition, KeySchema, Projection,
    UniqueAttribute,
};
pub use crate::key::{KeyLike, KeyPart, KeySegment, PartitionValue};
pub(crate) use crate::lifecycle::wait_until_active;
pub use crate::shape::ItemShape;
pub use evolve::{EnsureTable, Ensured};
#[cfg(feature = "infra")]
pub use infra::TableResource;

mod evolve;
#[cfg(feature = "infra")]
mod infra;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection as SdkProjection, ProjectionType, TableDescription,
};
use aws_sdk_dynamodb::Client;

use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;
use crate::value::ScalarType;

/// How a new table is billed.
///
/// ```
/// let billing = dynamap::schema::Billing::Provisioned { read: 5, write: 5 };
/// assert_ne!(billing, dynamap::schema::Billing::OnDemand);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// Pay per request (the default).
    OnDemand,
    /// Provisioned capacity units, for the table and each global index.
    Provisioned {
        /// Read capacity units.
        read: i64,
        /// Write capacity units.
        write: i64,
    },
}

/// What a table's stream records of each change: what a change feed's `old` and `new`
/// can hold.
///
/// ```
/// let view = dynamap::schema::StreamView::NewAndOldImages;
/// assert_ne!(view, dynamap::schema::StreamView::KeysOnly);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamView {
    /// Only the key attributes.
    KeysOnly,
    /// The item after the change.
    NewImage,
    /// The item before the change.
    OldImage,
    /// Both.
    NewAndOldImages,
}

/// A key attribute's name and type, as CreateTable and UpdateTable declare it.
fn attribute_definition(
    key: KeyDefinition,
    operation: &'static str,
) -> Result<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(key.name)
        .attribute_type(key.scalar_type.to_sdk())
        .build()
        .map_err(|e| Error::from_build(operation, e))
}

impl StreamView {
    /// The stream turned on, recording this view, as CreateTable and UpdateTable take it.
    fn specification(
        self,
        operation: &'static str,
    ) -> Result<aws_sdk_dynamodb::types::StreamSpecification> {
        aws_sdk_dynamodb::types::StreamSpecification::builder()
            .stream_enabled(true)
            .stream_view_type(self.to_sdk())
            .build()
            .map_err(|e| Error::from_build(operation, e))
    }

    fn to_sdk(self) -> aws_sdk_dynamodb::types::StreamViewType {
        use aws_sdk_dynamodb::types::StreamViewType as V;
        match self {
            StreamView::KeysOnly => V::KeysOnly,
            StreamView::NewImage => V::NewImage,
            StreamView::OldImage => V::OldImage,
            StreamView::NewAndOldImages => V::NewAndOldImages,
        }
    }
}

/// Creates a table from an item type; from [`TypedMapping::create_table`], sent by `.await`.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// users.create_table().provisioned(10, 5).await?;
/// # Ok(()) }
/// ```
#[must_use = "a CreateTable does nothing until it is awaited"]
#[doc(alias = "create_table")]
pub struct CreateTable<'a> {
    client: &'a Client,
    table: &'a str,
    schema: KeySchema,
    indexes: &'static [IndexDefinition],
    ttl: Option<&'static str>,
    billing: Billing,
    stream: Option<StreamView>,
}

impl<'a> CreateTable<'a> {
    /// A table with these keys and indexes (on-demand billing).
    pub(crate) fn new(
        client: &'a Client,
        table: &'a str,
        schema: KeySchema,
        indexes: &'static [IndexDefinition],
        ttl: Option<&'static str>,
    ) -> Self {
        CreateTable {
            client,
            table,
            schema,
            indexes,
            ttl,
            billing: Billing::OnDemand,
            stream: None,
        }
    }

    /// Turns the table's stream on, recording `view` of each change, for
    /// `changes()` (feature `change-feed`); with `ensure_table`, an existing
    /// table whose stream is off or records another view is a
    /// [`SchemaMismatch`](Error::SchemaMismatch).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.create_table().stream(dynamap::schema::StreamView::NewAndOldImages).await?;
    /// # Ok(()) }
    /// ```
    pub fn stream(mut self, view: StreamView) -> Self {
        self.stream = Some(view);
        self
    }

    /// Creates the table if it is missing, or checks that it has the keys, indexes and
    /// stream asked for (and with [`EnsureTable::add_missing`], adds what it lacks).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let created = users.create_table().stream(dynamap::schema::StreamView::NewImage).ensure().await?.created;
    /// # Ok(()) }
    /// ```
    pub fn ensure(self) -> EnsureTable<'a> {
        EnsureTable::new(self, "the declared table")
    }

    /// Provisioned capacity instead of on-demand billing.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.create_table().provisioned(5, 5).await?;
    /// # Ok(()) }
    /// ```
    pub fn provisioned(mut self, read: i64, write: i64) -> Self {
        self.billing = Billing::Provisioned { read, write };
        self
    }

    /// The billing mode, as a value.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.create_table().billing(dynamap::schema::Billing::OnDemand).await?;
    /// # Ok(()) }
    /// ```
    pub fn billing(mut self, billing: Billing) -> Self {
        self.billing = billing;
        self
    }

    /// The table this builder creates, as infrastructure code: the same CreateTable
    /// request (keys, attribute definitions, indexes and their projections, billing,
    /// stream) and time to live, rendered as a CloudFormation resource or Terraform.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let resource = users.create_table().provisioned(5, 5).resource()?;
    /// let template = resource.cloudformation_yaml("UsersTable")?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "infra")]
    pub fn resource(&self) -> Result<TableResource> {
        let keys: Vec<KeyDefinition> = self.schema.attributes().collect();
        let request = create_request(
            self.client,
            self.table,
            &keys,
            self.indexes,
            self.billing,
            self.stream,
        )?;
        TableResource::new(request.as_input().clone(), self.ttl)
    }

    /// Sends the request and waits; the same as `.await`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.create_table().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<()> {
        let (client, table) = (self.client, self.table);
        let keys: Vec<KeyDefinition> = self.schema.attributes().collect();
        create(
            client,
            table,
            &keys,
            self.indexes,
            self.billing,
            self.stream,
        )
        .await?;
        wait_until_active(client, table).await?;
        if let Some(attribute) = self.ttl {
            enable_ttl(client, table, attribute).await?;
        }
        Ok(())
    }
}

impl<'a> std::future::IntoFuture for CreateTable<'a> {
    type Output = Result<()>;
    type IntoFuture = futures::future::BoxFuture<'a, Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

async fn enable_ttl(client: &Client, table: &str, attribute: &str) -> Result<()> {
    let specification = aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(attribute)
        .build()
        .map_err(|e| Error::from_build("UpdateTimeToLive", e))?;
    let request = client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification);
    crate::observe::send_classified(request, plain(table)).await?;
    Ok(())
}
fn describe_key(name: &str, kind: Option<ScalarType>) -> String {
    let kind = match kind {
        Some(ScalarType::String) => "S",
        Some(ScalarType::Number) => "N",
        Some(ScalarType::Binary) => "B",
        None => "?",
    };
    format!("{name} ({kind})")
}

/// `SchemaMismatch` listing `problems`, if there are any.
pub(crate) fn mismatch(table: &str, problems: Vec<String>) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::SchemaMismatch {
        table: table.to_owned(),
        details: problems.join("; "),
    })
}

impl Problem<'_> {
    fn differs(text: String) -> Self {
        Problem {
            text,
            missing_index: None,
        }
    }
}

/// One way a table differs from what its type declares.
pub(crate) struct Problem<'i> {
    /// What differs, for `SchemaMismatch`.
    pub text: String,
    /// The declared index the table lacks, when that is the difference.
    pub missing_index: Option<&'i IndexDefinition>,
}

/// Every way the table described differs from the keys and indexes `owner` declares.
pub(crate) fn schema_problems<'i>(
    owner: &str,
    declared: KeySchema,
    indexes: &'i [IndexDefinition],
    description: &TableDescription,
) -> Vec<Problem<'i>> {
    let type_of = |name: &str| {
        description
            .attribute_definitions()
            .iter()
            .find(|d| d.attribute_name() == name)
            .and_then(|d| match d.attribute_type() {
                aws_sdk_dynamodb::types::ScalarAttributeType::S => Some(ScalarType::String),
                aws_sdk_dynamodb::types::ScalarAttributeType::N => Some(ScalarType::Number),
                aws_sdk_dynamodb::types::ScalarAttributeType::B => Some(ScalarType::Binary),
                _ => None,
            })
    };
    let key_of = |schema: &[KeySchemaElement], wanted: KeyType| {
        schema
            .iter()
            .find(|k| *k.key_type() == wanted)
            .map(|k| describe_key(k.attribute_name(), type_of(k.attribute_name())))
    };
    let expected =
        |key: Option<KeyDefinition>| key.map(|k| describe_key(k.name, Some(k.scalar_type)));
    let mut problems: Vec<Problem<'i>> = Vec::new();
    let schema = description.key_schema();
    for (role, wanted, key) in [
        ("partition key", KeyType::Hash, Some(declared.partition_key)),
        ("sort key", KeyType::Range, declared.sort_key),
    ] {
        let (found, want) = (key_of(schema, wanted), expected(key));
        if found != want {
            problems.push(Problem::differs(format!(
                "{role}: the table has {}, {} declares {}",
                found.as_deref().unwrap_or("none"),
                owner,
                want.as_deref().unwrap_or("none")
            )));
        }
    }
    for index in indexes {
        let found = match index.kind {
            IndexKind::Global => description
                .global_secondary_indexes()
                .iter()
                .find(|i| i.index_name() == Some(index.name))
                .map(|i| (i.key_schema().to_vec(), i.projection().cloned())),
            IndexKind::Local => description
                .local_secondary_indexes()
                .iter()
                .find(|i| i.index_name() == Some(index.name))
                .map(|i| (i.key_schema().to_vec(), i.projection().cloned())),
        };
        match found {
            None => problems.push(Problem {
                text: format!("index `{}`: missing from the table", index.name),
                missing_index: Some(index),
            }),
            Some((keys, projection)) => {
                let (found, want) = (
                    describe_projection(projection.as_ref()),
                    describe_projection(Some(&sdk_projection(index.projection))),
                );
                if found != want {
                    problems.push(Problem::differs(format!(
                        "index `{}`: the table projects {found}, {owner} declares {want}",
                        index.name
                    )));
                }
                // Every attribute of each key, in key order (multi-attribute keys).
                let found: Vec<(KeyType, String)> = keys
                    .iter()
                    .map(|k| {
                        let name = k.attribute_name();
                        (k.key_type().clone(), describe_key(name, type_of(name)))
                    })
                    .collect();
                let want: Vec<(KeyType, String)> = index
                    .partition_keys()
                    .map(|k| (KeyType::Hash, k))
                    .chain(index.sort_keys().map(|k| (KeyType::Range, k)))
                    .map(|(role, k)| (role, describe_key(k.name, Some(k.scalar_type))))
                    .collect();
                if found != want {
                    let list = |keys: &[(KeyType, String)]| {
                        let keys: Vec<String> = keys
                            .iter()
                            .map(|(role, key)| format!("{key} {}", role.as_str()))
                            .collect();
                        keys.join(", ")
                    };
                    problems.push(Problem::differs(format!(
                        "index `{}`: the table's keys are {}, {owner} declares {}",
                        index.name,
                        list(&found),
                        list(&want)
                    )));
                }
            }
        }
    }
    problems
}

impl<T: DynamoItem> TypedMapping<T> {
    /// Creates the table from `T`'s key schema and indexes, billed on demand unless
    /// [`CreateTable::provisioned`] is set, waits until it is `ACTIVE`, and turns on
    /// time to live for a `#[dynamo(ttl)]` attribute. Fails if the table exists (see
    /// [`ensure_table`](Self::ensure_table)).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.create_table().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "CreateTable")]
    pub fn create_table(&self) -> CreateTable<'_> {
        CreateTable::new(
            self.client(),
            self.table_name(),
            T::KEY_SCHEMA,
            T::TABLE_INDEXES,
            T::TTL_ATTRIBUTE,
        )
    }

    /// Makes sure the table exists with `T`'s key schema: creates it (on demand) if it
    /// is missing, and otherwise checks that its keys and declared indexes match,
    /// failing with [`Error::SchemaMismatch`] if they do not;
    /// [`add_missing(true)`](EnsureTable::add_missing) adds the indexes, time to live
    /// and stream it lacks instead. What it did is an [`Ensured`].
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let created: bool = users.ensure_table().await?.created;
    /// # Ok(()) }
    /// ```
    pub fn ensure_table(&self) -> EnsureTable<'_> {
        EnsureTable::new(self.create_table(), std::any::type_name::<T>())
    }
}

/// A table-lifecycle request: a span, nothing to meter.
fn plain(table: &str) -> crate::observe::Call<'_> {
    crate::observe::Call::new(table, &crate::observe::Observer::PLAIN)
}

/// `[partition, sort]` as a KeySchema.
fn key_schema(keys: &[KeyDefinition]) -> Result<Vec<KeySchemaElement>> {
    let roles = [KeyType::Hash, KeyType::Range];
    element_schema(keys.iter().copied().zip(roles))
}

/// An index's key schema: every partition attribute, then every sort attribute, in
/// key order (DynamoDB's multi-attribute keys list several of each).
fn index_key_schema(index: &IndexDefinition) -> Result<Vec<KeySchemaElement>> {
    let partition = index.partition_keys().map(|k| (k, KeyType::Hash));
    element_schema(partition.chain(index.sort_keys().map(|k| (k, KeyType::Range))))
}

fn element_schema(
    keys: impl Iterator<Item = (KeyDefinition, KeyType)>,
) -> Result<Vec<KeySchemaElement>> {
    keys.map(|(key, key_type)| {
        KeySchemaElement::builder()
            .attribute_name(key.name)
            .key_type(key_type)
            .build()
            .map_err(|e| Error::from_build("CreateTable", e))
    })
    .collect()
}

/// Creates a table: its keys, the indexes as declared (each with its projection), the
/// billing mode and the stream.
pub(crate) async fn create(
    client: &Client,
    table: &str,
    keys: &[KeyDefinition],
    indexes: &[IndexDefinition],
    billing: Billing,
    stream: Option<StreamView>,
) -> Result<()> {
    let request = create_request(client, table, keys, indexes, billing, stream)?;
    crate::observe::send_classified(request, plain(table)).await?;
    Ok(())
}

/// The CreateTable request [`create`] sends, before it is sent: also what the table is
/// rendered from as infrastructure code.
fn create_request(
    client: &Client,
    table: &str,
    keys: &[KeyDefinition],
    indexes: &[IndexDefinition],
    billing: Billing,
    stream: Option<StreamView>,
) -> Result<aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder> {
    let mut definitions: Vec<KeyDefinition> = Vec::new();
    let index_keys = indexes.iter().flat_map(IndexDefinition::key_attributes);
    for key in keys.iter().copied().chain(index_keys) {
        if !definitions.iter().any(|d| d.name == key.name) {
            definitions.push(key);
        }
    }
    let throughput = match billing {
        Billing::OnDemand => None,
        Billing::Provisioned { read, write } => Some(
            aws_sdk_dynamodb::types::ProvisionedThroughput::builder()
                .read_capacity_units(read)
                .write_capacity_units(write)
                .build()
                .map_err(|e| Error::from_build("CreateTable", e))?,
        ),
    };
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(match billing {
            Billing::OnDemand => BillingMode::PayPerRequest,
            Billing::Provisioned { .. } => BillingMode::Provisioned,
        })
        .set_provisioned_throughput(throughput.clone())
        .set_key_schema(Some(key_schema(keys)?));
    if let Some(view) = stream {
        request = request.stream_specification(view.specification("CreateTable")?);
    }
    for definition in definitions {
        request = request.attribute_definitions(attribute_definition(definition, "CreateTable")?);
    }
    for index in indexes {
        let projection = sdk_projection(index.projection);
        request = match index.kind {
            IndexKind::Global => request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index.name)
                    .set_key_schema(Some(index_key_schema(index)?))
                    .projection(projection)
                    .set_provisioned_throughput(throughput.clone())
                    .build()
                    .map_err(|e| Error::from_build("CreateTable", e))?,
            ),
            IndexKind::Local => request.local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name(index.name)
                    .set_key_schema(Some(index_key_schema(index)?))
                    .projection(projection)
                    .build()
                    .map_err(|e| Error::from_build("CreateTable", e))?,
            ),
        };
    }
    Ok(request)
}

/// An index's projection as CreateTable takes it.
fn sdk_projection(projection: crate::item::IndexProjection) -> SdkProjection {
    use crate::item::IndexProjection;
    match projection {
        IndexProjection::All => SdkProjection::builder()
            .projection_type(ProjectionType::All)
            .build(),
        IndexProjection::KeysOnly => SdkProjection::builder()
            .projection_type(ProjectionType::KeysOnly)
            .build(),
        IndexProjection::Include(names) => SdkProjection::builder()
            .projection_type(ProjectionType::Include)
            .set_non_key_attributes(Some(names.iter().map(|n| (*n).to_owned()).collect()))
            .build(),
    }
}

/// What a described index holds, as the declaration would say it: `ALL`, `KEYS_ONLY`,
/// or `INCLUDE(a, b)` (sorted).
fn describe_projection(projection: Option<&SdkProjection>) -> String {
    let Some(projection) = projection else {
        return "no projection".to_owned();
    };
    match projection.projection_type() {
        Some(ProjectionType::Include) => {
            let mut names: Vec<&str> = projection
                .non_key_attributes()
                .iter()
                .map(String::as_str)
                .collect();
            names.sort_unstable();
            format!("INCLUDE({})", names.join(", "))
        }
        Some(kind) => kind.as_str().to_owned(),
        None => "no projection".to_owned(),
    }
}
