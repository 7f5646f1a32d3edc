//! # Time-based key-value store with per-key locks: reference solution
//!
//! Two levels of locking:
//!
//! - The **table** (`RwLock<HashMap<K, Arc<Entry>>>`) maps each key to its
//!   entry. It is held only long enough to find or create an entry, never
//!   while a key's versions are read or written, and never while `update`'s
//!   `f` runs. Lookups of existing keys, which are most operations, share the
//!   read lock; only the first write to a new key takes the write lock.
//! - Each **entry** has its own `Mutex<BTreeMap<timestamp, value>>`: the
//!   per-key lock. `update` holds it across read, `f` and write, which makes
//!   the three one atomic step for that key while other keys go on.
//!
//! Why not striping (a fixed array of N locks, key hashed to a lock)? It
//! avoids the table lock and bounds memory for locks, but two unrelated keys
//! that hash to the same stripe then wait for each other's `f`, which is
//! exactly what this kata forbids. A sharded concurrent map (dashmap) is the
//! production answer; see the book's chapter on this kata.
//!
//! The versions live in a `BTreeMap` so writers may arrive in any timestamp
//! order: "largest timestamp <= t" is `range(..=t).next_back()`.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use kata_sync::{Arc, Mutex, RwLock};

// ANCHOR: table
/// One key's versions, behind that key's own lock.
type Entry<V> = Mutex<BTreeMap<u64, V>>;

/// A concurrent map from keys to values versioned by timestamp.
pub struct TimeMap<K, V> {
    table: RwLock<HashMap<K, Arc<Entry<V>>>>,
}
// ANCHOR_END: table

impl<K: Eq + Hash + Clone, V: Clone> TimeMap<K, V> {
    /// Creates an empty map.
    pub fn new() -> Self {
        Self {
            table: RwLock::new(HashMap::new()),
        }
    }

    // ANCHOR: entry
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
    // ANCHOR_END: entry

    // ANCHOR: set_get
    /// Stores `value` for `key` at `timestamp`, overwriting an equal timestamp.
    pub fn set(&self, key: K, value: V, timestamp: u64) {
        self.entry(key).lock().insert(timestamp, value);
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
