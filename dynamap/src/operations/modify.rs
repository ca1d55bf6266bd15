//! UpdateItem from typed paths: `mapping.modify(&key).set(f.status, Status::Shipped)`.
//! Every misuse the type system can see is a compile error; what only the values can
//! tell (two changes to one attribute, nested set operations) fails before sending.

use std::marker::PhantomData;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};

use crate::condition::Condition;
use crate::error::ConversionError;
use crate::error::{Error, Result};
use crate::expr::{all_of, Action, Apply, Node, Rendered, Renderer};
use crate::item::DynamoItem;
use crate::operations::TypedMapping;

use super::stored::partition_key_path;
use super::versioning::{below, past_ceiling, version_ceiling};
use crate::observe::Call;
use crate::path::{
    AttrPath, IntoValue, ListValue, Numeric, PathStep, Removable, SetValue, Settable,
};
use crate::sdk_item::Item;
use crate::value::DynamoValue;
use crate::value::{encode_list_owned, encode_set_elements};

/// An update of one item, built from typed paths; from [`TypedMapping::modify`], sent by
/// `.await`. One UpdateItem call, whatever the number of changes.
///
/// ```no_run
/// use dynamap::prelude::*;
///
/// #[derive(DynamoItem, Debug, Clone, PartialEq)]
/// struct Order {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(rename = "status")]
///     state: String,
///     total_cents: i64,
///     note: Option<String>,
///     lines: Vec<String>,
///     tags: std::collections::HashSet<String>,
/// }
///
/// # async fn f(orders: TypedMapping<Order>) -> dynamap::Result<()> {
/// let f = Order::fields();
/// let key = "o-1";
/// let updated: Order = orders
///     .modify(&key)
///     .set(f.state, "shipped")
///     .add(f.total_cents, 250)
///     .remove(f.note)
///     .append(f.lines, ["gift wrap".to_string()])
///     .insert_into(f.tags, ["gift"])
///     .when(f.state.eq("paid"))
///     .return_new()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a Modify does nothing until it is awaited"]
#[doc(alias = "UpdateItem")]
#[doc(alias = "update_item")]
pub struct Modify<'a, T: DynamoItem, Ret = ReturnNothing> {
    mapping: &'a TypedMapping<T>,
    // Boxed, like the condition: a builder is moved at every call, and these are its
    // two large parts (an error, a condition tree), rarely there.
    key: std::result::Result<Item, Box<Error>>,
    actions: Vec<(AttrPath, Action)>,
    condition: Option<Box<Node>>,
    upsert: bool,
    /// What an upsert of an entity stores beside its key: the key's fields and the
    /// entity's name (see `DynamoItem::key_fields_to_item`).
    key_fields: Item,
    /// The first value that could not be encoded; reported at send.
    error: Option<ConversionError>,
    /// Whether the SDK retries the request itself (off where dynamap retries, to
    /// know about lost answers: see `resilience::send_tracked`).
    sdk_retries: bool,
    returning: PhantomData<fn() -> Ret>,
}

impl<'a, T: DynamoItem> Modify<'a, T> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>, key: Result<Item>) -> Self {
        Modify {
            mapping,
            key: key.map_err(Box::new),
            // Room for a typical change without growing.
            actions: Vec::with_capacity(8),
            condition: None,
            upsert: false,
            key_fields: Item::new(),
            error: None,
            sdk_retries: true,
            returning: PhantomData,
        }
    }

    /// The modify of the item `key` names; an entity's also knows its key's fields.
    pub(crate) fn of_key<Q: crate::key::KeyLike<T::Key> + ?Sized>(
        mapping: &'a TypedMapping<T>,
        key: &Q,
    ) -> Self {
        if T::ENTITY.is_none() {
            return Modify::new(mapping, crate::key::key_item::<T, Q>(key));
        }
        let key = key.to_key();
        let mut modify = Modify::new(mapping, T::key_to_item(&key));
        match T::key_fields_to_item(&key) {
            Ok(fields) => modify.key_fields = fields,
            Err(e) => modify.key = Err(Box::new(e)),
        }
        modify
    }

    /// Sets a top-level attribute to an encoded value (read-modify-write diffs).
    pub(crate) fn raw_set(mut self, path: AttrPath, value: AttributeValue) -> Self {
        self.actions.push((path, Action::Set(value)));
        self
    }

    /// Removes an attribute (read-modify-write diffs).
    pub(crate) fn raw_remove(mut self, path: AttrPath) -> Self {
        self.actions.push((path, Action::Remove));
        self
    }
}

