//! Encoded key identities kept by value in one buffer: `get_many` remembers every key
//! it has read (each key gets one answer) and where each key of a batch goes, and a
//! `HashSet<Vec<u8>>` made that one allocation per key.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, PoisonError};

use smallvec::SmallVec;

use super::{identity_hasher, IdentityHasher};

/// Where one identity's bytes are in the buffer, and its value.
type Entry<V> = (usize, usize, V);

/// Identities, each with a value (a key's place in its batch, or nothing): exact (a
/// hash is only where to look; the bytes decide), and one growing buffer for all of
/// them.
pub(crate) struct IdMap<V> {
    bytes: Vec<u8>,
    /// By hash: each identity's place in `bytes` and its value. Two identities share
    /// a hash almost never, so one entry is kept inline.
    index: HashMap<u64, SmallVec<[Entry<V>; 1]>, IdentityHasher>,
}

/// About how many bytes a key's identity takes, for the buffers' first room.
pub(crate) const ID_BYTES: usize = 32;

impl<V: Copy> IdMap<V> {
    /// Room for `keys` identities of about [`ID_BYTES`] each.
    pub(crate) fn with_capacity(keys: usize) -> Self {
        IdMap {
            bytes: Vec::with_capacity(keys * ID_BYTES),
            index: HashMap::with_capacity_and_hasher(keys, identity_hasher()),
        }
    }

    fn stored(&self, start: usize, end: usize) -> &[u8] {
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// The value of `id`, if it is here.
    pub(crate) fn get(&self, id: &[u8]) -> Option<V> {
        let hash = identity_hasher().hash_one(id);
        let entries = self.index.get(&hash)?;
        entries
            .iter()
            .find(|&&(start, end, _)| self.stored(start, end) == id)
            .map(|&(_, _, value)| value)
    }

    /// Adds `id` with `value` and returns `None`; or, when `id` is here already,
    /// changes nothing and returns the value it has. One hash either way.
    pub(crate) fn insert(&mut self, id: &[u8], value: V) -> Option<V> {
        let hash = identity_hasher().hash_one(id);
        let entries = self.index.entry(hash).or_default();
        let bytes = &self.bytes;
        let kept = entries
            .iter()
            .find(|&&(start, end, _)| bytes.get(start..end).unwrap_or_default() == id);
        if let Some(&(_, _, kept)) = kept {
            return Some(kept);
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(id);
        entries.push((start, self.bytes.len(), value));
        None
    }

    /// The hashes of the identities here, each once (identities that share a hash
    /// share it here too).
    pub(crate) fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.index.keys().copied()
    }

    /// Forgets every identity and keeps the room they took.
    fn clear(&mut self) {
        self.bytes.clear();
        self.index.clear();
    }
}

/// The most emptied maps a [`SpareIdMaps`] keeps.
const SPARES_KEPT: usize = 64;

/// The maps of finished batches, emptied and kept for the next ones. A batch's map has
/// the same size every time (about 8 KB for 100 keys: its bytes and its index), and
/// glibc serves allocations of that size outside its per-thread cache, where each one
/// may first consolidate its free lists; reused, they are allocated once per call.
/// Shared by the batches of one call, which may finish on other threads.
#[derive(Clone)]
pub(crate) struct SpareIdMaps<V> {
    maps: Arc<Mutex<Vec<IdMap<V>>>>,
}

impl<V: Copy> SpareIdMaps<V> {
    /// None kept yet.
    pub(crate) fn new() -> Self {
        SpareIdMaps {
            maps: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// An empty map: one kept, or a new one with room for `keys` identities.
    pub(crate) fn take(&self, keys: usize) -> IdMap<V> {
        // A panic elsewhere while the lock was held leaves a list of empty maps: still
        // good to use.
        let kept = self
            .maps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        kept.unwrap_or_else(|| IdMap::with_capacity(keys))
    }

    /// Keeps `map`, emptied, for a later [`take`](Self::take).
    pub(crate) fn give(&self, mut map: IdMap<V>) {
        map.clear();
        let mut maps = self.maps.lock().unwrap_or_else(PoisonError::into_inner);
        if maps.len() < SPARES_KEPT {
            maps.push(map);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_identity_is_kept_once_with_its_first_value() {
        let mut ids = IdMap::with_capacity(2);
        assert_eq!(ids.insert(b"a#1", 0), None);
        assert_eq!(ids.insert(b"a#2", 1), None);
        assert_eq!(
            ids.insert(b"a#1", 7),
            Some(0),
            "a repeated identity keeps its value"
        );
        assert_eq!(ids.get(b"a#1"), Some(0));
        assert_eq!(ids.get(b"a#2"), Some(1));
        assert_eq!(ids.get(b"a#3"), None);
        // A prefix or an extension of a kept identity is another identity.
        assert_eq!(ids.get(b"a#"), None);
        assert_eq!(ids.insert(b"a#12", 2), None);
        assert_eq!(ids.get(b"a#12"), Some(2));
        assert_eq!(ids.hashes().count(), 3);
    }

    #[test]
    fn a_map_given_back_is_taken_again_empty_with_its_room() {
        let spares = SpareIdMaps::new();
        let mut map = spares.take(4);
        for id in [b"k#1", b"k#2", b"k#3", b"k#4"] {
            assert_eq!(map.insert(id, 0_usize), None);
        }
        let (bytes, index) = (map.bytes.as_ptr(), map.index.capacity());
        spares.give(map);
        let again = spares.take(1);
        assert_eq!(
            again.bytes.as_ptr(),
            bytes,
            "the same buffer, not a new one"
        );
        assert_eq!(again.index.capacity(), index);
        assert_eq!(again.get(b"k#1"), None, "nothing of the last batch is left");
        assert_eq!(again.hashes().count(), 0);
        let other = spares.take(1);
        assert_ne!(other.bytes.as_ptr(), bytes, "a map is handed out once");
    }

    #[test]
    fn spares_kept_are_bounded() {
        let spares: SpareIdMaps<()> = SpareIdMaps::new();
        for _ in 0..SPARES_KEPT + 3 {
            spares.give(IdMap::with_capacity(1));
        }
        assert_eq!(spares.maps.lock().unwrap().len(), SPARES_KEPT);
    }

    /// Identities that share a hash are still told apart by their bytes.
    #[test]
    fn identities_sharing_a_hash_are_told_apart() {
        let mut ids: IdMap<usize> = IdMap::with_capacity(2);
        let hash = identity_hasher().hash_one(b"x".as_slice());
        // Forge a second identity under the same hash, as a collision would put it.
        ids.bytes.extend_from_slice(b"other");
        ids.index.entry(hash).or_default().push((0, 5, 9));
        assert_eq!(ids.insert(b"x", 1), None);
        assert_eq!(ids.get(b"x"), Some(1));
        assert_eq!(ids.index[&hash].len(), 2);
        assert_eq!(ids.insert(b"x", 3), Some(1));
        assert_eq!(
            ids.hashes().collect::<Vec<_>>(),
            [hash],
            "one hash, listed once"
        );
    }
}
