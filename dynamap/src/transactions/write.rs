//! TransactWriteItems: all actions happen, or none.

use crate::observe::{Call, Observer};
use std::collections::HashSet;
use std::future::IntoFuture;

use aws_sdk_dynamodb::types::TransactWriteItem;
use aws_sdk_dynamodb::Client;
use futures::future::BoxFuture;

use crate::condition::Condition;
use crate::error::{cancelled, CancelReason};
use crate::error::{Error, Result};
use crate::expr::{all_of, Node, Renderer};
use crate::item::DynamoItem;
use crate::key::KeyLike;
use crate::limits::MAX_TRANSACTION_ACTIONS as MAX_ACTIONS;
use crate::operations::TypedMapping;
use crate::operations::{
    delete_expressions, put_parts, put_request, remove_step, transact_actions,
};
use crate::operations::{keeps, transact_kept, Expect, Fixed, Marked, Modify, Step};
use crate::sdk_item::Item;

/// A write transaction over one or more tables: every action is applied, or none.
/// Built with [`transaction`], sent by `.await`.
///
/// ```no_run
/// use dynamap::prelude::*;
///
/// #[derive(DynamoItem, Debug, Clone)]
/// struct Account { #[dynamo(partition_key)] id: String, balance: i64 }
/// #[derive(DynamoItem, Debug, Clone)]
/// struct Transfer { #[dynamo(partition_key)] id: String, from: String, to: String, amount: i64 }
///
/// # async fn f(accounts: TypedMapping<Account>, transfers: TypedMapping<Transfer>) -> dynamap::Result<()> {
/// let f = Account::fields();
/// let (alice, bob) = ("alice".to_string(), "bob".to_string());
/// let record = Transfer { id: "t-1".into(), from: alice.clone(), to: bob.clone(), amount: 30 };
/// dynamap::transaction(accounts.client())
///     .modify(&accounts, &alice, |m| m.subtract(f.balance, 30).when(f.balance.ge(30)))
///     .modify(&accounts, &bob, |m| m.add(f.balance, 30))
///     .put_if_absent(&transfers, &record)
///     .client_request_token("t-1")  // a retry with the same token applies nothing twice
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a Transaction does nothing until it is awaited"]
#[doc(alias = "TransactWriteItems")]
#[doc(alias = "transact_write_items")]
pub struct Transaction {
    client: Client,
    actions: Vec<TransactWriteItem>,
    labels: Vec<String>,
    /// Each action's entity, `(attribute, name)`: a failed guard is reported as
    /// [`Error::OtherEntity`].
    entities: Vec<Option<(&'static str, &'static str)>>,
    /// (table, key bytes) of each action: DynamoDB refuses two actions on one item.
    items: HashSet<(String, Vec<u8>)>,
    token: Option<String>,
    error: Option<Error>,
    /// The first capacity meter among the actions' mappings, if any has one.
    observer: Observer,
    tables: Vec<String>,
    /// Writes of types that keep guards or parents' counts and sums: read and planned
    /// when the transaction is sent, their guards' and parents' actions added.
    kept: Vec<Step<'static>>,
    /// Each kept write's entity, as `entities` for the others.
    kept_entities: Vec<Option<(&'static str, &'static str)>>,
    /// The leases fencing the transaction: (action index, name, token), so that a
    /// failed fence is reported as [`Error::LeaseLost`].
    fences: Vec<(usize, String, u64)>,
    /// Per action (then per kept write), how to rewrite in today's shape an item an
    /// older shape of its type stored, for types with older shapes.
    upgraders: Vec<Option<Upgrader>>,
    kept_upgraders: Vec<Option<Upgrader>>,
}

/// Rewrites a stored item in today's shape if an older one stored it (`true` then).
type Upgrader = std::sync::Arc<dyn Fn(Item) -> BoxFuture<'static, Result<bool>> + Send + Sync>;

/// The upgrader of `T`'s items, for a type with older shapes.
fn upgrader<T: DynamoItem>(mapping: &TypedMapping<T>) -> Option<Upgrader> {
    crate::operations::current_shape::<T>()?;
    let mapping = mapping.clone();
    Some(std::sync::Arc::new(move |stored: Item| {
        let mapping = mapping.clone();
        Box::pin(async move { crate::operations::upgrade_older(&mapping, &stored).await })
    }))
}

