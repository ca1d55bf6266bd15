//! TransactGetItems: a consistent snapshot of items from one or more tables.

use crate::observe::{Call, Observer};
use std::marker::PhantomData;

use aws_sdk_dynamodb::types::{Get, TransactGetItem};
use aws_sdk_dynamodb::Client;

use crate::error::cancelled;
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::limits::MAX_TRANSACTION_ACTIONS as MAX_ACTIONS;
use crate::operations::TypedMapping;
use crate::sdk_item::Item;

/// Reads items from one or more tables as one consistent snapshot (TransactGetItems).
/// Each `get` returns a typed [`Fetch`] handle to take the item out of the results.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct Account { #[dynamo(partition_key)] id: String, balance: i64 }
/// # #[derive(dynamap::DynamoItem)]
/// # struct Profile { #[dynamo(partition_key)] id: String, name: String }
/// # async fn f(accounts: dynamap::TypedMapping<Account>, profiles: dynamap::TypedMapping<Profile>) -> dynamap::Result<()> {
/// let id = "u1";
/// let mut read = dynamap::read_transaction(accounts.client());
/// let account = read.get(&accounts, &id);
/// let profile = read.get(&profiles, &id);
/// let mut results = read.await?;
/// let account: Option<Account> = results.take(account)?;
/// let profile: Option<Profile> = results.take(profile)?;
/// # Ok(()) }
/// ```
#[must_use = "a ReadTransaction does nothing until it is awaited"]
#[doc(alias = "TransactGetItems")]
#[doc(alias = "transact_get_items")]
pub struct ReadTransaction {
    client: Client,
    gets: Vec<TransactGetItem>,
    labels: Vec<String>,
    error: Option<Error>,
    observer: Observer,
    tables: Vec<String>,
}

/// A handle to one item of a [`ReadTransaction`]'s results, typed by the item it reads.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # fn f(users: dynamap::TypedMapping<User>, read: &mut dynamap::transactions::ReadTransaction) {
/// let id = "u1";
/// let handle: dynamap::transactions::Fetch<User> = read.get(&users, &id);
/// # }
/// ```
#[derive(Debug)]
pub struct Fetch<T> {
    index: usize,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Fetch<T> {}

/// The items a [`ReadTransaction`] read, in request order.
///
/// ```no_run
/// # fn f(results: dynamap::transactions::ReadResults) { println!("{} slots", results.len()); }
/// ```
#[derive(Debug)]
pub struct ReadResults {
    items: Vec<Option<Item>>,
}

/// Starts a read transaction with `client` (any mapping's [`TypedMapping::client`]),
/// as [`transaction`](crate::transaction) starts a write transaction.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let mut read = dynamap::read_transaction(users.client());
/// let user = read.get(&users, "u1");
/// let user: Option<User> = read.await?.take(user)?;
/// # Ok(()) }
/// ```
#[doc(alias = "TransactGetItems")]
#[doc(alias = "transact_get_items")]
pub fn read_transaction(client: &Client) -> ReadTransaction {
    ReadTransaction {
        client: client.clone(),
        gets: Vec::new(),
        labels: Vec::new(),
        error: None,
        observer: Observer::default(),
        tables: Vec::new(),
    }
}

impl ReadTransaction {
    /// Adds a read of the item under `key`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>, read: &mut dynamap::transactions::ReadTransaction) {
    /// let id = "u1";
    /// let user = read.get(&users, &id);
    /// # }
    /// ```
    pub fn get<T: DynamoItem, Q: crate::key::KeyLike<T::Key> + ?Sized>(
        &mut self,
        mapping: &TypedMapping<T>,
        key: &Q,
    ) -> Fetch<T> {
        let index = self.gets.len();
        super::write::adopt(&mut self.observer, &mut self.tables, mapping);
        let get = crate::key::key_item::<T, _>(key).and_then(|key| {
            Get::builder()
                .table_name(mapping.table_name())
                .set_key(Some(key))
                .build()
                .map_err(|e| Error::from_build("TransactGetItems", e))
        });
        match get {
            Ok(get) => {
                self.gets.push(TransactGetItem::builder().get(get).build());
                self.labels
                    .push(format!("Get on `{}`", mapping.table_name()));
            }
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e);
                }
            }
        }
        Fetch {
            index,
            item: PhantomData,
        }
    }

    /// Sends the reads; the same as `.await`.
    ///
    /// ```no_run
    /// # async fn f(read: dynamap::transactions::ReadTransaction) -> dynamap::Result<()> {
    /// let results = read.send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<ReadResults> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.gets.is_empty() || self.gets.len() > MAX_ACTIONS {
            return Err(Error::InvalidRequest {
                operation: "TransactGetItems",
                problem: format!(
                    "a read transaction holds 1 to {MAX_ACTIONS} reads; this one has {}",
                    self.gets.len()
                ),
            });
        }
        let count = self.gets.len();
        let tables = self.tables.join(", ");
        let request = self
            .client
            .transact_get_items()
            .set_transact_items(Some(self.gets));
        let output = crate::observe::send(request, Call::new(&tables, &self.observer))
            .await
            .map_err(
                |e| match Error::classify("TransactGetItems", &self.labels.join(", "), e) {
                    Ok(answer) => cancelled(answer, &self.labels, "TransactGetItems"),
                    Err(transport) => transport,
                },
            )?;
        let mut items: Vec<Option<Item>> = output
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| response.item.filter(|item| !item.is_empty()))
            .collect();
        items.resize(count, None);
        Ok(ReadResults { items })
    }
}

impl ReadResults {
    /// Takes the item a handle asked for out of the results (`None` when there is
    /// none), decoded; the handle is used up, so each item is taken once, uncopied.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(mut results: dynamap::transactions::ReadResults, handle: dynamap::transactions::Fetch<User>) -> dynamap::Result<()> {
    /// let user: Option<User> = results.take(handle)?;
    /// # Ok(()) }
    /// ```
    pub fn take<T: DynamoItem>(&mut self, handle: Fetch<T>) -> Result<Option<T>> {
        match self.items.get_mut(handle.index).and_then(Option::take) {
            Some(item) => T::from_item(item).map(Some),
            None => Ok(None),
        }
    }

    /// How many reads the transaction made.
    ///
    /// ```no_run
    /// # fn f(results: dynamap::transactions::ReadResults) { assert!(!results.is_empty()); }
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no results.
    ///
    /// ```no_run
    /// # fn f(results: dynamap::transactions::ReadResults) { let _ = results.is_empty(); }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl std::future::IntoFuture for ReadTransaction {
    type Output = Result<ReadResults>;
    type IntoFuture = futures::future::BoxFuture<'static, Result<ReadResults>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
