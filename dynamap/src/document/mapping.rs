//! `Mapping`: the seed's `DynamoDBMapping`, a table of dynamic documents.

use aws_sdk_dynamodb::types::KeyType;
use aws_sdk_dynamodb::Client;
use futures::stream::BoxStream;

use super::operations::{
    DocumentContainsKey, DocumentGet, DocumentInsert, DocumentModify, DocumentRemove,
};
use super::{Document, DocumentKey, TableKey, Value};
use crate::attr_path::AttrPath;
use crate::error::{Error, Result};
use crate::key::KeyLike;
use crate::observe::Call;
use crate::reads::read::ReadSpec;
use crate::reads::{self, Page, ScanOptions};
use crate::sdk_item::Item;
use crate::value::ScalarType;

/// A table used as a map of [`Document`]s, for tables whose attributes are not known at
/// compile time: the Rust form of the Python seed's `DynamoDBMapping`.
///
/// ```no_run
/// use dynamap::{document::Document, Mapping, document::Value};
/// use futures::TryStreamExt;
///
/// # async fn f(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
/// let mapping = Mapping::open(client, "my_table").await?; // reads the key schema
/// let doc: Document = [("id", Value::from("my_key")), ("price", Value::from(123))].into_iter().collect();
/// mapping.insert(&doc).await?;                            // mapping["my_key"] = {...}
/// let item = mapping.get("my_key").await?;                // mapping["my_key"]
/// let changes: Document = [("price", Value::from(99)), ("note", Value::Null)].into_iter().collect();
/// mapping.modify("my_key", &changes).await?;              // modify_item: Null removes
/// mapping.remove("my_key").await?;                        // del mapping["my_key"]
/// let keys: Vec<dynamap::document::DocumentKey> = mapping.keys().try_collect().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Mapping {
    handle: crate::handle::TableHandle,
    partition_key: TableKey,
    sort_key: Option<TableKey>,
}

fn scalar_type(kind: &aws_sdk_dynamodb::types::ScalarAttributeType) -> Option<ScalarType> {
    use aws_sdk_dynamodb::types::ScalarAttributeType as S;
    match kind {
        S::S => Some(ScalarType::String),
        S::N => Some(ScalarType::Number),
        S::B => Some(ScalarType::Binary),
        _ => None,
    }
}

impl Mapping {
    /// Opens the table `table`, reading its key schema with DescribeTable.
    ///
    /// ```no_run
    /// # async fn f(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
    /// let mapping = dynamap::Mapping::open(client, "my_table").await?;
    /// println!("key: {:?}", mapping.partition_key());
    /// # Ok(()) }
    /// ```
    pub async fn open(client: Client, table: impl Into<String>) -> Result<Self> {
        let table = table.into();
        let description = crate::lifecycle::describe_table(&client, &table).await?;
        let key_of = |wanted: KeyType| -> Result<Option<TableKey>> {
            let Some(element) = description
                .key_schema()
                .iter()
                .find(|k| *k.key_type() == wanted)
            else {
                return Ok(None);
            };
            let name = element.attribute_name().to_owned();
            let kind = description
                .attribute_definitions()
                .iter()
                .find(|d| d.attribute_name() == name)
                .and_then(|d| scalar_type(d.attribute_type()))
                .ok_or_else(|| Error::UnexpectedAnswer {
                    operation: "DescribeTable",
                    problem: format!("no scalar type for key attribute `{name}` of `{table}`"),
                })?;
            Ok(Some(TableKey {
                name,
                scalar_type: kind,
            }))
        };
        let partition_key = key_of(KeyType::Hash)?.ok_or_else(|| Error::UnexpectedAnswer {
            operation: "DescribeTable",
            problem: format!("table `{table}` has no partition key"),
        })?;
        let sort_key = key_of(KeyType::Range)?;
        Ok(Mapping {
            handle: crate::handle::TableHandle::new(client, table),
            partition_key,
            sort_key,
        })
    }

    fn with_handle(&self, handle: crate::handle::TableHandle) -> Self {
        Mapping {
            handle,
            ..self.clone()
        }
    }

