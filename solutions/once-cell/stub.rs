//! # Build a once cell (double-checked locking)
//!
//! A `OnceCell<T>` starts empty and is filled at most once, by the first
//! call to `get_or_init` that gets to run its `init`. It is shared between
//! threads, and any number of them may call `get_or_init` at the same time:
//!
//! - `init` runs at most once over the cell's life, however the calls race;
//!   the callers that lose the race wait for the winner's value and return
//!   it (the same `&T`);
//! - everything `init` wrote before returning is visible to every caller
//!   that gets the value, from `get_or_init` or from `get`;
//! - if `init` panics, the panic goes on to its caller, the cell stays
//!   empty, and a later call may try again (with its own `init`);
//! - once the cell is full, `get_or_init` and `get` must be cheap: no lock,
//!   no waiting, one atomic load.
//!
//! This is the interview question "implement double-checked locking
//! correctly": check without the lock, and only if the cell looks empty,
//! make sure that one thread runs `init` while the others wait.
//!
//! Rules:
//! - Keep the value in a [`kata_sync::cell::UnsafeCell`] and take every
//!   other primitive from `kata_sync` (its atomics, and its `Mutex` if you
//!   want one: this kata allows it).
//! - `unsafe` is allowed, and needed: write a `// SAFETY:` comment on each
//!   `unsafe` block saying why it is sound. `OnceCell<T>` must be
//!   `Send + Sync` whenever `T: Send + Sync`.
//! - No waiting caller may spin without yielding: every turn of a loop that
//!   waits for another thread must call `kata_sync::hint::spin_loop()` or
//!   `kata_sync::thread::yield_now()` (or block in a `kata_sync` primitive).
//!   The functional stage checks that a waiting caller does (a bare loop
//!   burns a core for as long as `init` runs).
//! - Do not sleep to wait for another thread.
//!
//! What you may change: anything in this file except the public API below
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers, trait impls and imports as you
//! like; only `std` and `kata_sync` are available, and this file is all that
//! `check` compiles. The suite itself lives outside `katas/`, so no edit
//! here can change what it tests.
//!
//! Check your answer with `cargo xtask check once-cell`.
//! Stuck? `cargo xtask hint once-cell`.

// The stub's parameters and placeholders go unused until you fill it in.
#![allow(unused_variables, dead_code, clippy::new_without_default)]

use std::marker::PhantomData;

/// A cell written at most once, by whichever thread first asks for its
/// value.
pub struct OnceCell<T> {
    // TODO: the cell's state and the value. (The placeholder only keeps the
    // stub compiling; replace it.)
    placeholder: PhantomData<T>,
}

impl<T> OnceCell<T> {
    /// Creates an empty cell.
    pub fn new() -> Self {
        // TODO
        todo!()
    }

    /// The value, if the cell has been filled; `None` while it is empty
    /// (also while an `init` is still running).
    pub fn get(&self) -> Option<&T> {
        // TODO
        todo!()
    }

    /// The value, running `init` to fill the cell if it is empty.
    ///
    /// Runs `init` at most once over the cell's life, even when many threads
    /// race; the losers wait for the winner's value. If `init` panics, the
    /// cell stays empty and a later call may try again.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        // TODO
        todo!()
    }
}
