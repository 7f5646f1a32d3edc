//! # The dining philosophers (LeetCode 1226)
//!
//! Five philosophers, numbered 0 to 4, sit at a round table with a fork
//! between each pair of neighbours: five forks, also numbered 0 to 4.
//! Philosopher `p`'s left fork is fork `p` and its right fork is fork
//! `(p + 1) % 5`, so each fork is shared by two neighbours. A philosopher
//! eats only with both of its forks in hand.
//!
//! ```text
//!             fork 0
//!     phil 0          phil 4
//!  fork 1                  fork 4
//!     phil 1          phil 3
//!       fork 2    fork 3
//!             phil 2
//! ```
//!
//! Each philosopher is a thread that calls `wants_to_eat` whenever it is
//! hungry, with five callbacks. Make every call:
//!
//! - pick up both of the philosopher's forks (calling `pick_left_fork` and
//!   `pick_right_fork`, in either order), then call `eat`, then put both
//!   forks down (calling `put_left_fork` and `put_right_fork`, in either
//!   order): pick, pick, eat, put, put;
//! - never pick up a fork that another call still holds: a fork is held from
//!   its pick callback until its put callback;
//! - return, whatever the other philosophers do: no call may wait forever.
//!
//! "Still holds" is about what the callbacks did: the suite's callbacks write
//! to shared state that has no lock of its own, so everything one call did
//! with a fork must be visible to the next call that picks it up, and
//! ordering them is your job.
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
//! Check your answer with `cargo xtask check dining-philosophers`.
//! Stuck? `cargo xtask hint dining-philosophers`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]
// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

/// The table: five philosophers, five forks, and what makes them share.
///
/// `DiningPhilosophers` is shared by reference between the philosophers'
/// threads, so it must be `Send + Sync`.
///
/// # Contract
///
/// Any number of threads may call `wants_to_eat`, for any philosophers, at
/// any time, as often as they like. That includes the same philosopher from
/// two threads at once: `wants_to_eat` may be called for a philosopher again
/// before an earlier call for it has returned, and then the two calls need
/// the same two forks, so one must wait for the other.
pub struct DiningPhilosophers {
    // TODO: add the state the philosophers share.
}

impl DiningPhilosophers {
    /// Creates a table with all five forks on it.
    pub fn new() -> Self {
        // TODO: build the initial state.
        todo!()
    }

    /// Philosopher `philosopher` eats once: picks up its two forks, eats, and
    /// puts them down, calling the callbacks as it goes (see the crate
    /// docs). Blocks until it can eat, and returns once both forks are down.
    ///
    /// # Panics
    ///
    /// Panics if `philosopher` is 5 or more, before calling any callback,
    /// with a message that contains the word "philosopher" and the value
    /// (e.g. "no philosopher 7 at this table").
    pub fn wants_to_eat(
        &self,
        philosopher: usize,
        pick_left_fork: impl FnOnce(),
        pick_right_fork: impl FnOnce(),
        eat: impl FnOnce(),
        put_left_fork: impl FnOnce(),
        put_right_fork: impl FnOnce(),
    ) {
        // TODO: reject an id of 5 or more, naming it.
        // TODO: take both forks, in a way that cannot leave every
        // philosopher waiting for a neighbour; eat; put them down.
        todo!()
    }
}