impl<'a, T: DynamoItem, Ret> Modify<'a, T, Ret> {
    fn push(mut self, path: AttrPath, encoded: Result<Option<Action>, ConversionError>) -> Self {
        match encoded {
            Ok(Some(action)) => self.actions.push((path, action)),
            Ok(None) => {}
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(e.at_path(&path));
                }
            }
        }
        self
    }

    fn with_returning<R2>(self) -> Modify<'a, T, R2> {
        Modify {
            mapping: self.mapping,
            key: self.key,
            actions: self.actions,
            condition: self.condition,
            upsert: self.upsert,
            key_fields: self.key_fields,
            error: self.error,
            sdk_retries: self.sdk_retries,
            returning: PhantomData,
        }
    }

    /// Sets an attribute. Setting `None` (or an empty set) removes it, as the seed's
    /// `modify_item` did with `None`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, name: String, nick: Option<String> }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let f = User::fields();
    /// let key = "u1";
    /// users.modify(&key).set(f.name, "Ada").set(f.nick, None).await?;
    /// # Ok(()) }
    /// ```
    pub fn set<P>(self, path: P, value: impl IntoValue<P::Value>) -> Self
    where
        P: Settable<Root = T>,
    {
        let encoded = P::__encode_owned(value.into_value())
            .map(|v| Some(v.map_or(Action::Remove, Action::Set)));
        self.push(path.attr_path(), encoded)
    }

    /// Sets an attribute only if it is absent (`if_not_exists`).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, created: u64 }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let key = "u1";
    /// users.modify(&key).set_if_absent(User::fields().created, 1_700_000_000).await?;
    /// # Ok(()) }
    /// ```
    pub fn set_if_absent<P>(self, path: P, value: impl IntoValue<P::Value>) -> Self
    where
        P: Settable<Root = T>,
    {
        let encoded = P::__encode_owned(value.into_value()).map(|v| v.map(Action::SetIfAbsent));
        self.push(path.attr_path(), encoded)
    }

    /// Removes an optional attribute.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String, nick: Option<String> }
    /// # async fn f(users: TypedMapping<User>) -> dynamap::Result<()> {
    /// let key = "u1";
    /// users.modify(&key).remove(User::fields().nick).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove<P>(self, path: P) -> Self
    where
        P: Removable<Root = T>,
    {
        self.push(path.attr_path(), Ok(Some(Action::Remove)))
    }

    /// Removes the element at `index` of a list (`REMOVE list[index]`); the elements
    /// after it move up one place. An index past the end removes nothing. Several
    /// `remove_at` of one list name positions in the list as it was before the change.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Log { #[dynamo(partition_key)] id: String, lines: Vec<String> }
    /// # async fn f(logs: TypedMapping<Log>) -> dynamap::Result<()> {
    /// let key = "l1";
    /// logs.modify(&key).remove_at(Log::fields().lines, 0).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_at<P>(self, list: P, index: usize) -> Self
    where
        P: Settable<Root = T>,
        P::Value: ListValue,
    {
        let mut path = list.attr_path();
        path.push(crate::path::PathStep::Position(index));
        self.push(path, Ok(Some(Action::Remove)))
    }

    /// Adds to a number atomically; a missing number counts as zero.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/home";
    /// pages.modify(&key).add(Page::fields().views, 1).await?;
    /// # Ok(()) }
    /// ```
    pub fn add<P>(self, path: P, amount: impl IntoValue<<P::Value as Numeric>::Number>) -> Self
    where
        P: Settable<Root = T>,
        P::Value: Numeric,
    {
        let encoded = amount
            .into_value()
            .to_attribute_value()
            .map(|v| v.map(Action::Add));
        self.push(path.attr_path(), encoded)
    }

    /// Subtracts from a number atomically; a missing number counts as zero.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Stock { #[dynamo(partition_key)] sku: String, on_hand: i64 }
    /// # async fn f(stock: TypedMapping<Stock>) -> dynamap::Result<()> {
    /// let f = Stock::fields();
    /// let key = "TEA";
    /// stock.modify(&key).subtract(f.on_hand, 2).when(f.on_hand.ge(2)).await?;
    /// # Ok(()) }
    /// ```
    pub fn subtract<P>(self, path: P, amount: impl IntoValue<<P::Value as Numeric>::Number>) -> Self
    where
        P: Settable<Root = T>,
        P::Value: Numeric,
    {
        let encoded = amount
            .into_value()
            .to_attribute_value()
            .map(|v| v.map(Action::Subtract));
        self.push(path.attr_path(), encoded)
    }

    /// Appends to a list (`list_append`); a missing list starts empty.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Log { #[dynamo(partition_key)] id: String, lines: Vec<String> }
    /// # async fn f(logs: TypedMapping<Log>) -> dynamap::Result<()> {
    /// let key = "l1";
    /// logs.modify(&key).append(Log::fields().lines, ["started", "running"]).await?;
    /// # Ok(()) }
    /// ```
    pub fn append<P, I>(self, path: P, items: I) -> Self
    where
        P: Settable<Root = T>,
        P::Value: ListValue,
        I: IntoIterator,
        I::Item: IntoValue<<P::Value as ListValue>::Element>,
    {
        let encoded = encode_list(items).map(|v| v.map(Action::Append));
        self.push(path.attr_path(), encoded)
    }

    /// Prepends to a list; a missing list starts empty.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Feed { #[dynamo(partition_key)] id: String, recent: Vec<u64> }
    /// # async fn f(feeds: TypedMapping<Feed>) -> dynamap::Result<()> {
    /// let key = "f1";
    /// feeds.modify(&key).prepend(Feed::fields().recent, [42]).await?;
    /// # Ok(()) }
    /// ```
    pub fn prepend<P, I>(self, path: P, items: I) -> Self
    where
        P: Settable<Root = T>,
        P::Value: ListValue,
        I: IntoIterator,
        I::Item: IntoValue<<P::Value as ListValue>::Element>,
    {
        let encoded = encode_list(items).map(|v| v.map(Action::Prepend));
        self.push(path.attr_path(), encoded)
    }

    /// Adds elements to a top-level set (`ADD`); a missing set is created.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Post { #[dynamo(partition_key)] id: String, tags: std::collections::BTreeSet<String> }
    /// # async fn f(posts: TypedMapping<Post>) -> dynamap::Result<()> {
    /// let key = "p1";
    /// posts.modify(&key).insert_into(Post::fields().tags, ["rust", "dynamodb"]).await?;
    /// # Ok(()) }
    /// ```
    pub fn insert_into<P, I>(self, path: P, elements: I) -> Self
    where
        P: Settable<Root = T>,
        P::Value: SetValue,
        I: IntoIterator,
        I::Item: IntoValue<<P::Value as SetValue>::Element>,
    {
        let encoded = encode_set_elements(elements.into_iter().map(IntoValue::into_value))
            .map(|v| v.map(Action::SetInsert));
        self.push(path.attr_path(), encoded)
    }

    /// Deletes elements from a top-level set (`DELETE`); the attribute goes when the
    /// set becomes empty.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Post { #[dynamo(partition_key)] id: String, tags: std::collections::HashSet<String> }
    /// # async fn f(posts: TypedMapping<Post>) -> dynamap::Result<()> {
    /// let key = "p1";
    /// posts.modify(&key).delete_from(Post::fields().tags, ["draft"]).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_from<P, I>(self, path: P, elements: I) -> Self
    where
        P: Settable<Root = T>,
        P::Value: SetValue,
        I: IntoIterator,
        I::Item: IntoValue<<P::Value as SetValue>::Element>,
    {
        let encoded = encode_set_elements(elements.into_iter().map(IntoValue::into_value))
            .map(|v| v.map(Action::SetDelete));
        self.push(path.attr_path(), encoded)
    }

    /// Applies the changes only if `condition` holds; otherwise the call fails with
    /// [`Error::ConditionFailed`]. Several calls combine with AND.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Account { #[dynamo(partition_key)] id: String, balance: i64 }
    /// # async fn f(accounts: TypedMapping<Account>) -> dynamap::Result<()> {
    /// let f = Account::fields();
    /// let key = "a1";
    /// accounts.modify(&key).subtract(f.balance, 30).when(f.balance.ge(30)).await?;
    /// # Ok(()) }
    /// ```
    pub fn when(mut self, condition: Condition<T>) -> Self {
        let node = condition.into_node();
        self.condition = Some(Box::new(match self.condition.take() {
            Some(existing) => Condition::<T>::from_node(*existing)
                .and(Condition::from_node(node))
                .into_node(),
            None => node,
        }));
        self
    }

    /// Creates the item if it is missing (with just its key and these changes). By
    /// default modifying a missing item fails with [`Error::NotFound`] rather than
    /// creating a half item that would not read back.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Counter { #[dynamo(partition_key)] id: String, #[dynamo(default)] n: u64 }
    /// # async fn f(counters: TypedMapping<Counter>) -> dynamap::Result<()> {
    /// let key = "visits";
    /// counters.modify(&key).add(Counter::fields().n, 1).upsert(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn upsert(mut self, on: bool) -> Self {
        self.upsert = on;
        self
    }

    /// Returns the item as it is after the update.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/";
    /// let page: Page = pages.modify(&key).add(Page::fields().views, 1).return_new().await?;
    /// # Ok(()) }
    /// ```
    pub fn return_new(self) -> Modify<'a, T, ReturnNew> {
        self.with_returning()
    }

    /// Returns the item as it was before the update (`None` when an upsert created it).
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/";
    /// let before: Option<Page> = pages.modify(&key).add(Page::fields().views, 1).return_old().await?;
    /// # Ok(()) }
    /// ```
    pub fn return_old(self) -> Modify<'a, T, ReturnOld> {
        self.with_returning()
    }

    /// The update as DynamoDB will receive it, for logging or raw SDK calls; the
    /// condition includes the key-exists check unless `upsert` is set.
    ///
    /// ```
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/";
    /// let (update, condition) = pages.modify(&key).add(Page::fields().views, 1).expressions()?;
    /// assert_eq!(update.text, "SET #n0 = if_not_exists(#n0, :v0) + :v1");
    /// assert_eq!(condition.map(|c| c.text).as_deref(), Some("attribute_exists(#n1)"));
    /// # Ok(()) }
    /// ```
    pub fn expressions(
        &self,
    ) -> Result<(
        crate::condition::Expression,
        Option<crate::condition::Expression>,
    )> {
        let rendered = render::<T>(
            self.actions.clone(),
            self.condition.as_deref().cloned(),
            Fields {
                upsert: self.upsert,
                key: &self.key_fields,
            },
            self.error.clone(),
            self.mapping.stamp_time(),
        )?;
        let names = rendered.names.unwrap_or_default();
        let values = rendered.values.unwrap_or_default();
        let condition = rendered.condition.map(|text| crate::condition::Expression {
            text,
            names: names.clone(),
            values: values.clone(),
        });
        Ok((
            crate::condition::Expression {
                text: rendered.update.unwrap_or_default(),
                names,
                values,
            },
            condition,
        ))
    }

    /// What `send` renders, taken by value as `send` takes it: for benchmarks of the
    /// builder (`expressions` copies the builder's values, which sending does not).
    #[doc(hidden)]
    pub fn __render_as_sent(self) -> Result<crate::condition::Expression> {
        let rendered = self.render()?;
        Ok(crate::condition::Expression {
            text: rendered.update.unwrap_or_default(),
            names: rendered.names.unwrap_or_default(),
            values: rendered.values.unwrap_or_default(),
        })
    }

    /// The update as DynamoDB will receive it.
    pub(crate) fn render(self) -> Result<Rendered> {
        let now = self.mapping.stamp_time();
        render::<T>(
            self.actions,
            self.condition.map(|c| *c),
            Fields {
                upsert: self.upsert,
                key: &self.key_fields,
            },
            self.error,
            now,
        )
    }

    /// Whether the update changes a unique attribute or its scope (its guards move).
    pub(crate) fn touches_unique(&self) -> bool {
        super::invariants::touches::<T>(&self.actions)
    }

    pub(crate) fn sdk_retries(mut self, on: bool) -> Self {
        self.sdk_retries = on;
        self
    }

    /// Sends the update; when it finds an item an older shape stored, rewrites that
    /// item in today's shape and sends it again (see `shape_guard`).
    pub(crate) async fn send_raw(self, return_values: ReturnValue) -> Result<Option<Item>> {
        if super::shape_guard::current_shape::<T>().is_none() {
            return self.send_once(return_values).await;
        }
        let (mapping, template) = (self.mapping, self.try_clone());
        let first = self.send_once(return_values.clone());
        super::shape_guard::upgrading(mapping, first, || {
            let again = template.as_ref()?.try_clone()?;
            Some(again.send_once(return_values.clone()))
        })
        .await
    }

    /// A copy to send again, unless it cannot be sent at all (its key or a value did
    /// not encode: that error is the answer).
    fn try_clone(&self) -> Option<Self> {
        if self.error.is_some() {
            return None;
        }
        let key = self.key.as_ref().ok()?.clone();
        Some(Modify {
            mapping: self.mapping,
            key: Ok(key),
            actions: self.actions.clone(),
            condition: self.condition.clone(),
            upsert: self.upsert,
            key_fields: self.key_fields.clone(),
            error: None,
            sdk_retries: self.sdk_retries,
            returning: PhantomData,
        })
    }

    async fn send_once(mut self, return_values: ReturnValue) -> Result<Option<Item>> {
        if super::invariants::touches::<T>(&self.actions) {
            return self.send_with_guards(return_values).await;
        }
        let key = std::mem::replace(&mut self.key, Ok(Item::new())).map_err(|e| *e)?;
        let (mapping, upsert, sdk_retries) = (self.mapping, self.upsert, self.sdk_retries);
        let rendered = self.render()?;
        let table = mapping.table_name();
        let request = mapping
            .client()
            .update_item()
            .table_name(table)
            .set_key(Some(key))
            .apply(rendered)
            .return_values(return_values)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let call = Call::new(table, mapping.observer()).sdk_retries(sdk_retries);
        let sent = crate::observe::send(request, call).await;
        let output = sent.map_err(|e| Error::from_sdk("UpdateItem", table, e));
        match output {
            Ok(output) => Ok(output.attributes.filter(|item| !item.is_empty())),
            // No old item means the key-exists condition is what failed.
            Err(Error::ConditionFailed {
                item: None, table, ..
            }) if !upsert => Err(Error::NotFound { table }),
            Err(e) => Err(past_ceiling::<T>(
                super::entity_guard::other_entity_or::<T>(e),
            )),
        }
    }
}

