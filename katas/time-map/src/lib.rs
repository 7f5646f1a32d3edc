//! # Time-based key-value store with per-key locks (LeetCode 981, concurrent)
//!
//! Store several values per key, each at a timestamp, and read the value
//! that was current at a given time:
//!
//! - `set(key, value, t)` stores `value` for `key` at timestamp `t`. Writers
//!   may arrive in any timestamp order; setting the same `(key, t)` again
//!   overwrites.
//! - `get(&key, t)` returns the value with the largest timestamp `<= t`, or
//!   `None` if there is none.
//! - `update(key, t, f)` calls `f` with what `get(&key, t)` would return and
//!   stores its result at `t`, atomically with respect to every other
//!   operation on the same key. `f` may take a long time, or block: while it
//!   runs, operations on *other* keys must not wait for it. That is what
//!   "per-key locks" means: whatever `f` does, every operation on every
//!   other key completes, the first write to a new key included, even while
//!   another call on `f`'s key waits for `f`.
//!
//! Timestamps are any `u64`, 0 and `u64::MAX` included.
//!
//! Many threads share one map by reference. Take every synchronisation
//! primitive from `kata_sync`.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check time-map`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]
// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::hash::Hash;
use std::marker::PhantomData;

/// A concurrent map from keys to values versioned by timestamp.
pub struct TimeMap<K, V> {
    // TODO: replace this marker with the map's state and its locks.
    _entries: PhantomData<(K, V)>,
}

impl<K: Eq + Hash + Clone, V: Clone> TimeMap<K, V> {
    /// Creates an empty map.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// Stores `value` for `key` at `timestamp`, overwriting an equal timestamp.
    pub fn set(&self, key: K, value: V, timestamp: u64) {
        // TODO
        todo!()
    }

    /// The value for `key` with the largest timestamp `<= timestamp`.
    pub fn get(&self, key: &K, timestamp: u64) -> Option<V> {
        // TODO
        todo!()
    }

    /// Atomically with respect to every other operation on `key`: calls `f`
    /// with what `get(&key, timestamp)` would return, and stores its result
    /// at `timestamp`. Operations on other keys must not wait for `f`.
    pub fn update(&self, key: K, timestamp: u64, f: impl FnOnce(Option<&V>) -> V) {
        // TODO
        todo!()
    }
}
