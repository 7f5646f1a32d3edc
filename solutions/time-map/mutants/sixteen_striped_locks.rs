//! mutant: sixteen-striped-locks
//! stage: stress
//! bug: keys are hashed onto 16 locks ("striping"), and `update` holds its key's stripe while `f` runs, so while `f` blocks, every other key on the same stripe (one key in 16) waits for it.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use kata_sync::Mutex;

const STRIPES: usize = 16;

/// A concurrent map from keys to values versioned by timestamp.
pub struct TimeMap<K, V> {
    /// Each stripe owns the keys that hash to it, with their versions.
    stripes: Vec<Mutex<HashMap<K, BTreeMap<u64, V>>>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TimeMap<K, V> {
    /// Creates an empty map.
    pub fn new() -> Self {
        Self {
            stripes: (0..STRIPES).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    fn stripe(&self, key: &K) -> &Mutex<HashMap<K, BTreeMap<u64, V>>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.stripes[h.finish() as usize % STRIPES]
    }

    /// Stores `value` for `key` at `timestamp`, overwriting an equal timestamp.
    pub fn set(&self, key: K, value: V, timestamp: u64) {
        let mut stripe = self.stripe(&key).lock();
        stripe.entry(key).or_default().insert(timestamp, value);
    }

    /// The value for `key` with the largest timestamp `<= timestamp`.
    pub fn get(&self, key: &K, timestamp: u64) -> Option<V> {
        let stripe = self.stripe(key).lock();
        stripe
            .get(key)?
            .range(..=timestamp)
            .next_back()
            .map(|(_, v)| v.clone())
    }

    /// Atomically with respect to every other operation on `key`: calls `f`
    /// with what `get(&key, timestamp)` would return, and stores its result
    /// at `timestamp`. Operations on other keys do not wait for `f`.
    pub fn update(&self, key: K, timestamp: u64, f: impl FnOnce(Option<&V>) -> V) {
        let mut stripe = self.stripe(&key).lock();
        let versions = stripe.entry(key).or_default();
        let current = versions.range(..=timestamp).next_back().map(|(_, v)| v);
        let next = f(current);
        versions.insert(timestamp, next);
    }
}