impl<'a, T: DynamoItem, Ret> Modify<'a, T, Ret> {
    /// An update that changes a unique attribute (or its scope): one transaction of the
    /// update and its guards' moves (see `unique`). A transaction returns no item: the
    /// one it replaced is the item read, exact because the update expects it whole; the
    /// new one is that item with the update's values set, when it only sets or removes
    /// top-level values (what needs the server to evaluate is refused).
    async fn send_with_guards(mut self, return_values: ReturnValue) -> Result<Option<Item>> {
        let expect = match return_values {
            ReturnValue::None => super::invariants::Expect::Unique,
            _ => super::invariants::Expect::Whole,
        };
        let (mapping, upsert) = (self.mapping, self.upsert);
        let key = std::mem::replace(&mut self.key, Ok(Item::new())).map_err(|e| *e)?;
        let key_fields = self.key_fields.clone();
        let (step, actions) = self.into_step(key.clone(), expect)?;
        if return_values == ReturnValue::AllNew
            && super::invariants::updated_item::<T>(&Item::new(), &actions).is_none()
        {
            return Err(Error::InvalidRequest {
                operation: "UpdateItem",
                problem: "a modify of a unique attribute or a parent's count or sum is a transaction, which returns no item: return_new can tell the new item only when the modify sets or removes whole values (use update_with, which returns the item as written)".to_owned(),
            });
        }
        match super::invariants::write_one(mapping, step, "UpdateItem").await {
            Ok(stored) => Ok(match return_values {
                ReturnValue::AllOld => stored.filter(|item| !item.is_empty()),
                ReturnValue::AllNew => {
                    let mut old = stored.unwrap_or_default();
                    for (name, value) in key.iter().chain(&key_fields) {
                        old.entry(name.clone()).or_insert_with(|| value.clone());
                    }
                    super::invariants::updated_item::<T>(&old, &actions)
                }
                _ => None,
            }),
            Err(Error::ConditionFailed {
                item: None, table, ..
            }) if !upsert => Err(Error::NotFound { table }),
            Err(e) => Err(past_ceiling::<T>(
                super::entity_guard::other_entity_or::<T>(e),
            )),
        }
    }

