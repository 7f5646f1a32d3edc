//! # Fizz buzz, multithreaded (LeetCode 1195)
//!
//! One `FizzBuzz` is shared by four threads, each calling one method once,
//! in any order: `fizz`, `buzz`, `fizzbuzz` and `number`. Together they must
//! say the numbers 1..=n in order, each exactly once, where a number is said
//! by
//!
//! - `fizzbuzz` (calling `print_fizzbuzz()`) if it is a multiple of 15;
//! - `fizz` (calling `print_fizz()`) if it is a multiple of 3 but not of 5;
//! - `buzz` (calling `print_buzz()`) if it is a multiple of 5 but not of 3;
//! - `number` (calling `print_number(i)`) otherwise.
//!
//! For n = 15 the output is:
//!
//! ```text
//! 1 2 fizz 4 buzz fizz 7 8 fizz buzz 11 fizz 13 14 fizzbuzz
//! ```
//!
//! Each callback must have finished before the next one starts, and
//! everything it did must be visible to the next: the suite's callbacks write
//! to shared state that has no lock of its own, and ordering them is your
//! job.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, ...). Do not busy-wait without yielding,
//! and do not sleep to wait for another thread.
//!
//! What you may change: anything in this file except the public API below
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check fizz-buzz`.
//! Stuck? `cargo xtask hint fizz-buzz`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

/// Makes four threads say 1..=n between them, fizz-buzz style.
///
/// `FizzBuzz` is shared by reference between the four threads, so it must
/// be `Send + Sync`.
///
/// # Contract
///
/// Each of the four methods is called exactly once, each from its own
/// thread, in any order. Calling a method a second time on the same
/// `FizzBuzz` is outside the contract (there is nothing left for it to say,
/// and it may block forever); the suite never does it.
pub struct FizzBuzz {
    // TODO: add the state the four methods share.
}

impl FizzBuzz {
    /// Creates a `FizzBuzz` that says 1..=n. `n` may be 0: then no callback
    /// runs and all four methods return at once.
    pub fn new(n: usize) -> Self {
        // TODO: build the initial state: 1 is said first.
        todo!()
    }

    /// Calls `print_fizz()` for each multiple of 3 (but not of 5) in 1..=n,
    /// each time once every number before it has been said. Returns after
    /// the last one (at once if there is none).
    pub fn fizz(&self, print_fizz: impl FnMut()) {
        // TODO: for each such number: wait for its turn, print, hand over.
        todo!()
    }

    /// Calls `print_buzz()` for each multiple of 5 (but not of 3) in 1..=n,
    /// each time once every number before it has been said. Returns after
    /// the last one (at once if there is none).
    pub fn buzz(&self, print_buzz: impl FnMut()) {
        // TODO: for each such number: wait for its turn, print, hand over.
        todo!()
    }

    /// Calls `print_fizzbuzz()` for each multiple of 15 in 1..=n, each time
    /// once every number before it has been said. Returns after the last
    /// one (at once if there is none).
    pub fn fizzbuzz(&self, print_fizzbuzz: impl FnMut()) {
        // TODO: for each such number: wait for its turn, print, hand over.
        todo!()
    }

    /// Calls `print_number(i)` for each i in 1..=n that is a multiple of
    /// neither 3 nor 5, each time once every number before it has been said.
    /// Returns after the last one (at once if n = 0).
    pub fn number(&self, print_number: impl FnMut(usize)) {
        // TODO: for each such i: wait for its turn, print i, hand over.
        todo!()
    }
}
