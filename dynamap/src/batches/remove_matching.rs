//! Removing what a query matches: a partition, a range of it, a collection's members.
//! The query reads only the keys; BatchWriteItem deletes them as they come.

use std::future::IntoFuture;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::Client;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt};

use super::write::{delete_request, write_all, Again, Pending, WriteOptions};
use super::write_builders::write_options;
use super::{BatchProgress, BatchReport};
use crate::error::{Error, Result};
use crate::item::KeySchema;
use crate::key::check_key;
use crate::observe::Observer;
use crate::sdk_item::Item;

/// Deletes every item a query matches with BatchWriteItem; from
/// [`Query::remove`](crate::reads::Query::remove),
/// [`TypedMapping::remove_partition`](crate::TypedMapping::remove_partition) and a
/// collection's [`remove_partition`](crate::single_table::Collection::remove_partition),
/// sent by `.await`.
///
/// The query reads the matching items' keys only (its `read_units_per_second`,
/// `page_size` and `consistent_read` apply; items past their time to live are removed
/// too), and the keys are deleted in batches of 25 as pages come, so a partition of any
/// size goes through in constant memory. An entity's query keeps to its own items, and a
/// collection's to its members': items of other entities in the partition stay.
///
/// The account is `remove_many`'s: [`BatchReport::written`] counts the items deleted. A
/// failed read or a batch given up ends the call with
/// [`Error::BatchIncomplete`](crate::Error::BatchIncomplete): `completed` were deleted,
/// `remaining` holds the keys read and not deleted, and the rest of the partition was
/// not read. Deleting is idempotent, so sending the call again finishes the job.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
/// # async fn f(events: dynamap::TypedMapping<Event>) -> dynamap::Result<()> {
/// let report = events.remove_partition("s1").write_units_per_second(100.0).await?;
/// println!("{} events removed", report.written);
/// # Ok(()) }
/// ```
#[must_use = "a RemoveMatching does nothing until it is awaited"]
#[doc(alias = "BatchWriteItem")]
pub struct RemoveMatching<'a> {
    client: &'a Client,
    table: &'a str,
    schema: &'static KeySchema,
    /// Why the call cannot be made (a type whose invariants a batch cannot keep).
    refused: Option<Error>,
    keys: BoxStream<'static, Result<Item>>,
    options: WriteOptions,
}

impl<'a> RemoveMatching<'a> {
    pub(crate) fn new(
        client: &'a Client,
        table: &'a str,
        schema: &'static KeySchema,
        observer: Observer,
        refused: Result<()>,
        keys: BoxStream<'static, Result<Item>>,
    ) -> Self {
        RemoveMatching {
            client,
            table,
            schema,
            refused: refused.err(),
            keys,
            options: WriteOptions {
                observer,
                // The rest of a partition is not read into an error.
                read_rest: false,
                ..WriteOptions::default()
            },
        }
    }

    write_options!(
        "# #[derive(dynamap::DynamoItem)]\n# struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }\n# async fn f(events: dynamap::TypedMapping<Event>) -> dynamap::Result<()> {",
        "events.remove_partition(\"s1\")"
    );

    /// Sends the deletes; the same as `.await`.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Event { #[dynamo(partition_key)] stream: String, #[dynamo(sort_key)] seq: u64 }
    /// # async fn f(events: TypedMapping<Event>) -> dynamap::Result<()> {
    /// let old = Event::fields().seq.lt(1000);
    /// let report = events.query("s1").sort_key(old).remove().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<BatchReport> {
        if let Some(refused) = self.refused {
            return Err(refused);
        }
        let schema = self.schema;
        // A failed read ends the stream of deletes; its error is kept for the answer.
        let read_failure: Arc<Mutex<Option<Error>>> = Arc::default();
        let failure = read_failure.clone();
        let writes = self.keys.scan((), move |(), key| {
            let next = match key {
                Ok(key) => Some(delete_of(key, schema)),
                Err(error) => {
                    if let Ok(mut slot) = failure.lock() {
                        *slot = Some(error);
                    }
                    None
                }
            };
            futures::future::ready(next)
        });
        let written = write_all(self.client, self.table, schema, writes, self.options).await;
        let read_failure = read_failure.lock().ok().and_then(|mut slot| slot.take());
        match (written, read_failure) {
            (Ok(report), Some(source)) => Err(Error::BatchIncomplete {
                operation: "BatchWriteItem",
                table: self.table.to_owned(),
                completed: report.written,
                read: report.written + report.superseded,
                remaining: Vec::new(),
                rejected: Vec::new(),
                source: Box::new(source),
            }),
            (written, _) => written,
        }
    }
}

/// The delete of one key read, and how to make it again.
fn delete_of(key: Item, schema: &KeySchema) -> Result<Pending<impl Again>> {
    check_key(&key, schema)?;
    let request = delete_request(key.clone())?;
    Ok(Pending::new(request, move || delete_request(key.clone())))
}

impl<'a> IntoFuture for RemoveMatching<'a> {
    type Output = Result<BatchReport>;
    type IntoFuture = BoxFuture<'a, Result<BatchReport>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
