//! BatchWriteItem's engine: writes cut into batches of 25 with each key in one batch
//! at a time, sent several at once, resent until written or given up, and counted. The
//! builders that start it (`insert_many`, `remove_many`) are in `write_builders.rs`.

use crate::observe::{Call, Observer, RateLimiter};
use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use futures::stream::{FuturesUnordered, Stream, StreamExt};

use super::{BatchProgress, BatchReport};
use crate::error::Rejected;
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::key::{identity, identity_into, IdMap, IdentityHasher, ID_BYTES};
use crate::sdk_item::Item;

/// DynamoDB's limit of requests in one BatchWriteItem.
use crate::limits::WRITES_PER_BATCH;

type ProgressFn = Arc<dyn Fn(BatchProgress) + Send + Sync>;

/// How a batch write runs.
#[derive(Clone)]
pub(crate) struct WriteOptions {
    pub concurrency: usize,
    pub max_attempts: u32,
    pub progress: Option<ProgressFn>,
    /// A limit on the whole call.
    pub deadline: Option<std::time::Duration>,
    /// After a failure, read the rest of the input into the error (a finite input);
    /// off for `insert_stream`, whose input may never end.
    pub read_rest: bool,
    pub observer: Observer,
    /// Write capacity units per second, for all batches in flight together.
    pub write_units_per_second: Option<f64>,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            // What the fastest raw-SDK loop measured here used; DynamoDB scales further.
            concurrency: 16,
            max_attempts: 10,
            progress: None,
            deadline: None,
            read_rest: true,
            observer: Observer::default(),
            write_units_per_second: None,
        }
    }
}

/// Makes a write's request again, from what it was made of (the item or the key, kept
/// by value): a batch is not copied per attempt. A type parameter, not a boxed closure:
/// one allocation fewer per item of a bulk load.
pub(crate) trait Again: Fn() -> Result<WriteRequest> + Send + Sync {}

impl<F: Fn() -> Result<WriteRequest> + Send + Sync> Again for F {}

/// One write waiting to be sent: the request, and how to make it again.
pub(crate) struct Pending<A> {
    request: WriteRequest,
    again: A,
}

impl<A: Again> Pending<A> {
    pub(super) fn new(request: WriteRequest, again: A) -> Self {
        Pending { request, again }
    }
}

/// What a write names by its key: the item it puts, or the key it deletes.
fn written(request: &WriteRequest) -> Option<&Item> {
    match (&request.put_request, &request.delete_request) {
        (Some(put), _) => Some(&put.item),
        (None, Some(delete)) => Some(&delete.key),
        (None, None) => None,
    }
}

/// A batch being filled: its writes, and each one's place by its key's identity, so a
/// later write of a key takes the place of the earlier one (DynamoDB refuses a batch
/// naming a key twice). The identities share one buffer, not one `Vec` per write.
struct Batch<A> {
    writes: Vec<Pending<A>>,
    place: IdMap<usize>,
}

impl<A> Batch<A> {
    fn new() -> Self {
        Batch {
            writes: Vec::with_capacity(WRITES_PER_BATCH),
            place: IdMap::with_capacity(WRITES_PER_BATCH),
        }
    }

    /// Adds `pending`, whose key's identity is `id`; `true` when it took the place of
    /// an earlier write of that key.
    fn add(&mut self, pending: Pending<A>, id: &[u8]) -> bool {
        let earlier = self.place.insert(id, self.writes.len());
        if let Some(earlier) = earlier.and_then(|slot| self.writes.get_mut(slot)) {
            *earlier = pending;
            return true;
        }
        // A write is never dropped here, even by a place that named no write.
        self.writes.push(pending);
        false
    }
}

/// A batch's writes after the requests went to the SDK: each one's place by its key,
/// and how to make each again.
struct Kept<A> {
    place: IdMap<usize>,
    again: Vec<A>,
    schema: &'static crate::item::KeySchema,
}

impl<A: Again> super::Resend<WriteRequest> for Kept<A> {
    fn slot(&self, request: &WriteRequest) -> Option<usize> {
        // Only what DynamoDB hands back unprocessed comes here: one buffer each is fine.
        self.place.get(&identity(written(request)?, self.schema))
    }

