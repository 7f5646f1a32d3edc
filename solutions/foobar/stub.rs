//! # Print FooBar alternately (LeetCode 1115)
//!
//! One `FooBar` is shared by two threads. One thread calls `foo`, the other
//! calls `bar`, and either may start first. `foo` runs its callback
//! `print_foo` n times, and `bar` runs `print_bar` n times. Make the two take
//! turns, starting with foo, so that the output is "foobar" n times:
//!
//! ```text
//! foo bar foo bar ... foo bar
//! ```
//!
//! Each callback must have finished before the other thread's next callback
//! starts, and everything it did must be visible to that callback: the
//! suite's callbacks write to shared state that has no lock of its own, and
//! ordering them is your job.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, ...). Do not sleep to wait for another thread
//! (the facade stage refuses it). Busy-waiting is allowed and checked like
//! any other wait; the verdict says what it cost.
//!
//! What you may change: anything in this file except the public API below
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check foobar`.
//! Stuck? `cargo xtask hint foobar`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

/// Makes two threads take turns: foo, bar, foo, bar, ..., n times each.
///
/// `FooBar` is shared by reference between the two threads, so it must be
/// `Send + Sync`.
///
/// # Contract
///
/// `foo` is called exactly once, from one thread, and `bar` exactly once,
/// from another; they may start in either order. Calling either method a
/// second time on the same `FooBar` (from two threads at once, or again
/// after it returned) is outside the contract: there are no turns left for
/// the extra call, which may block forever. The suite never does it.
pub struct FooBar {
    // TODO: add the state the two methods share.
}

impl FooBar {
    /// Creates a `FooBar` for `n` rounds of "foobar". `n` may be 0: then
    /// neither callback runs and both methods return at once.
    pub fn new(n: usize) -> Self {
        // TODO: build the initial state: foo goes first.
        todo!()
    }

    /// Calls `print_foo` n times, each time waiting until `print_bar` has
    /// run since the previous `print_foo` (the first time, it does not wait).
    /// Returns after the n-th call.
    pub fn foo(&self, print_foo: impl FnMut()) {
        // TODO: n times: wait for foo's turn, print, hand the turn to bar.
        todo!()
    }

    /// Calls `print_bar` n times, each time waiting until `print_foo` has
    /// run since the previous `print_bar`. Returns after the n-th call.
    pub fn bar(&self, print_bar: impl FnMut()) {
        // TODO: n times: wait for bar's turn, print, hand the turn to foo.
        todo!()
    }
}
