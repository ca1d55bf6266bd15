//! One BatchGetItem batch from keys to items in their places: the keys are cut into
//! batches as they are taken from the caller's iterator (so a million keys are never
//! all encoded at once), each batch is read with its retries, and each item found goes
//! to its key's place in the batch. `GetMany::send` and `GetMany::stream` both run on it.

use std::borrow::Borrow;
use std::sync::Arc;

use aws_sdk_dynamodb::types::KeysAndAttributes;
use aws_sdk_dynamodb::Client;

use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::key::{identity, identity_into, IdMap, SpareIdMaps};
use crate::limits::KEYS_PER_BATCH;
use crate::observe::{Call, Observer};
use crate::sdk_item::Item;

/// Up to 100 keys (as the caller gave them: owned or borrowed), each once, with their
/// encodings and their places (by the encoded key's identity).
pub(super) struct KeyBatch<Q> {
    pub keys: Vec<Q>,
    encoded: Vec<Item>,
    place: IdMap<usize>,
}

/// The most keys `seen` makes room for before any is taken.
const SEEN_ROOM_BOUND: usize = 1 << 16;

/// Cuts keys into batches lazily. A key repeated within a batch is read once there
/// (DynamoDB refuses a batch naming a key twice); with `seen`, a key repeated anywhere
/// is read once (what `send` needs to give each key one answer).
pub(super) struct Batches<T: DynamoItem, I> {
    keys: I,
    seen: Option<IdMap<()>>,
    /// One buffer for every key's identity as it is taken.
    id: Vec<u8>,
    /// The places of batches already read, for the next batches.
    spare: SpareIdMaps<usize>,
    marker: std::marker::PhantomData<fn() -> T>,
}

impl<T: DynamoItem, I: Iterator<Item: Borrow<T::Key>>> Batches<T, I> {
    pub(super) fn new(keys: I, distinct_overall: bool, spare: SpareIdMaps<usize>) -> Self {
        Batches {
            // Room for the keys the iterator says it holds (up to a bound, as a hint
            // may be wrong), so a large call does not grow and copy its set over and
            // over.
            seen: distinct_overall
                .then(|| IdMap::with_capacity(keys.size_hint().0.min(SEEN_ROOM_BOUND))),
            keys,
            id: Vec::new(),
            spare,
            marker: std::marker::PhantomData,
        }
    }
}

impl<T: DynamoItem, I: Iterator<Item: Borrow<T::Key>>> Iterator for Batches<T, I> {
    type Item = Result<KeyBatch<I::Item>>;

    fn next(&mut self) -> Option<Self::Item> {
        // Room for the whole batch, or for the keys known to be left.
        let room = self.keys.size_hint().0.clamp(1, KEYS_PER_BATCH);
        let mut batch = KeyBatch {
            keys: Vec::with_capacity(room),
            encoded: Vec::with_capacity(room),
            place: self.spare.take(room),
        };
        while batch.keys.len() < KEYS_PER_BATCH {
            let Some(key) = self.keys.next() else { break };
            let encoded = match T::key_to_item(key.borrow()) {
                Ok(encoded) => encoded,
                Err(e) => return Some(Err(e)),
            };
            identity_into(&encoded, &T::KEY_SCHEMA, &mut self.id);
            if let Some(seen) = &mut self.seen {
                // Every key of the batch is in `seen` too, so `seen` alone tells.
                if seen.insert(&self.id, ()).is_some() {
                    continue;
                }
            }
            if batch.place.insert(&self.id, batch.keys.len()).is_some() {
                continue;
            }
            batch.keys.push(key);
            batch.encoded.push(encoded);
        }
        (!batch.keys.is_empty()).then_some(Ok(batch))
    }
}