    crate::handle::table_handle_settings!("# fn f(handle: dynamap::Mapping) {");

    /// The partition key attribute.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { println!("{}", m.partition_key().name); }
    /// ```
    pub fn partition_key(&self) -> &TableKey {
        &self.partition_key
    }

    /// The sort key attribute, if the table has one.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { println!("{:?}", m.sort_key()); }
    /// ```
    pub fn sort_key(&self) -> Option<&TableKey> {
        self.sort_key.as_ref()
    }

    pub(super) fn key_item(&self, key: &(impl KeyLike<DocumentKey> + ?Sized)) -> Result<Item> {
        key.to_key()
            .to_item(&self.partition_key, self.sort_key.as_ref())
    }

    fn key_of(&self, item: &Item) -> Result<DocumentKey> {
        let value = |key: &TableKey| -> Result<Value> {
            let raw = item.get(&key.name).cloned().ok_or_else(|| {
                Error::Key(format!("an item without its key attribute `{}`", key.name))
            })?;
            Ok(Value::from_attribute_value(raw)?)
        };
        Ok(match &self.sort_key {
            None => DocumentKey::Simple(value(&self.partition_key)?),
            Some(sort) => DocumentKey::Composite(value(&self.partition_key)?, value(sort)?),
        })
    }

    /// The document under `key`, or `None`: a [`DocumentGet`] sent by `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let doc = m.get(&("alice", 7)).consistent_read(true).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "GetItem")]
    pub fn get(&self, key: &(impl KeyLike<DocumentKey> + ?Sized)) -> DocumentGet<'_> {
        DocumentGet::new(self, self.key_item(key))
    }

    /// Stores `document`, replacing any with the same key; it must hold the key
    /// attributes. A [`DocumentInsert`] sent by `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let doc: dynamap::document::Document = [("id", "k".into()), ("n", 1.into())].into_iter().collect();
    /// m.insert(&doc).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "PutItem")]
    pub fn insert<'a>(&'a self, document: &'a Document) -> DocumentInsert<'a> {
        DocumentInsert::new(self, document)
    }

    /// Deletes the document under `key` and returns it (one DeleteItem). A
    /// [`DocumentRemove`] sent by `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let old = m.remove("k").await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "DeleteItem")]
    pub fn remove(&self, key: &(impl KeyLike<DocumentKey> + ?Sized)) -> DocumentRemove<'_> {
        DocumentRemove::new(self, self.key_item(key))
    }

    /// Whether a document is stored under `key` (reads only the key attributes). A
    /// [`DocumentContainsKey`] sent by `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let there = m.contains_key("k").await?;
    /// # Ok(()) }
    /// ```
    pub fn contains_key(
        &self,
        key: &(impl KeyLike<DocumentKey> + ?Sized),
    ) -> DocumentContainsKey<'_> {
        DocumentContainsKey::new(self, self.key_item(key))
    }

    /// Changes some attributes of the existing document under `key`, as the seed's
    /// `modify_item`: each attribute of `changes` is set, and one set to
    /// [`Value::Null`] is removed. Fails with [`Error::NotFound`] if there is no such
    /// document, and before sending if `changes` touches a key attribute. A
    /// [`DocumentModify`] sent by `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let changes: dynamap::document::Document = [("title", "new".into()), ("draft", dynamap::document::Value::Null)].into_iter().collect();
    /// m.modify("k", &changes).await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "UpdateItem")]
    pub fn modify<'a>(
        &'a self,
        key: &(impl KeyLike<DocumentKey> + ?Sized),
        changes: &'a Document,
    ) -> DocumentModify<'a> {
        DocumentModify::new(self, self.key_item(key), changes)
    }

    /// The exact item count: a paginated Scan with `Select=COUNT`, billed for every
    /// item, sent by `.await` (a [`Count`](crate::reads::Count), as a `TypedMapping`'s).
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// println!("exactly {}", m.count().read_units_per_second(50.0).await?);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "Select::Count")]
    pub fn count(&self) -> crate::reads::Count<'_> {
        crate::reads::Count::new(&self.handle, None)
    }

    /// A request on this table, as its observer sees it.
    pub(super) fn call(&self) -> Call<'_> {
        Call::new(self.handle.table_name(), self.handle.observer())
    }

    pub(super) fn key_names(&self) -> Vec<String> {
        std::iter::once(&self.partition_key)
            .chain(self.sort_key.as_ref())
            .map(|k| k.name.clone())
            .collect()
    }

    /// A scan of the table, lazily, one page at a time; as the seed's `scan()`.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) {
    /// let docs = m.scan().page_size(100).stream();
    /// # }
    /// ```
    pub fn scan(&self) -> DocumentScan<'_> {
        DocumentScan {
            mapping: self,
            options: ScanOptions {
                spec: ReadSpec {
                    table: self.handle.table_name().to_owned(),
                    observer: self.handle.observer().clone(),
                    ..ReadSpec::default()
                },
                ..ScanOptions::default()
            },
        }
    }

    /// Every document, lazily, as the seed's `values()`.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { let docs = m.values(); }
    /// ```
    pub fn values(&self) -> BoxStream<'static, Result<Document>> {
        self.scan().stream()
    }

    /// Every key, lazily; only the key attributes are read.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { let keys = m.keys(); }
    /// ```
    pub fn keys(&self) -> BoxStream<'static, Result<DocumentKey>> {
        let mut scan = self.scan();
        scan.options.spec.projection =
            Some(self.key_names().into_iter().map(AttrPath::from).collect());
        let this = self.clone();
        reads::decoded_items(
            scan.options.raw_pages(self.handle.client()),
            move |item| this.key_of(&item),
            None,
        )
    }

    /// Every `(key, document)` pair, lazily, as the seed's `items()`.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { let entries = m.items(); }
    /// ```
    pub fn items(&self) -> BoxStream<'static, Result<(DocumentKey, Document)>> {
        let this = self.clone();
        reads::decoded_items(
            self.scan().options.raw_pages(self.handle.client()),
            move |item| Ok((this.key_of(&item)?, Document::from_item(item)?)),
            None,
        )
    }
}

