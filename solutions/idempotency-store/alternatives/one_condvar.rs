//! alternative: one_condvar
//! why: one Mutex over the whole table and one Condvar for every waiter: simpler than a lock and a condvar per key, and still correct, because the lock is never held while f runs (the claim is the Running state, not the lock). The cost is that every finished run wakes the waiters of every key, with notify_all, and each goes back to sleep unless its own key changed.
//!
//! Check it with `cargo xtask check idempotency-store --impl solutions/idempotency-store/alternatives/one_condvar.rs`.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use kata_sync::{Condvar, Mutex};

enum State<V> {
    /// A caller is inside `f`.
    Running,
    /// `f` returned this.
    Done(V),
}

/// Runs each key's work once and remembers its result.
pub struct IdempotencyStore<K, V> {
    /// A key absent from the table is free.
    table: Mutex<HashMap<K, State<V>>>,
    /// Notified (all waiters, of every key) whenever a run ends.
    ended: Condvar,
}

/// Frees the key and wakes everyone if `f` panics.
struct Claim<'a, K: Eq + Hash, V> {
    store: &'a IdempotencyStore<K, V>,
    key: Option<K>,
}

impl<K: Eq + Hash, V> Drop for Claim<'_, K, V> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.store.table.lock().remove(&key);
            self.store.ended.notify_all();
        }
    }
}

impl<K: Eq + Hash + Clone, V: Clone> IdempotencyStore<K, V> {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self {
            table: Mutex::new(HashMap::new()),
            ended: Condvar::new(),
        }
    }

    /// Runs `f` at most once per key over the store's life, and returns its
    /// result to every caller with that key.
    pub fn execute(&self, key: K, f: impl FnOnce() -> V) -> V {
        let mut table = self.table.lock();
        loop {
            match table.entry(key.clone()) {
                Entry::Occupied(e) => match e.get() {
                    State::Done(value) => return value.clone(),
                    State::Running => self.ended.wait(&mut table),
                },
                Entry::Vacant(e) => {
                    e.insert(State::Running);
                    break;
                }
            }
        }
        drop(table);
        let mut claim = Claim {
            store: self,
            key: Some(key),
        };
        let value = f();
        let key = claim.key.take().expect("the claim is still held");
        self.table.lock().insert(key, State::Done(value.clone()));
        self.ended.notify_all();
        value
    }
}