    fn remake(&self, slot: usize) -> Result<WriteRequest> {
        match self.again.get(slot) {
            Some(again) => again(),
            None => Err(Error::UnexpectedAnswer {
                operation: "BatchWriteItem",
                problem: "a request outside its batch".to_owned(),
            }),
        }
    }
}

/// What came back from one batch, after its retries.
struct Outcome {
    /// Its keys, no longer in flight.
    keys: IdMap<usize>,
    written: u64,
    retries: u64,
    failed: Vec<WriteRequest>,
    error: Option<Error>,
}

/// An item as a batch write stores it: as `insert` stores it (write-time stamps, the
/// next version), so every other write path goes on from there.
pub(super) fn put_item<T: DynamoItem>(item: &T, now: std::time::SystemTime) -> Result<Item> {
    crate::operations::refuse_unguarded::<T>("BatchWriteItem")?;
    item.validate()?;
    let mut encoded = item.to_item()?;
    T::stamps(now)?.apply_to(&mut encoded, false);
    if let (Some(name), Some(version)) = (T::VERSION_ATTRIBUTE, item.version()) {
        crate::operations::store_next_version::<T>(&mut encoded, name, version)?;
    }
    Ok(encoded)
}

pub(super) fn put_write_request(item: Item) -> Result<WriteRequest> {
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .map_err(|e| Error::from_build("BatchWriteItem", e))?;
    Ok(WriteRequest::builder().put_request(put).build())
}

pub(super) fn delete_request(key: Item) -> Result<WriteRequest> {
    let delete = DeleteRequest::builder()
        .set_key(Some(key))
        .build()
        .map_err(|e| Error::from_build("BatchWriteItem", e))?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

/// The item of a write not made, for the error that holds it.
fn request_item(request: WriteRequest) -> Option<Item> {
    match (request.put_request, request.delete_request) {
        (Some(put), _) => Some(put.item),
        (None, Some(delete)) => Some(delete.key),
        (None, None) => None,
    }
}

/// Where a batch's requests report: the mapping's observer, the call's budget.
#[derive(Clone)]
struct Reporting {
    observer: Observer,
    rate: Option<Arc<RateLimiter>>,
}

async fn send_batch<A: Again>(
    client: Client,
    table: Arc<str>,
    batch: Batch<A>,
    max_attempts: u32,
    deadline: Option<tokio::time::Instant>,
    reporting: Reporting,
    schema: &'static crate::item::KeySchema,
) -> Outcome {
    let mut kept = Kept {
        place: batch.place,
        again: Vec::with_capacity(batch.writes.len()),
        schema,
    };
    let mut requests: Vec<WriteRequest> = Vec::with_capacity(batch.writes.len());
    for pending in batch.writes {
        kept.again.push(pending.again);
        requests.push(pending.request);
    }
    let limits = super::Limits {
        operation: "BatchWriteItem",
        table: &table,
        max_attempts,
        policy: crate::resilience::RetryPolicy::of(&client),
        deadline,
    };
    let driven = super::drive(requests, &limits, &kept, |requests| {
        let (client, table, reporting) = (client.clone(), table.clone(), reporting.clone());
        async move {
            let sent = requests.len() as u64;
            let call = Call::new(&table, &reporting.observer)
                .items(requests.len())
                .rate(reporting.rate.as_deref());
            let request = client
                .batch_write_item()
                .request_items(table.to_string(), requests);
            let output = crate::observe::send_classified(request, call).await?;
            let unprocessed = output
                .unprocessed_items
                .and_then(|mut tables| tables.remove(table.as_ref()))
                .unwrap_or_default();
            Ok((sent.saturating_sub(unprocessed.len() as u64), unprocessed))
        }
    })
    .await;
    Outcome {
        keys: kept.place,
        written: driven.results.iter().sum(),
        retries: driven.retries,
        failed: driven.failed,
        error: driven.error,
    }
}

/// The keys of the batches in flight, by hash, each with how many of them hold it: a
/// key counts as in flight while any key of its hash is, which may make a write wait
/// for a batch it did not need to, but never lets two writes of one key race.
#[derive(Default)]
struct KeysInFlight {
    // The keys are hashes already; any seed does.
    counts: HashMap<u64, u32, IdentityHasher>,
}

impl KeysInFlight {
    fn any_of(&self, keys: &IdMap<usize>) -> bool {
        !self.counts.is_empty() && keys.hashes().any(|hash| self.counts.contains_key(&hash))
    }

    fn add(&mut self, keys: &IdMap<usize>) {
        for hash in keys.hashes() {
            *self.counts.entry(hash).or_insert(0) += 1;
        }
    }

    fn remove(&mut self, keys: &IdMap<usize>) {
        for hash in keys.hashes() {
            if let Some(count) = self.counts.get_mut(&hash) {
                *count -= 1;
                if *count == 0 {
                    self.counts.remove(&hash);
                }
            }
        }
    }
}

/// Running totals of a batch write.
struct Tally<'o> {
    report: BatchReport,
    busy: KeysInFlight,
    failed: Vec<Item>,
    rejected: Vec<Rejected>,
    first_error: Option<Error>,
    progress: Option<&'o ProgressFn>,
}