/// Starts a write transaction with `client` (any mapping's [`TypedMapping::client`]).
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let key = "u1";
/// dynamap::transaction(users.client()).remove(&users, &key).await?;
/// # Ok(()) }
/// ```
#[doc(alias = "TransactWriteItems")]
#[doc(alias = "transact_write_items")]
pub fn transaction(client: &Client) -> Transaction {
    Transaction {
        client: client.clone(),
        actions: Vec::new(),
        labels: Vec::new(),
        entities: Vec::new(),
        items: HashSet::new(),
        token: None,
        error: None,
        observer: Observer::default(),
        tables: Vec::new(),
        kept: Vec::new(),
        kept_entities: Vec::new(),
        fences: Vec::new(),
        upgraders: Vec::new(),
        kept_upgraders: Vec::new(),
    }
}

impl Transaction {
    /// Checks that no other action names the item `key`, and takes the mapping's meter.
    fn claim<T: DynamoItem>(
        &mut self,
        mapping: &TypedMapping<T>,
        key: Result<Item>,
    ) -> Result<Item> {
        adopt(&mut self.observer, &mut self.tables, mapping);
        let key = key?;
        let identity = (
            mapping.table_name().to_owned(),
            crate::key::identity(&key, &T::KEY_SCHEMA),
        );
        if !self.items.insert(identity) {
            return Err(Error::InvalidRequest {
                operation: "TransactWriteItems",
                problem: format!(
                    "two actions on the same item of `{}`: DynamoDB refuses that",
                    mapping.table_name()
                ),
            });
        }
        Ok(key)
    }

    /// Adds a write of a type that keeps guards or parents (see `push`).
    fn push_kept<T: DynamoItem>(
        mut self,
        mapping: &TypedMapping<T>,
        key: Result<Item>,
        step: impl FnOnce(Item) -> Result<Step<'static>>,
    ) -> Self {
        if self.error.is_some() {
            return self;
        }
        match self.claim(mapping, key).and_then(step) {
            Ok(step) => {
                self.kept.push(step);
                self.kept_entities
                    .push(T::ENTITY.map(|e| (e.attribute, e.name)));
                self.kept_upgraders.push(upgrader(mapping));
            }
            Err(e) => self.error = Some(e),
        }
        self
    }

    fn push<T: DynamoItem>(
        mut self,
        mapping: &TypedMapping<T>,
        label: &str,
        key: Result<Item>,
        action: impl FnOnce(Item) -> Result<TransactWriteItem>,
    ) -> Self {
        if self.error.is_some() {
            return self;
        }
        let result = self.claim(mapping, key).and_then(action);
        match result {
            Ok(item) => {
                self.actions.push(item);
                self.labels
                    .push(format!("{label} on `{}`", mapping.table_name()));
                self.entities.push(T::ENTITY.map(|e| (e.attribute, e.name)));
                self.upgraders.push(upgrader(mapping));
            }
            Err(e) => self.error = Some(e),
        }
        self
    }

    fn put_with<T: DynamoItem>(
        self,
        mapping: &TypedMapping<T>,
        item: &T,
        condition: Option<Node>,
        if_absent: bool,
    ) -> Self {
        let table = mapping.table_name().to_owned();
        let key = T::key_to_item(&item.key());
        let now = mapping.stamp_time();
        if keeps::<T>() {
            return self.push_kept(mapping, key, |key| {
                let parts = put_parts(item, condition, if_absent, now)?;
                Ok(parts.into_step::<T>(&table, key, if_absent))
            });
        }
        self.push(mapping, "Put", key, move |_| {
            let request = put_request(item, condition, if_absent, now, Marked::No)?;
            transact_actions::put(&table, request.item, request.expressions)
        })
    }

    /// Stores `item` (checking and bumping its version, if it has one).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// dynamap::transaction(users.client()).put(&users, &user).await?;
    /// # Ok(()) }
    /// ```
    pub fn put<T: DynamoItem>(self, mapping: &TypedMapping<T>, item: &T) -> Self {
        self.put_with(mapping, item, None, false)
    }

