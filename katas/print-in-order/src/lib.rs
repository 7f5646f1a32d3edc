//! # Print in order (LeetCode 1114)
//!
//! One `Foo` is shared by three threads. One thread calls `first`, another
//! `second`, another `third`, each exactly once, and the threads may start in
//! any of the six possible orders. Each method is given a callback that
//! prints its word. Make the callbacks run in the order first, second, third,
//! whatever order the threads arrive in:
//!
//! - `first` runs `print_first` straight away;
//! - `second` runs `print_second` only after `print_first` has finished;
//! - `third` runs `print_third` only after `print_second` has finished.
//!
//! "After" means that everything the earlier callback did is visible to the
//! later one: the suite's callbacks write to shared state that has no lock of
//! its own, and ordering them is your job.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, ...). Do not sleep to wait for another thread
//! (the facade stage refuses it). Busy-waiting is allowed and checked like
//! any other wait.
//!
//! What you may change: anything in this file except the public API below
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check print-in-order`.
//! Stuck? `cargo xtask hint print-in-order`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]
// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

/// Runs three callbacks, handed in from three threads, in the order first,
/// second, third.
///
/// `Foo` is shared by reference between the threads, so it must be
/// `Send + Sync`.
pub struct Foo {
    // TODO: add the state the three methods share.
}

impl Foo {
    /// Creates a `Foo` on which nothing has run yet.
    pub fn new() -> Self {
        // TODO: build the initial state.
        todo!()
    }

    /// Runs `print_first`. Never waits for the other methods.
    ///
    /// Called exactly once per `Foo`, from its own thread. Calling it twice is
    /// outside the contract: the suite never does.
    pub fn first(&self, print_first: impl FnOnce()) {
        // TODO: run the callback, then let `second` know it may go.
        todo!()
    }

    /// Runs `print_second` once `print_first` has finished, blocking the
    /// calling thread until then.
    ///
    /// Called exactly once per `Foo`, from its own thread.
    pub fn second(&self, print_second: impl FnOnce()) {
        // TODO: wait for `first`, run the callback, then let `third` know.
        todo!()
    }

    /// Runs `print_third` once `print_second` has finished, blocking the
    /// calling thread until then.
    ///
    /// Called exactly once per `Foo`, from its own thread.
    pub fn third(&self, print_third: impl FnOnce()) {
        // TODO: wait for `second`, then run the callback.
        todo!()
    }
}