impl Tally<'_> {
    fn settle(&mut self, outcome: Outcome) {
        self.busy.remove(&outcome.keys);
        self.report.written += outcome.written;
        self.report.retries += outcome.retries;
        if outcome.written > 0 {
            self.report.batches += 1;
        }
        self.failed
            .extend(outcome.failed.into_iter().filter_map(request_item));
        if self.first_error.is_none() {
            self.first_error = outcome.error;
        }
        if let Some(progress) = self.progress {
            progress(BatchProgress {
                done: self.report.written,
                batches: self.report.batches,
                retries: self.report.retries,
            });
        }
    }
}

/// Sends `writes` in batches of 25, `concurrency` batches at a time. A key is never in
/// two batches in flight at once, and a later write of a key replaces an earlier one
/// not yet sent, so the last write of each key wins. After a batch fails for good,
/// nothing more is sent: the unsent rest of `writes` is read into the error.
pub(super) async fn write_all<A: Again>(
    client: &Client,
    table: &str,
    schema: &'static crate::item::KeySchema,
    writes: impl Stream<Item = Result<Pending<A>>>,
    options: WriteOptions,
) -> Result<BatchReport> {
    let table: Arc<str> = Arc::from(table);
    let concurrency = options.concurrency.max(1);
    let reporting = Reporting {
        observer: options.observer.clone(),
        rate: options.write_units_per_second.map(RateLimiter::new),
    };
    let deadline = options
        .deadline
        .map(|limit| tokio::time::Instant::now() + limit);
    let mut tally = Tally {
        report: BatchReport::default(),
        busy: KeysInFlight::default(),
        failed: Vec::new(),
        rejected: Vec::new(),
        first_error: None,
        progress: options.progress.as_ref(),
    };
    let mut in_flight = FuturesUnordered::new();
    let mut batch = Batch::new();
    // One buffer for every write's key identity as it is taken.
    let mut id = Vec::with_capacity(ID_BYTES);
    let mut ended = false;
    let mut position = 0;

    futures::pin_mut!(writes);
    while !ended {
        let next = next_write(&mut writes, &mut in_flight, &mut tally).await;
        let index = position;
        if next.is_some() {
            position += 1;
        }
        let dispatch = match next {
            Some(Ok(pending)) => {
                match written(&pending.request) {
                    Some(item) => identity_into(item, schema, &mut id),
                    // Never: every write here is a put or a delete.
                    None => id.clear(),
                }
                if batch.add(pending, &id) {
                    tally.report.superseded += 1;
                }
                batch.writes.len() == WRITES_PER_BATCH
            }
            Some(Err(error)) => {
                // A bad item is refused on its own; the others still go.
                tally.rejected.push(Rejected { index, error });
                false
            }
            None => {
                ended = true;
                true
            }
        };
        if !dispatch || batch.writes.is_empty() {
            continue;
        }
        // Wait for batches in flight that hold one of these keys, then for room.
        while tally.busy.any_of(&batch.place) || in_flight.len() >= concurrency {
            match in_flight.next().await {
                Some(outcome) => tally.settle(outcome),
                None => break,
            }
        }
        if tally.first_error.is_none() && deadline.is_some_and(|d| tokio::time::Instant::now() >= d)
        {
            tally.first_error = Some(Error::Timeout {
                operation: "BatchWriteItem",
                table: table.to_string(),
            });
        }
        if tally.first_error.is_some() {
            tally.failed.extend(
                batch
                    .writes
                    .drain(..)
                    .filter_map(|p| request_item(p.request)),
            );
            break;
        }
        tally.busy.add(&batch.place);
        let full = std::mem::replace(&mut batch, Batch::new());
        in_flight.push(send_batch(
            client.clone(),
            table.clone(),
            full,
            options.max_attempts,
            deadline,
            reporting.clone(),
            schema,
        ));
    }
    while let Some(outcome) = in_flight.next().await {
        tally.settle(outcome);
    }
    if tally.first_error.is_some() && options.read_rest {
        // Nothing more is sent, and nothing is dropped: the rest of the input goes,
        // unsent, into the error.
        while let Some(next) = writes.next().await {
            let index = position;
            position += 1;
            match next {
                Ok(pending) => tally.failed.extend(request_item(pending.request)),
                // A refused item of the rest is named like one refused before.
                Err(error) => tally.rejected.push(Rejected { index, error }),
            }
        }
    }
    let source = match tally.first_error {
        Some(error) => error,
        None => match tally.rejected.first() {
            None => return Ok(tally.report),
            Some(first) => Error::InvalidRequest {
                operation: "BatchWriteItem",
                problem: format!("input item {} refused: {}", first.index, first.error),
            },
        },
    };
    Err(Error::BatchIncomplete {
        operation: "BatchWriteItem",
        table: table.to_string(),
        completed: tally.report.written,
        read: position as u64,
        remaining: tally.failed,
        rejected: tally.rejected,
        source: Box::new(source),
    })
}