    /// Stores `item` only if `condition` holds for what is stored now.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, plan: String }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into(), plan: "pro".into() };
    /// dynamap::transaction(users.client())
    ///     .put_when(&users, &user, User::fields().plan.eq("free"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn put_when<T: DynamoItem>(
        self,
        mapping: &TypedMapping<T>,
        item: &T,
        condition: Condition<T>,
    ) -> Self {
        self.put_with(mapping, item, Some(condition.into_node()), false)
    }

    /// Stores `item` only if no item has its key.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// dynamap::transaction(users.client()).put_if_absent(&users, &user).await?;
    /// # Ok(()) }
    /// ```
    pub fn put_if_absent<T: DynamoItem>(self, mapping: &TypedMapping<T>, item: &T) -> Self {
        self.put_with(mapping, item, None, true)
    }

    /// Updates the item under `key` with a [`Modify`] built by `build` (the same
    /// builder as [`TypedMapping::modify`]: typed changes, `when`, `upsert`).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Stock { #[dynamo(partition_key)] sku: String, on_hand: i64 }
    /// # async fn f(stock: TypedMapping<Stock>) -> dynamap::Result<()> {
    /// let f = Stock::fields();
    /// let sku = "TEA";
    /// dynamap::transaction(stock.client())
    ///     .modify(&stock, &sku, |m| m.subtract(f.on_hand, 1).when(f.on_hand.gt(0)))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn modify<'m, T: DynamoItem, Q: KeyLike<T::Key> + ?Sized>(
        self,
        mapping: &'m TypedMapping<T>,
        key: &Q,
        build: impl FnOnce(Modify<'m, T>) -> Modify<'m, T>,
    ) -> Self {
        let table = mapping.table_name().to_owned();
        // The builder only collects the changes: the action carries the key.
        let modify = build(Modify::of_key(mapping, key));
        if modify.touches_unique() {
            return self.push_kept(mapping, crate::key::key_item::<T, _>(key), |key| {
                Ok(modify.into_step(key, Expect::Unique)?.0)
            });
        }
        self.push(
            mapping,
            "Update",
            crate::key::key_item::<T, _>(key),
            move |key_item| transact_actions::update(&table, key_item, modify.render()?),
        )
    }

    fn delete<T: DynamoItem, Q: KeyLike<T::Key> + ?Sized>(
        self,
        mapping: &TypedMapping<T>,
        key: &Q,
        condition: Option<Condition<T>>,
    ) -> Self {
        let table = mapping.table_name().to_owned();
        let condition = condition.map(Condition::into_node);
        if keeps::<T>() {
            return self.push_kept(mapping, crate::key::key_item::<T, _>(key), |key| {
                Ok(remove_step::<T>(&table, key, condition, Expect::Unique))
            });
        }
        self.push(
            mapping,
            "Delete",
            crate::key::key_item::<T, _>(key),
            move |key_item| {
                transact_actions::delete(&table, key_item, delete_expressions::<T>(condition)?)
            },
        )
    }

    /// Deletes the item under `key`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let key = "u1";
    /// dynamap::transaction(users.client()).remove(&users, &key).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove<T: DynamoItem, Q: KeyLike<T::Key> + ?Sized>(
        self,
        mapping: &TypedMapping<T>,
        key: &Q,
    ) -> Self {
        self.delete(mapping, key, None)
    }

    /// Deletes the item under `key` only if `condition` holds.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Session { #[dynamo(partition_key)] id: String, expired: bool }
    /// # async fn f(sessions: TypedMapping<Session>) -> dynamap::Result<()> {
    /// let key = "s1";
    /// dynamap::transaction(sessions.client())
    ///     .remove_when(&sessions, &key, Session::fields().expired.eq(true))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_when<T: DynamoItem, Q: KeyLike<T::Key> + ?Sized>(
        self,
        mapping: &TypedMapping<T>,
        key: &Q,
        condition: Condition<T>,
    ) -> Self {
        self.delete(mapping, key, Some(condition))
    }

    /// Requires `condition` to hold for the item under `key`, without changing it.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Account { #[dynamo(partition_key)] id: String, frozen: bool }
    /// # #[derive(DynamoItem)]
    /// # struct Payment { #[dynamo(partition_key)] id: String }
    /// # async fn f(accounts: TypedMapping<Account>, payments: TypedMapping<Payment>) -> dynamap::Result<()> {
    /// let owner = "a1";
    /// dynamap::transaction(accounts.client())
    ///     .condition_check(&accounts, &owner, Account::fields().frozen.eq(false))
    ///     .put(&payments, &Payment { id: "p1".into() })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn condition_check<T: DynamoItem, Q: KeyLike<T::Key> + ?Sized>(
        self,
        mapping: &TypedMapping<T>,
        key: &Q,
        condition: Condition<T>,
    ) -> Self {
        let table = mapping.table_name().to_owned();
        let key_item = crate::key::key_item::<T, _>(key);
        self.push(mapping, "ConditionCheck", key_item, move |key_item| {
            // A check on another entity's item fails, as a write there would.
            // The condition names today's attributes: judged on today's shape.
            let condition = all_of(
                std::iter::once(condition.into_node())
                    .chain(crate::operations::absent_or_current::<T>())
                    .chain(crate::operations::write_guard::<T>())
                    .collect(),
            );
            let mut renderer = Renderer::new("TransactWriteItems");
            renderer.condition(condition.as_ref())?;
            transact_actions::check(&table, key_item, renderer.finish())
        })
    }

    /// Makes the transaction's writes conditional on `lease` still being held by this
    /// holder, with the fencing token it acquired: once another holder has acquired
    /// the lease (after this one paused past its end), or it was released, the
    /// transaction writes nothing and fails with [`Error::LeaseLost`]. One
    /// ConditionCheck on the lease's item (a transaction action of its own).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Report { #[dynamo(partition_key)] day: String }
    /// # async fn f(lease: dynamap::lease::Lease, reports: dynamap::TypedMapping<Report>) -> dynamap::Result<()> {
    /// let report = Report { day: "2026-12-06".into() };
    /// match dynamap::transaction(reports.client()).fenced(&lease).put(&reports, &report).await {
    ///     Err(dynamap::Error::LeaseLost { .. }) => { /* stop: another holder has the job */ }
    ///     other => other?,
    /// }
    /// # Ok(()) }
    /// ```
    pub fn fenced(mut self, lease: &crate::lease::Lease) -> Self {
        self.fences
            .push((self.actions.len(), lease.name().to_owned(), lease.token()));
        self.condition_check(lease.mapping(), lease.name(), lease.fence())
    }

    /// An idempotency token: a retry with the same token within ten minutes returns
    /// success without applying the actions again (the SDK makes one up otherwise).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// dynamap::transaction(users.client()).put(&users, &user).client_request_token("req-42").await?;
    /// # Ok(()) }
    /// ```
    pub fn client_request_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// How many actions the transaction holds.
    ///
    /// ```
    /// # async fn f(client: aws_sdk_dynamodb::Client) {
    /// assert_eq!(dynamap::transaction(&client).len(), 0);
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.actions.len() + self.kept.len()
    }

    /// Whether the transaction has no actions.
    ///
    /// ```
    /// # async fn f(client: aws_sdk_dynamodb::Client) {
    /// assert!(dynamap::transaction(&client).is_empty());
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.kept.is_empty()
    }

    /// Sends the transaction; the same as `.await`. A cancelled transaction is
    /// [`Error::TransactionCancelled`], which says, per action, why.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let user = User { id: "u1".into() };
    /// dynamap::transaction(users.client()).put(&users, &user).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let count = self.actions.len() + self.kept.len();
        if count == 0 || count > MAX_ACTIONS {
            return Err(Error::InvalidRequest {
                operation: "TransactWriteItems",
                problem: format!(
                    "a transaction holds 1 to {MAX_ACTIONS} actions; this one has {count}"
                ),
            });
        }
        let mut upgraders = std::mem::take(&mut self.upgraders);
        upgraders.append(&mut self.kept_upgraders);
        if upgraders.iter().all(Option::is_none) {
            return self.send_once(false).await;
        }
        // An action that found an item an older shape stored (its condition names
        // today's attributes) is cancelled: the item is rewritten in today's shape and
        // the same transaction sent again, with the same request token.
        let mut result = self.send_once(true).await;
        for _ in 0..crate::operations::UPGRADE_ATTEMPTS {
            let Err(Error::TransactionCancelled { actions, .. }) = &result else {
                break;
            };
            let mut upgraded = false;
            for action in actions {
                let found = (action.reason == CancelReason::ConditionFailed)
                    .then_some(action.item.as_ref())
                    .flatten();
                if let (Some(stored), Some(Some(upgrade))) = (found, upgraders.get(action.index)) {
                    upgraded |= upgrade(stored.clone()).await?;
                }
            }
            if !upgraded {
                break;
            }
            result = self.send_once(true).await;
        }
        result
    }

    /// Sends the transaction once; `again`: keeps its actions, to send it again.
    async fn send_once(&mut self, again: bool) -> Result<()> {
        let tables = self.tables.join(", ");
        let actions = match again {
            true => self.actions.clone(),
            false => std::mem::take(&mut self.actions),
        };
        if !self.kept.is_empty() {
            let fixed = actions
                .into_iter()
                .zip(self.labels.iter().cloned())
                .map(|(action, label)| Fixed { action, label })
                .collect();
            let mut entities = self.entities.clone();
            entities.extend(self.kept_entities.iter().copied());
            let sent = transact_kept(
                &self.client,
                &self.observer,
                self.token.clone(),
                fixed,
                &mut self.kept,
            )
            .await;
            return sent
                .map(|_| ())
                .map_err(|e| lease_lost_or(other_entity_or(e, &entities), &self.fences));
        }
        let request = self
            .client
            .transact_write_items()
            .set_transact_items(Some(actions))
            .set_client_request_token(self.token.clone());
        let call = Call::new(&tables, &self.observer).items(self.labels.len());
        let result = crate::observe::send(request, call).await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => Err(
                match Error::classify("TransactWriteItems", &self.labels.join(", "), e) {
                    Ok(answer) => lease_lost_or(
                        other_entity_or(
                            cancelled(answer, &self.labels, "TransactWriteItems"),
                            &self.entities,
                        ),
                        &self.fences,
                    ),
                    Err(transport) => transport,
                },
            ),
        }
    }
}

