//! mutant: id-truncated-to-a-byte
//! stage: functional
//! bug: the philosopher's id is cut to a `u8` before it is checked, so `wants_to_eat(256)` is taken for philosopher 0 and eats instead of panicking.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::Mutex;

/// The number of philosophers, and of forks.
const SEATS: usize = 5;
/// The table: five philosophers, five forks, and what makes them share.
pub struct DiningPhilosophers {
    /// One lock per fork; it guards no data, since the fork is the lock.
    /// Fork `p` is philosopher `p`'s left fork and philosopher `p - 1`'s
    /// right one (philosopher 4's, for fork 0).
    forks: [Mutex<()>; SEATS],
}

impl DiningPhilosophers {
    /// Creates a table with all five forks on it.
    pub fn new() -> Self {
        Self {
            forks: std::array::from_fn(|_| Mutex::new(())),
        }
    }
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
        // "Seats fit in a byte."
        let seat = philosopher as u8;
        assert!(
            usize::from(seat) < SEATS,
            "there are {SEATS} philosophers, numbered 0 to {}; got philosopher {philosopher}",
            SEATS - 1
        );
        let (left, right) = (usize::from(seat), (usize::from(seat) + 1) % SEATS);
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
}