/// The next write from `writes`, driving the batches in flight while it waits: a batch
/// goes out as soon as it is pushed (while its items are still in cache), and a slow
/// stream does not hold full batches unsent until it ends. Outcomes come first, so
/// their keys stop being busy as early as they can.
async fn next_write<W: Stream + Unpin, F: std::future::Future<Output = Outcome>>(
    writes: &mut W,
    in_flight: &mut FuturesUnordered<F>,
    tally: &mut Tally<'_>,
) -> Option<W::Item> {
    while !in_flight.is_empty() {
        match futures::future::select(in_flight.next(), writes.next()).await {
            futures::future::Either::Left((Some(outcome), _)) => tally.settle(outcome),
            futures::future::Either::Left((None, _)) => break,
            futures::future::Either::Right((next, _)) => return next,
        }
    }
    writes.next().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn keys(ids: &[&[u8]]) -> IdMap<usize> {
        let mut map = IdMap::with_capacity(ids.len());
        for (slot, id) in ids.iter().enumerate() {
            map.insert(id, slot);
        }
        map
    }

    /// A key stays in flight until every batch holding it has settled.
    #[test]
    fn keys_in_flight_are_counted_per_batch() {
        let mut busy = KeysInFlight::default();
        let (a, b, ab) = (keys(&[b"a"]), keys(&[b"b"]), keys(&[b"a", b"b"]));
        assert!(!busy.any_of(&a));
        busy.add(&a);
        busy.add(&ab);
        assert!(busy.any_of(&a) && busy.any_of(&b));
        busy.remove(&a);
        assert!(
            busy.any_of(&a),
            "the batch with `a` and `b` is still in flight"
        );
        busy.remove(&ab);
        assert!(!busy.any_of(&a) && !busy.any_of(&b));
        // Settling what is not in flight changes nothing.
        busy.remove(&b);
        assert!(busy.counts.is_empty());
    }

    fn put(value: &str) -> Pending<impl Again> {
        let item = Item::from([("v".to_owned(), AttributeValue::S(value.to_owned()))]);
        let request = put_write_request(item).unwrap();
        Pending::new(request, || Ok(WriteRequest::builder().build()))
    }

    fn value(pending: &Pending<impl Again>) -> &str {
        written(&pending.request).unwrap()["v"].as_s().unwrap()
    }

    /// A later write of a key takes the earlier one's place; other keys keep theirs.
    #[test]
    fn a_later_write_of_a_key_takes_its_place() {
        let mut batch = Batch::new();
        assert!(!batch.add(put("first k1"), b"k1"));
        assert!(!batch.add(put("k12"), b"k12"));
        assert!(batch.add(put("second k1"), b"k1"));
        let values: Vec<_> = batch.writes.iter().map(value).collect();
        assert_eq!(values, ["second k1", "k12"]);
        assert_eq!(batch.place.get(b"k12"), Some(1));
    }
}
