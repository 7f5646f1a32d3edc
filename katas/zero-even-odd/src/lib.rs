//! # Print zero, even, odd (LeetCode 1116)
//!
//! One `ZeroEvenOdd` is shared by three threads. One thread calls `zero`,
//! another `even`, and the third `odd`, each exactly once, and they may start
//! in any order. Each method is given a callback, `print_number`. Together
//! the three must print, for a given n:
//!
//! ```text
//! 0 1 0 2 0 3 ... 0 n
//! ```
//!
//! `zero` prints every 0 (n of them), `odd` the odd numbers of 1..=n and
//! `even` the even ones, each through its own callback. For n = 5 that is
//! `0 1 0 2 0 3 0 4 0 5`: zero prints five times, odd three times (1, 3, 5)
//! and even twice (2, 4).
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
//! Check your answer with `cargo xtask check zero-even-odd`.
//! Stuck? `cargo xtask hint zero-even-odd`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

/// Makes three threads print `0 1 0 2 0 3 ... 0 n` between them.
///
/// `ZeroEvenOdd` is shared by reference between the three threads, so it
/// must be `Send + Sync`.
///
/// # Contract
///
/// `zero`, `even` and `odd` are each called exactly once, each from its own
/// thread, in any order. Calling a method a second time on the same
/// `ZeroEvenOdd` is outside the contract (there is nothing left for it to
/// print, and it may block forever); the suite never does it.
pub struct ZeroEvenOdd {
    // TODO: add the state the three methods share.
}

impl ZeroEvenOdd {
    /// Creates a `ZeroEvenOdd` that prints `0 1 0 2 ... 0 n`. `n` may be 0:
    /// then no callback runs and all three methods return at once.
    pub fn new(n: usize) -> Self {
        // TODO: build the initial state: zero prints first.
        todo!()
    }

    /// Calls `print_number(0)` n times, each time when a 0 is due: first,
    /// and after every number. Returns after the n-th call.
    pub fn zero(&self, print_number: impl FnMut(usize)) {
        // TODO: n times: wait until a 0 is due, print it, hand over to the
        // thread that prints the next number.
        todo!()
    }

    /// Calls `print_number(i)` for each even i in 1..=n, in increasing
    /// order, each time once the 0 before it has been printed. Returns after
    /// the last one (at once if n < 2).
    pub fn even(&self, print_number: impl FnMut(usize)) {
        // TODO: for each even i: wait for its turn, print i, hand over to zero.
        todo!()
    }

    /// Calls `print_number(i)` for each odd i in 1..=n, in increasing order,
    /// each time once the 0 before it has been printed. Returns after the
    /// last one (at once if n = 0).
    pub fn odd(&self, print_number: impl FnMut(usize)) {
        // TODO: for each odd i: wait for its turn, print i, hand over to zero.
        todo!()
    }
}
