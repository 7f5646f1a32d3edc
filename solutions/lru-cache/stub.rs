//! # Thread-safe LRU cache (LeetCode 146, shared across threads)
//!
//! A cache of at most `capacity` entries that evicts the least recently used
//! one when it is full:
//!
//! - `get(&key)` returns a clone of the value, or `None`. A hit makes the key
//!   the most recently used; a miss changes nothing.
//! - `put(key, value)` inserts or overwrites, and makes the key the most
//!   recently used. If that takes the cache past its capacity, the least
//!   recently used key is evicted.
//! - `len()` is the number of entries now; it never exceeds `capacity()`.
//!
//! The capacity may be any number from 1 up, however large: `new(1 << 40)`
//! must work.
//!
//! Many threads share one cache by reference, so every operation must be
//! atomic: no thread may ever see a half-done `put`, and `len()` must never
//! be observed above `capacity()`.
//!
//! Aim for O(1) `get` and `put`. Take every synchronisation primitive from
//! `kata_sync`.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check lru-cache`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]
// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::hash::Hash;
use std::marker::PhantomData;

/// A least-recently-used cache that is safe to share between threads.
pub struct LruCache<K, V> {
    // TODO: replace this marker with the cache's state and its protection.
    _entries: PhantomData<(K, V)>,
}

impl<K: Eq + Hash + Clone, V: Clone> LruCache<K, V> {
    /// Creates an empty cache holding at most `capacity` entries.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that contains the word
    /// "capacity" and the value 0 (e.g. "capacity must be at least 1, got 0").
    pub fn new(capacity: usize) -> Self {
        // TODO: reject a capacity of 0, then build the empty cache.
        todo!()
    }

    /// The value for `key`, if present; a hit makes `key` the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        // TODO
        todo!()
    }

    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        // TODO
        todo!()
    }

    /// The number of entries now.
    pub fn len(&self) -> usize {
        // TODO
        todo!()
    }

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        // TODO
        todo!()
    }
}
