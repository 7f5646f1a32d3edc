//! mutant: set-waits-for-the-key-under-the-table-lock
//! stage: stress
//! bug: `set` finds the key's entry and locks it while still holding the table's write lock, so a `set` queued behind a blocked `f` holds the whole table while it waits, and every other key waits too.

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
        // One trip through the table: find or create the entry, and lock it
        // before letting go of the table, so nobody can slip in between.
        let mut table = self.table.write();
        let entry = Arc::clone(
            table
                .entry(key)
                .or_insert_with(|| Arc::new(Mutex::new(BTreeMap::new()))),
        );
        entry.lock().insert(timestamp, value);
        drop(table);
    }

    /// The value for `key` with the largest timestamp `<= timestamp`.
    pub fn get(&self, key: &K, timestamp: u64) -> Option<V> {
        // A read must not create an entry, so it looks up without `entry`.
        let entry = Arc::clone(self.table.read().get(key)?);
        let versions = entry.lock();
        versions
            .range(..=timestamp)
            .next_back()
            .map(|(_, v)| v.clone())
    }
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
}
