//! mutant: global-lock-while-f-runs
//! stage: stress
//! bug: `execute` holds the table's one lock while `f` runs, so a slow `f` on one key makes every caller of every other key wait for it.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::Mutex;

/// Runs each key's work once and remembers its result.
pub struct IdempotencyStore<K, V> {
    table: Mutex<HashMap<K, V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> IdempotencyStore<K, V> {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self {
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `f` at most once per key, holding the table's lock throughout.
    pub fn execute(&self, key: K, f: impl FnOnce() -> V) -> V {
        let mut table = self.table.lock();
        if let Some(value) = table.get(&key) {
            return value.clone();
        }
        // Exactly once, and a panic unwinds through the guard and frees the
        // lock; but every other key waits for this f.
        let value = f();
        table.insert(key, value.clone());
        value
    }
}
