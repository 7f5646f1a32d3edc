//! mutant: global-lock-while-f-runs
//! stage: stress
//! bug: `update` holds the table's write lock while `f` runs, so every operation on every other key waits for `f`.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use kata_sync::{Arc, Mutex, RwLock};

/// One key's versions, behind that key's own lock.
type Entry<V> = Mutex<BTreeMap<u64, V>>;

/// A concurrent map from keys to values versioned by timestamp.
pub struct TimeMap<K, V> {
    table: RwLock<HashMap<K, Arc<Entry<V>>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TimeMap<K, V> {
    /// Creates an empty map.
    pub fn new() -> Self {
        Self {
            table: RwLock::new(HashMap::new()),
        }
    }

    /// The entry for `key`, created if missing. The `Arc` lets the caller
    /// use the entry after the table lock is released.
    fn entry(&self, key: K) -> Arc<Entry<V>> {
        if let Some(entry) = self.table.read().get(&key) {
            return Arc::clone(entry);
        }
        // Another thread may have created the entry between our read and
        // this write: `or_insert_with` re-checks under the write lock, so two
        // first writers share one entry and neither's version is lost.
        let mut table = self.table.write();
        Arc::clone(
            table
                .entry(key)
                .or_insert_with(|| Arc::new(Mutex::new(BTreeMap::new()))),
        )
    }

    /// Stores `value` for `key` at `timestamp`, overwriting an equal timestamp.
    pub fn set(&self, key: K, value: V, timestamp: u64) {
        self.entry(key).lock().insert(timestamp, value);
    }

    /// The value for `key` with the largest timestamp `<= timestamp`.
    pub fn get(&self, key: &K, timestamp: u64) -> Option<V> {
        // A read must not create an entry, so it looks up without `entry`.
        let entry = Arc::clone(self.table.read().get(key)?);
        let versions = entry.lock();
        versions.range(..=timestamp).next_back().map(|(_, v)| v.clone())
    }

    // ANCHOR: update
    /// Atomically with respect to every other operation on `key`: calls `f`
    /// with what `get(&key, timestamp)` would return, and stores its result
    /// at `timestamp`. Operations on other keys do not wait for `f`.
    pub fn update(&self, key: K, timestamp: u64, f: impl FnOnce(Option<&V>) -> V) {
        // Wrong: the table's write lock is held until the end, across `f`.
        let mut table = self.table.write();
        let entry = Arc::clone(
            table
                .entry(key)
                .or_insert_with(|| Arc::new(Mutex::new(BTreeMap::new()))),
        );
        let mut versions = entry.lock();
        let current = versions.range(..=timestamp).next_back().map(|(_, v)| v);
        let next = f(current);
        versions.insert(timestamp, next);
        drop(versions);
        drop(table);
    }
    // ANCHOR_END: update
}