/// A scan of an untyped table; from [`Mapping::scan`].
///
/// ```no_run
/// # fn f(m: dynamap::Mapping) { let pages = m.scan().segments(4).stream(); }
/// ```
#[must_use = "a scan does nothing until its stream is polled"]
pub struct DocumentScan<'a> {
    mapping: &'a Mapping,
    options: ScanOptions,
}

impl DocumentScan<'_> {
    crate::reads::read_settings!(
        "# fn f(m: dynamap::Mapping) {\n# let read = m.scan();",
        options
    );

    /// A parallel scan of `n` segments merged into one stream.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { let s = m.scan().segments(4).stream(); }
    /// ```
    pub fn segments(mut self, n: u32) -> Self {
        self.options.segments = Some(n.max(1));
        self
    }

    /// The documents, one by one.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { let docs = m.scan().stream(); }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<Document>> {
        reads::decoded_items(
            self.options.raw_pages(self.mapping.client()),
            |item| Ok(Document::from_item(item)?),
            self.options.limit,
        )
    }

    /// Whole pages with their resume tokens.
    ///
    /// ```no_run
    /// # fn f(m: dynamap::Mapping) { let pages = m.scan().page_size(50).pages(); }
    /// ```
    pub fn pages(self) -> BoxStream<'static, Result<Page<Document>>> {
        let scope = self.options.scope();
        reads::decoded_pages(
            self.options.raw_pages(self.mapping.client()),
            |item| Ok(Document::from_item(item)?),
            self.options.limit,
            self.mapping.key_names(),
            scope,
        )
    }
}

impl<'a> DocumentScan<'a> {
    /// How many documents the scan matches (its segments, start and limit), sent with
    /// `Select=COUNT`: a [`Count`](crate::reads::Count), sent by `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let n = m.scan().segments(4).count().await?;
    /// # Ok(()) }
    /// ```
    #[doc(alias = "Select::Count")]
    pub fn count(self) -> crate::reads::Count<'a> {
        let start = self.options.start_key();
        let client = self.mapping.client();
        crate::reads::Count::of(client, start.map(|start| (self.options, start)))
    }
}