/// Takes the first capacity meter of the mappings a transaction acts on (their calls'
/// costs go to it), and notes each table once, for its span.
pub(super) fn adopt<T: DynamoItem>(
    observer: &mut Observer,
    tables: &mut Vec<String>,
    mapping: &TypedMapping<T>,
) {
    if observer.meter.is_none() {
        observer.meter.clone_from(&mapping.observer().meter);
    }
    if !tables.iter().any(|t| t == mapping.table_name()) {
        tables.push(mapping.table_name().to_owned());
    }
}

/// A cancellation whose failed condition found another entity's item under an
/// entity's action, as [`Error::OtherEntity`] (nothing was written); else unchanged.
fn other_entity_or(error: Error, entities: &[Option<(&'static str, &'static str)>]) -> Error {
    let Error::TransactionCancelled { actions, .. } = &error else {
        return error;
    };
    let found = actions.iter().find_map(|action| {
        let expected = (*entities.get(action.index)?)?;
        let stored = action.item.as_ref()?;
        (action.reason == CancelReason::ConditionFailed
            && crate::operations::is_other_entity(stored, expected))
        .then(|| (expected.1, crate::entity_def::entity_of(stored, expected.0)))
    });
    match found {
        Some((expected, found)) => Error::other_entity(&[expected], found),
        None => error,
    }
}

/// A cancelled transaction whose lease fence failed: the lease is no longer held.
fn lease_lost_or(error: Error, fences: &[(usize, String, u64)]) -> Error {
    let Error::TransactionCancelled { actions, .. } = &error else {
        return error;
    };
    let lost = fences.iter().find(|(index, ..)| {
        actions
            .iter()
            .any(|a| a.index == *index && a.reason == CancelReason::ConditionFailed)
    });
    match lost {
        Some((_, name, token)) => Error::LeaseLost {
            name: name.clone(),
            token: *token,
        },
        None => error,
    }
}

impl IntoFuture for Transaction {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'static, Result<()>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