    /// The update as a kept write of a transaction (see `invariants`), and its actions
    /// as sent (stamped, with an entity's index keys).
    pub(crate) fn into_step(
        self,
        key: Item,
        expect: super::invariants::Expect,
    ) -> Result<(super::invariants::Step<'static>, Vec<(AttrPath, Action)>)> {
        if let Some(e) = self.error {
            return Err(Error::Conversion(e));
        }
        let (table, upsert) = (self.mapping.table_name().to_owned(), self.upsert);
        let mut actions = self.actions;
        let fields = Fields {
            upsert,
            key: &self.key_fields,
        };
        expand::<T>(&mut actions, fields, self.mapping.stamp_time())?;
        let (condition, key_fields) = (self.condition.map(|c| *c), self.key_fields);
        let sent = actions.clone();
        let owned_table = table.clone();
        let owned_key = key.clone();
        let step = super::invariants::Step {
            kind: super::invariants::Kind::of::<T>(),
            table: table.clone(),
            key,
            read: Some(expect),
            plan: Box::new(move |stored, expect| {
                let new = super::invariants::after_update::<T>(
                    stored,
                    &owned_key,
                    &key_fields,
                    &actions,
                )?;
                let condition = all_of(condition.iter().cloned().chain(expect).collect());
                let rendered = render_expanded::<T>(actions.clone(), condition, upsert)?;
                Ok(super::invariants::Planned {
                    action: super::transact_actions::update(
                        &owned_table,
                        owned_key.clone(),
                        rendered,
                    )?,
                    new: Some(new),
                })
            }),
            label: format!("Update on `{table}`"),
        };
        Ok((step, sent))
    }
}

