//! # Idempotency store: each key's work runs once, however many callers race
//!
//! A payment request retried on a flaky network must charge once, however
//! many copies of it arrive at the same moment. The store runs each key's
//! work at most once and hands its result to every caller with that key:
//!
//! - `execute(key, f)`: if no run of `key` has finished or is under way,
//!   this caller runs `f` and stores its result. A caller that arrives while
//!   `f` runs waits for it and gets a clone of its result; a caller that
//!   arrives later gets the stored result at once, without running its `f`.
//! - Keys are independent. While one key's `f` runs (and `f` may be slow, or
//!   block), `execute` on any other key, old or new, must not wait for it.
//! - If `f` panics, the panic reaches the caller that ran it, nothing is
//!   stored, and the key is free again: one of the callers waiting for it
//!   (or, if none is, the next caller) runs its own `f`. No caller may be
//!   left waiting forever.
//!
//! Many threads share one store by reference. Take every synchronisation
//! primitive from `kata_sync`.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check idempotency-store`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]
// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::hash::Hash;
use std::marker::PhantomData;

/// Runs each key's work once and remembers its result.
pub struct IdempotencyStore<K, V> {
    // TODO: replace this marker with the store's state and its locks.
    _entries: PhantomData<(K, V)>,
}

impl<K: Eq + Hash + Clone, V: Clone> IdempotencyStore<K, V> {
    /// Creates an empty store.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// Runs `f` at most once per key over the store's life, and returns its
    /// result to every caller with that key: those that arrive while it runs
    /// wait for it, and later ones get the stored result at once. Callers
    /// with other keys never wait for it. If `f` panics, the panic reaches
    /// its own caller, nothing is stored, and the key is free again: one
    /// waiting (or later) caller runs its own `f`.
    pub fn execute(&self, key: K, f: impl FnOnce() -> V) -> V {
        // TODO
        todo!()
    }
}
