//! The untyped mapping's single-document operations: builders, as `TypedMapping`'s
//! are, each sent by `.await` (or `send()`).

use std::future::IntoFuture;

use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use futures::future::BoxFuture;

use super::key::key_value;
use super::{Document, Mapping, Value};
use crate::attr_path::AttrPath;
use crate::error::{Error, Result};
use crate::expr::{Action, Apply, Node, Renderer};
use crate::key::KeyRole;
use crate::sdk_item::Item;

/// `.await` sends the builder, as the AWS SDK's fluent builders are sent.
macro_rules! document_future {
    ($builder:ident, $output:ty) => {
        impl<'a> IntoFuture for $builder<'a> {
            type Output = Result<$output>;
            type IntoFuture = BoxFuture<'a, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

/// A GetItem of an untyped mapping; from [`Mapping::get`].
#[must_use = "a DocumentGet does nothing until it is awaited"]
pub struct DocumentGet<'a> {
    mapping: &'a Mapping,
    key: Result<Item>,
    consistent_read: bool,
}

impl<'a> DocumentGet<'a> {
    pub(super) fn new(mapping: &'a Mapping, key: Result<Item>) -> Self {
        DocumentGet {
            mapping,
            key,
            consistent_read: false,
        }
    }

    /// Reads the latest committed write (strongly consistent; twice the read cost).
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let fresh = m.get("k").consistent_read(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn consistent_read(mut self, on: bool) -> Self {
        self.consistent_read = on;
        self
    }

    /// Sends it; the same as `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let doc = m.get("k").send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<Document>> {
        let request = self
            .mapping
            .client()
            .get_item()
            .table_name(self.mapping.table_name())
            .set_key(Some(self.key?))
            .consistent_read(self.consistent_read);
        let output = crate::observe::send_classified(request, self.mapping.call()).await?;
        Ok(output.item.map(Document::from_item).transpose()?)
    }
}

document_future!(DocumentGet, Option<Document>);

/// A PutItem of an untyped mapping; from [`Mapping::insert`].
#[must_use = "a DocumentInsert does nothing until it is awaited"]
pub struct DocumentInsert<'a> {
    mapping: &'a Mapping,
    document: &'a Document,
}

impl<'a> DocumentInsert<'a> {
    pub(super) fn new(mapping: &'a Mapping, document: &'a Document) -> Self {
        DocumentInsert { mapping, document }
    }

    /// Sends it; the same as `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping, doc: dynamap::document::Document) -> dynamap::Result<()> {
    /// m.insert(&doc).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<()> {
        let mapping = self.mapping;
        let roles = [
            (Some(mapping.partition_key()), KeyRole::Partition),
            (mapping.sort_key(), KeyRole::Sort),
        ];
        for (key, role) in roles {
            let Some(key) = key else { continue };
            let value = self.document.get(&key.name).ok_or_else(|| {
                Error::Key(format!("the document has no key attribute `{}`", key.name))
            })?;
            key_value(key, value, role)?;
        }
        let item = self.document.to_item();
        crate::size::check_item_size(&item)?;
        let request = mapping
            .client()
            .put_item()
            .table_name(mapping.table_name())
            .set_item(Some(item));
        crate::observe::send_classified(request, mapping.call()).await?;
        Ok(())
    }
}

document_future!(DocumentInsert, ());

/// A DeleteItem of an untyped mapping, answering the document it removed; from
/// [`Mapping::remove`].
#[must_use = "a DocumentRemove does nothing until it is awaited"]
pub struct DocumentRemove<'a> {
    mapping: &'a Mapping,
    key: Result<Item>,
}

impl<'a> DocumentRemove<'a> {
    pub(super) fn new(mapping: &'a Mapping, key: Result<Item>) -> Self {
        DocumentRemove { mapping, key }
    }