/// Renders an update: its actions, the write-lifecycle stamps (`updated_at` now,
/// `created_at` if absent) unless the caller changes those fields, the version bump of
/// a versioned type, and its condition (with the key-exists check unless `upsert`).
fn render<T: DynamoItem>(
    mut actions: Vec<(AttrPath, Action)>,
    condition: Option<Node>,
    fields: Fields<'_>,
    error: Option<ConversionError>,
    now: std::time::SystemTime,
) -> Result<Rendered> {
    if let Some(e) = error {
        return Err(Error::Conversion(e));
    }
    let upsert = fields.upsert;
    expand::<T>(&mut actions, fields, now)?;
    render_expanded::<T>(actions, condition, upsert)
}

/// Checks an update's actions and adds what dynamap writes with them: an entity's
/// index keys and upsert fields, and the write-time stamps.
fn expand<T: DynamoItem>(
    actions: &mut Vec<(AttrPath, Action)>,
    fields: Fields<'_>,
    now: std::time::SystemTime,
) -> Result<()> {
    super::validate::changes::<T>(actions)?;
    let upsert = fields.upsert;
    if let Some(entity) = T::ENTITY {
        entity_actions(entity, actions, fields)?;
    }
    // An item an upsert creates is in today's shape (one it updates already is).
    if let (true, Some(shape)) = (upsert, T::SHAPE) {
        actions.push((
            AttrPath::top_level_name(shape.attribute),
            Action::Set(shape.current_value()),
        ));
    }
    let stamps = T::stamps(now)?;
    let stamped = [
        stamps
            .created
            .map(|(name, v)| (name, Action::SetIfAbsent(v))),
        stamps.updated.map(|(name, v)| (name, Action::Set(v))),
    ];
    for (name, action) in stamped.into_iter().flatten() {
        if !actions
            .iter()
            .any(|(path, _)| path.top_level() == Some(name))
        {
            actions.push((AttrPath::top_level_name(name), action));
        }
    }
    Ok(())
}

