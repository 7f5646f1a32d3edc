//! mutant: check-then-insert
//! stage: model
//! bug: `execute` looks the key up in one critical section and stores `f`'s result in a second, with nothing marking the key as claimed in between, so callers that race on a new key each run their own `f`.

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

    /// Looks for a stored result, and runs `f` outside the lock if none.
    pub fn execute(&self, key: K, f: impl FnOnce() -> V) -> V {
        if let Some(value) = self.table.lock().get(&key) {
            return value.clone();
        }
        // Two callers can both get here before either has stored anything.
        let value = f();
        self.table.lock().entry(key).or_insert(value).clone()
    }
}
