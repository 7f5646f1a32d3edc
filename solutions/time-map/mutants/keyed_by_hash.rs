//! mutant: keyed-by-hash
//! stage: functional
//! bug: the table is keyed by a 64-bit hash of the key instead of the key, so two distinct keys with equal hashes share one history: `get` of one returns the other's versions. Random keys never collide in 64 bits; keys built to collide do.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use kata_sync::{Arc, Mutex, RwLock};

// ANCHOR: table
/// One key's versions, behind that key's own lock.
type Entry<V> = Mutex<BTreeMap<u64, V>>;

/// A concurrent map from keys to values versioned by timestamp.
pub struct TimeMap<K, V> {
    table: RwLock<HashMap<u64, Arc<Entry<V>>>>,
    _keys: std::marker::PhantomData<K>,
}
// ANCHOR_END: table

/// The key's identity, as this mutant sees it: a 64-bit hash (SipHash with
/// fixed keys, so equal keys always agree). Two keys whose hashes are equal
/// are taken for one.
fn hash_of<K: Hash>(key: &K) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl<K: Eq + Hash + Clone, V: Clone> TimeMap<K, V> {
    /// Creates an empty map.
    pub fn new() -> Self {
        Self {
            table: RwLock::new(HashMap::new()),
            _keys: std::marker::PhantomData,
        }
    }

    // ANCHOR: entry
    /// The entry for `key`, created if missing. The `Arc` lets the caller
    /// use the entry after the table lock is released.
    fn entry(&self, key: K) -> Arc<Entry<V>> {
        if let Some(entry) = self.table.read().get(&hash_of(&key)) {
            return Arc::clone(entry);
        }
        // Another thread may have created the entry between our read and
        // this write: `or_insert_with` re-checks under the write lock, so two
        // first writers share one entry and neither's version is lost.
        let mut table = self.table.write();
        Arc::clone(
            table
                .entry(hash_of(&key))
                .or_insert_with(|| Arc::new(Mutex::new(BTreeMap::new()))),
        )
    }
    // ANCHOR_END: entry

    // ANCHOR: set_get
    /// Stores `value` for `key` at `timestamp`, overwriting an equal timestamp.
    pub fn set(&self, key: K, value: V, timestamp: u64) {
        self.entry(key).lock().insert(timestamp, value);
    }

    /// The value for `key` with the largest timestamp `<= timestamp`.
    pub fn get(&self, key: &K, timestamp: u64) -> Option<V> {
        // A read must not create an entry, so it looks up without `entry`.
        let entry = Arc::clone(self.table.read().get(&hash_of(key))?);
        let versions = entry.lock();
        versions
            .range(..=timestamp)
            .next_back()
            .map(|(_, v)| v.clone())
    }
    // ANCHOR_END: set_get

    // ANCHOR: update
    /// Atomically with respect to every other operation on `key`: calls `f`
    /// with what `get(&key, timestamp)` would return, and stores its result
    /// at `timestamp`. Operations on other keys do not wait for `f`.
    pub fn update(&self, key: K, timestamp: u64, f: impl FnOnce(Option<&V>) -> V) {
        let entry = self.entry(key);
        // The per-key lock is held across the read, `f` and the write: let
        // go in between and a concurrent update's result would be lost.
        // The table lock is not held here, so other keys are unaffected.
        let mut versions = entry.lock();
        let current = versions.range(..=timestamp).next_back().map(|(_, v)| v);
        let next = f(current);
        versions.insert(timestamp, next);
    }
    // ANCHOR_END: update
}