/// Renders expanded actions with the version bump and the condition (with the
/// key-exists check unless `upsert`).
fn render_expanded<T: DynamoItem>(
    actions: Vec<(AttrPath, Action)>,
    condition: Option<Node>,
    upsert: bool,
) -> Result<Rendered> {
    let version = T::VERSION_ATTRIBUTE.map(AttrPath::top_level_name);
    // The item must exist (and, for an entity, be of the entity), unless this is an
    // upsert (then an entity's item must be absent or its own): an entity's update
    // never changes another entity's item.
    let exists = match (!upsert, T::ENTITY) {
        (true, Some(entity)) => Some(super::entity_guard::own_entity(entity)),
        (true, None) => Some(Node::Exists(partition_key_path::<T>())),
        (false, _) => super::entity_guard::write_guard::<T>(),
    };
    // It changes part of the item: today's shape (an upsert may also create it).
    let shape = match upsert {
        true => super::shape_guard::absent_or_current::<T>(),
        false => super::shape_guard::current_shape::<T>(),
    };
    let condition = all_of(condition.into_iter().chain(exists).chain(shape).collect());
    // The server bumps the version: one the field could not read back (a `u8` at 255)
    // must not be bumped, so the update holds only below the field's largest value.
    let ceiling = version
        .as_ref()
        .and_then(|path| version_ceiling::<T>().map(|max| below(path.clone(), max)));
    let condition = all_of(condition.into_iter().chain(ceiling).collect());
    let mut renderer = Renderer::new("UpdateItem");
    renderer
        .update(actions, version.as_ref())?
        .condition(condition.as_ref())?;
    Ok(renderer.finish())
}

/// The key's fields of an entity's update (which render the index keys a change to
/// other fields of the same templates needs), and whether it is an upsert (which
/// stores them).
struct Fields<'a> {
    upsert: bool,
    key: &'a Item,
}

