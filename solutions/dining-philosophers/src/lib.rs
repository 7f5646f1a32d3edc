//! # The dining philosophers: reference solution
//!
//! One `Mutex` per fork, and a rule for the order in which they are taken:
//! every philosopher takes the lower-numbered of its two forks first.
//!
//! A deadlock needs a cycle of waiting: with everyone taking the left fork
//! first, all five can hold one fork and wait for their neighbour's. With a
//! global order on the forks, no cycle can form: a philosopher only ever
//! waits for a fork numbered higher than the one it holds, so along a chain
//! of "waits for a fork held by" the fork numbers only go up, and the chain
//! can never come back round to where it started. Philosophers 0 to 3 take
//! their left fork first; philosopher 4, whose right fork is fork 0, takes
//! the right one first, and that one reversal breaks the cycle.
//!
//! The fork locks are also what orders the callbacks: a fork's pick and put
//! callbacks run while its lock is held, so its unlock by one philosopher
//! and its lock by the next is the happens-before edge that makes
//! everything the first did with the fork visible to the second. Two calls
//! for the same philosopher need the same two locks, so they take turns like
//! any two neighbours.
//!
//! Other ways out, which the book's chapter compares: a waiter (a
//! `Semaphore` with four permits, so at most four philosophers reach for
//! forks at once), or one `Mutex` over all the forks with a `Condvar`, taking
//! both forks at once or neither.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::Mutex;

/// The number of philosophers, and of forks.
const SEATS: usize = 5;

// ANCHOR: state
/// The table: five philosophers, five forks, and what makes them share.
pub struct DiningPhilosophers {
    /// One lock per fork; it guards no data, since the fork is the lock.
    /// Fork `p` is philosopher `p`'s left fork and philosopher `p - 1`'s
    /// right one (philosopher 4's, for fork 0).
    forks: [Mutex<()>; SEATS],
}
// ANCHOR_END: state

impl DiningPhilosophers {
    /// Creates a table with all five forks on it.
    pub fn new() -> Self {
        Self {
            forks: std::array::from_fn(|_| Mutex::new(())),
        }
    }

    // ANCHOR: wants_to_eat
    /// Philosopher `philosopher` eats once: picks up its two forks, eats, and
    /// puts them down. Blocks until it can eat.
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
        assert!(
            philosopher < SEATS,
            "there are {SEATS} philosophers, numbered 0 to {}; got philosopher {philosopher}",
            SEATS - 1
        );
        let (left, right) = (philosopher, (philosopher + 1) % SEATS);
        // The lower-numbered fork first (see the module docs). Each pick
        // callback runs as soon as its fork's lock is held.
        let (left_fork, right_fork) = if left < right {
            let left_fork = self.forks[left].lock();
            pick_left_fork();
            let right_fork = self.forks[right].lock();
            pick_right_fork();
            (left_fork, right_fork)
        } else {
            let right_fork = self.forks[right].lock();
            pick_right_fork();
            let left_fork = self.forks[left].lock();
            pick_left_fork();
            (left_fork, right_fork)
        };
        eat();
        // Each put callback runs before its fork's lock is let go: once it
        // is, a neighbour may pick the fork up.
        put_left_fork();
        drop(left_fork);
        put_right_fork();
        drop(right_fork);
    }
    // ANCHOR_END: wants_to_eat
}