    /// Sends it; the same as `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let old = m.remove("k").send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<Document>> {
        let request = self
            .mapping
            .client()
            .delete_item()
            .table_name(self.mapping.table_name())
            .set_key(Some(self.key?))
            .return_values(ReturnValue::AllOld);
        let output = crate::observe::send_classified(request, self.mapping.call()).await?;
        Ok(output
            .attributes
            .filter(|item| !item.is_empty())
            .map(Document::from_item)
            .transpose()?)
    }
}

document_future!(DocumentRemove, Option<Document>);

/// Whether an untyped mapping holds a document under a key; from
/// [`Mapping::contains_key`].
#[must_use = "a DocumentContainsKey does nothing until it is awaited"]
pub struct DocumentContainsKey<'a> {
    mapping: &'a Mapping,
    key: Result<Item>,
    consistent_read: bool,
}

impl<'a> DocumentContainsKey<'a> {
    pub(super) fn new(mapping: &'a Mapping, key: Result<Item>) -> Self {
        DocumentContainsKey {
            mapping,
            key,
            consistent_read: false,
        }
    }

    /// Reads the latest committed write (strongly consistent; twice the read cost).
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let there = m.contains_key("k").consistent_read(true).await?;
    /// # Ok(()) }
    /// ```
    pub fn consistent_read(mut self, on: bool) -> Self {
        self.consistent_read = on;
        self
    }

    /// Sends it; the same as `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping) -> dynamap::Result<()> {
    /// let there = m.contains_key("k").send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<bool> {
        let paths: Vec<AttrPath> = self
            .mapping
            .key_names()
            .into_iter()
            .map(AttrPath::from)
            .collect();
        let mut renderer = Renderer::new("GetItem");
        renderer.projection(&paths)?;
        let request = self
            .mapping
            .client()
            .get_item()
            .table_name(self.mapping.table_name())
            .set_key(Some(self.key?))
            .consistent_read(self.consistent_read)
            .apply(renderer.finish());
        let output = crate::observe::send_classified(request, self.mapping.call()).await?;
        Ok(output.item.is_some_and(|item| !item.is_empty()))
    }
}

document_future!(DocumentContainsKey, bool);

/// An UpdateItem of attributes of an untyped mapping's existing document; from
/// [`Mapping::modify`].
#[must_use = "a DocumentModify does nothing until it is awaited"]
pub struct DocumentModify<'a> {
    mapping: &'a Mapping,
    key: Result<Item>,
    changes: &'a Document,
}

impl<'a> DocumentModify<'a> {
    pub(super) fn new(mapping: &'a Mapping, key: Result<Item>, changes: &'a Document) -> Self {
        DocumentModify {
            mapping,
            key,
            changes,
        }
    }

    /// Sends it; the same as `.await`.
    ///
    /// ```no_run
    /// # async fn f(m: dynamap::Mapping, changes: dynamap::document::Document) -> dynamap::Result<()> {
    /// m.modify("k", &changes).send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<()> {
        let mapping = self.mapping;
        let key_names = mapping.key_names();
        let mut actions = Vec::with_capacity(self.changes.len());
        for (name, value) in self.changes.iter() {
            if key_names.contains(name) {
                return Err(Error::Key(format!(
                    "`{name}` is a key attribute: insert under the new key and remove the old one instead"
                )));
            }
            let action = match value {
                Value::Null => Action::Remove,
                value => Action::Set(value.to_attribute_value()),
            };
            actions.push((AttrPath::from(name.clone()), action));
        }
        let exists = Node::Exists(AttrPath::from(mapping.partition_key().name.clone()));
        let mut renderer = Renderer::new("UpdateItem");
        renderer.update(actions, None)?.condition(Some(&exists))?;
        let request = mapping
            .client()
            .update_item()
            .table_name(mapping.table_name())
            .set_key(Some(self.key?))
            .apply(renderer.finish())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        match crate::observe::send_classified(request, mapping.call()).await {
            Ok(_) => Ok(()),
            Err(Error::ConditionFailed { table, .. }) => Err(Error::NotFound { table }),
            Err(e) => Err(e),
        }
    }
}

document_future!(DocumentModify, ());