/// An entity's update also rewrites the keys of the indexes whose fields it sets (the
/// key's own fields, unchanged, taken from the key), and an upsert stores the key's
/// fields and the entity's name, which a new item needs.
fn entity_actions(
    entity: &crate::entity_def::EntityDef,
    actions: &mut Vec<(AttrPath, Action)>,
    fields: Fields<'_>,
) -> Result<()> {
    let mut sets = Vec::new();
    let mut removes = Vec::new();
    let mut others = Vec::new();
    for (path, action) in actions.iter() {
        match (path.segments(), action) {
            ([PathStep::Name(name)], Action::Set(value)) => sets.push((&**name, value)),
            ([PathStep::Name(name)], Action::Remove) => removes.push(&**name),
            _ => others.extend(path.top_level()),
        }
    }
    let updates = entity.index_updates(&sets, &removes, &others, fields.key)?;
    for (name, value) in updates {
        // A read-modify-write sets the index keys it rendered from the whole item.
        if !actions
            .iter()
            .any(|(path, _)| path.top_level() == Some(name))
        {
            let action = value.map_or(Action::Remove, Action::Set);
            actions.push((AttrPath::top_level_name(name), action));
        }
    }
    if fields.upsert {
        for (name, value) in fields.key {
            actions.push((AttrPath::from(name.clone()), Action::Set(value.clone())));
        }
    }
    Ok(())
}

fn encode_list<E: DynamoValue, I>(items: I) -> Result<Option<AttributeValue>, ConversionError>
where
    I: IntoIterator,
    I::Item: IntoValue<E>,
{
    // Each value moved into its attribute, with no `Vec<E>` between.
    let encoded = encode_list_owned(items.into_iter().map(IntoValue::into_value))?;
    Ok(matches!(&encoded, AttributeValue::L(list) if !list.is_empty()).then_some(encoded))
}

/// What a [`Modify`] returns: nothing (the default), [`ReturnNew`] or [`ReturnOld`].
///
/// ```
/// fn returns<R: dynamap::operations::Returning<T>, T: dynamap::DynamoItem>() {}
/// ```
pub trait Returning<T: DynamoItem> {
    /// The result of the call.
    type Output: Send;
    #[doc(hidden)]
    const VALUES: ReturnValue;
    #[doc(hidden)]
    fn output(attributes: Option<Item>, table: &str) -> Result<Self::Output>;
}

/// Return nothing: the default of [`Modify`].
///
/// ```
/// let _: dynamap::operations::ReturnNothing;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ReturnNothing;

/// Return the item after the update: [`Modify::return_new`].
///
/// ```
/// let _: dynamap::operations::ReturnNew;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ReturnNew;

/// Return the item before the update: [`Modify::return_old`].
///
/// ```
/// let _: dynamap::operations::ReturnOld;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ReturnOld;

impl<T: DynamoItem> Returning<T> for ReturnNothing {
    type Output = ();
    const VALUES: ReturnValue = ReturnValue::None;

    fn output(_: Option<Item>, _: &str) -> Result<()> {
        Ok(())
    }
}

impl<T: DynamoItem> Returning<T> for ReturnNew {
    type Output = T;
    const VALUES: ReturnValue = ReturnValue::AllNew;

    fn output(attributes: Option<Item>, table: &str) -> Result<T> {
        match attributes {
            Some(item) => T::from_item(item),
            None => Err(Error::UnexpectedAnswer {
                operation: "UpdateItem",
                problem: format!("no attributes for ALL_NEW from `{table}`"),
            }),
        }
    }
}

impl<T: DynamoItem> Returning<T> for ReturnOld {
    type Output = Option<T>;
    const VALUES: ReturnValue = ReturnValue::AllOld;

    fn output(attributes: Option<Item>, _: &str) -> Result<Option<T>> {
        attributes.map(T::from_item).transpose()
    }
}

impl<'a, T: DynamoItem, Ret: Returning<T>> Modify<'a, T, Ret> {
    /// Sends the update; the same as `.await` on the builder.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Page { #[dynamo(partition_key)] url: String, views: u64 }
    /// # async fn f(pages: TypedMapping<Page>) -> dynamap::Result<()> {
    /// let key = "/";
    /// pages.modify(&key).add(Page::fields().views, 1).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Ret::Output> {
        let table = self.mapping.table_name().to_owned();
        let attributes = self.send_raw(Ret::VALUES).await?;
        Ret::output(attributes, &table)
    }
}