/// A batch's keys after they went to the SDK: made again from the caller's keys,
/// found by their place.
struct Kept<'k, T: DynamoItem, Q> {
    keys: &'k [Q],
    place: &'k IdMap<usize>,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<T: DynamoItem, Q: Borrow<T::Key>> super::Resend<Item> for Kept<'_, T, Q> {
    fn slot(&self, key: &Item) -> Option<usize> {
        // Only what DynamoDB hands back unprocessed comes here: one buffer each is fine.
        self.place.get(&identity(key, &T::KEY_SCHEMA))
    }

    fn remake(&self, slot: usize) -> Result<Item> {
        match self.keys.get(slot) {
            Some(key) => T::key_to_item(key.borrow()),
            None => Err(Error::UnexpectedAnswer {
                operation: "BatchGetItem",
                problem: "a key outside its batch".to_owned(),
            }),
        }
    }
}

/// How one batch ended: the item of each key (in the batch's order), the requests
/// resent, and the keys left unread with why.
pub(super) struct Placed<Q, T> {
    pub keys: Vec<Q>,
    pub found: Vec<Option<T>>,
    pub retries: u64,
    pub failed: Vec<Item>,
    pub error: Option<Error>,
}

/// What every batch of one call shares.
#[derive(Clone)]
pub(super) struct Reader {
    pub client: Client,
    pub table: Arc<str>,
    pub observer: Observer,
    pub consistent_read: bool,
    pub max_attempts: u32,
    /// Where each batch's place map goes once its items are placed.
    pub spare: SpareIdMaps<usize>,
}

impl Reader {
    /// Reads one batch, resending unprocessed keys, and puts each item in its place.
    /// Fails only on an answer that is not about the batch's keys or does not decode.
    pub(super) async fn read<T: DynamoItem, Q: Borrow<T::Key>>(
        &self,
        batch: KeyBatch<Q>,
    ) -> Result<Placed<Q, T>> {
        let KeyBatch {
            keys,
            encoded,
            place,
        } = batch;
        let kept = Kept::<T, Q> {
            keys: &keys,
            place: &place,
            item: std::marker::PhantomData,
        };
        let limits = super::Limits {
            operation: "BatchGetItem",
            table: &self.table,
            max_attempts: self.max_attempts,
            policy: crate::resilience::RetryPolicy::of(&self.client),
            deadline: None,
        };
        let driven = super::drive(encoded, &limits, &kept, |keys| self.send(keys)).await;
        let mut found: Vec<Option<T>> = std::iter::repeat_with(|| None).take(keys.len()).collect();
        let mut id = Vec::new(); // one buffer for every item's key
        for item in driven.results.into_iter().flatten() {
            identity_into(&item, &T::KEY_SCHEMA, &mut id);
            let slot = place.get(&id).and_then(|at| found.get_mut(at));
            let Some(slot) = slot else {
                return Err(Error::UnexpectedAnswer {
                    operation: "BatchGetItem",
                    problem: "an item whose key was not asked for".to_owned(),
                });
            };
            *slot = Some(T::from_item(item)?);
        }
        self.spare.give(place);
        Ok(Placed {
            keys,
            found,
            retries: driven.retries,
            failed: driven.failed,
            error: driven.error,
        })
    }

    /// One BatchGetItem request: the items it returned and the keys it left unprocessed.
    async fn send(&self, keys: Vec<Item>) -> Result<(Vec<Item>, Vec<Item>)> {
        let table = &self.table;
        let call = Call::new(table, &self.observer);
        let request = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .consistent_read(self.consistent_read)
            .build()
            .map_err(|e| Error::from_build("BatchGetItem", e))?;
        let request = self
            .client
            .batch_get_item()
            .request_items(table.to_string(), request);
        let output = crate::observe::send_classified(request, call).await?;
        let items = output
            .responses
            .and_then(|mut responses| responses.remove(table.as_ref()))
            .unwrap_or_default();
        let unprocessed = output
            .unprocessed_keys
            .and_then(|mut tables| tables.remove(table.as_ref()))
            .map(|k| k.keys)
            .unwrap_or_default();
        Ok((items, unprocessed))
    }
}