impl<'a, T: DynamoItem, Ret: Returning<T> + 'a> std::future::IntoFuture for Modify<'a, T, Ret> {
    type Output = Result<Ret::Output>;
    type IntoFuture = futures::future::BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use crate::error::Error;
    use crate::prelude::*;

    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Account {
        #[dynamo(partition_key)]
        id: String,
        balance: i64,
        nick: Option<String>,
        history: Vec<String>,
        tags: HashSet<String>,
        limits: HashMap<String, i64>,
        #[dynamo(version)]
        version: u64,
    }

    #[derive(crate::DynamoValue, Debug, Clone, PartialEq)]
    struct Profile {
        labels: HashSet<String>,
    }

    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Nested {
        #[dynamo(partition_key)]
        id: String,
        profile: Profile,
    }

    #[test]
    fn set_operations_on_nested_sets_are_refused_before_sending() {
        let nested = TypedMapping::<Nested>::new(client(), "t");
        let f = Nested::fields();
        let err = nested
            .modify("n")
            .insert_into(f.profile.labels, ["x"])
            .expressions()
            .unwrap_err();
        assert!(err.to_string().contains("top-level"), "{err}");
        assert!(nested
            .modify("n")
            .delete_from(f.profile.labels, ["x"])
            .expressions()
            .is_err());
    }

    #[derive(DynamoItem, Debug, Clone, PartialEq)]
    struct Plain {
        #[dynamo(partition_key)]
        id: String,
        n: i64,
        m: i64,
    }

    fn client() -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    fn update_text<T: DynamoItem>(modify: &super::Modify<'_, T>) -> (String, Option<String>) {
        let (update, condition) = modify.expressions().unwrap();
        (update.text, condition.map(|c| c.text))
    }

    /// The update expression DynamoDB receives for each kind of change, pinned.
    #[test]
    fn every_change_renders_as_dynamodb_expects() {
        let plain = TypedMapping::<Plain>::new(client(), "t");
        let f = Plain::fields();
        let cases: Vec<(super::Modify<'_, Plain>, &str)> = vec![
            (plain.modify("k").set(f.n, 1), "SET #n0 = :v0"),
            (
                plain.modify("k").set_if_absent(f.n, 1),
                "SET #n0 = if_not_exists(#n0, :v0)",
            ),
            (
                plain.modify("k").add(f.n, 2),
                "SET #n0 = if_not_exists(#n0, :v0) + :v1",
            ),
            (
                plain.modify("k").subtract(f.n, 2),
                "SET #n0 = if_not_exists(#n0, :v0) - :v1",
            ),
            (
                plain.modify("k").add(f.n, 1).subtract(f.m, 1),
                "SET #n0 = if_not_exists(#n0, :v0) + :v1, #n1 = if_not_exists(#n1, :v0) - :v2",
            ),
        ];
        for (modify, expected) in cases {
            assert_eq!(update_text(&modify).0, expected);
        }
    }

    #[test]
    fn lists_sets_removals_and_the_version_render_together() {
        let accounts = TypedMapping::<Account>::new(client(), "t");
        let f = Account::fields();
        let modify = accounts
            .modify("a")
            .append(f.history, ["x".to_owned()])
            .set(f.history.at(0), "y");
        // Two changes to overlapping paths are refused before sending.
        assert!(matches!(
            modify.expressions(),
            Err(Error::InvalidRequest { .. })
        ));

        let modify = accounts
            .modify("a")
            .append(f.history, ["x".to_owned()])
            .remove(f.nick)
            .insert_into(f.tags, ["t"])
            .delete_from(f.tags, ["u"]);
        assert!(
            modify.expressions().is_err(),
            "insert_into and delete_from on one set overlap"
        );

        let modify = accounts
            .modify("a")
            .append(f.history, ["x".to_owned()])
            .remove(f.nick)
            .insert_into(f.tags, ["t"])
            .set(f.limits.key("day"), 5)
            .when(f.balance.gt(0));
        let (update, condition) = update_text(&modify);
        assert_eq!(
            update,
            "SET #n0 = list_append(if_not_exists(#n0, :v0), :v1), #n1.#n2 = :v2, \
             #n3 = if_not_exists(#n3, :v3) + :v4 REMOVE #n4 ADD #n5 :v5"
        );
        assert_eq!(
            condition.as_deref(),
            Some("(#n6 > :v6) AND (attribute_exists(#n7))")
        );
    }

    #[test]
    fn prepend_puts_the_new_items_first() {
        let accounts = TypedMapping::<Account>::new(client(), "t");
        let f = Account::fields();
        let (update, _) = update_text(&accounts.modify("a").prepend(f.history, ["y".to_owned()]));
        assert!(
            update.starts_with("SET #n0 = list_append(:v1, if_not_exists(#n0, :v0))"),
            "{update}"
        );
    }

    #[test]
    fn upsert_drops_the_existence_check_and_empty_updates_are_refused() {
        let plain = TypedMapping::<Plain>::new(client(), "t");
        let f = Plain::fields();
        assert_eq!(
            update_text(&plain.modify("k").set(f.n, 1)).1.as_deref(),
            Some("attribute_exists(#n1)")
        );
        assert_eq!(
            update_text(&plain.modify("k").set(f.n, 1).upsert(true)).1,
            None
        );
        assert!(matches!(
            plain.modify("k").expressions(),
            Err(Error::InvalidRequest { .. })
        ));
    }
}
