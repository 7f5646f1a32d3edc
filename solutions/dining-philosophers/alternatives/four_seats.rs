//! alternative: four-seats
//! why: a waiter lets at most four philosophers sit at the table at once (a semaphore with four permits), and each seated philosopher takes its left fork, then its right, each a mutex. With five forks and at most four philosophers, one of them always gets both forks, so the wait-for cycle cannot close; every philosopher takes its forks in the same order, and still there is no deadlock.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Mutex, Semaphore};

const SEATS: usize = 5;

pub struct DiningPhilosophers {
    forks: [Mutex<()>; SEATS],
    /// Seats at the table: one fewer than the philosophers.
    seats: Semaphore,
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        Self {
            forks: std::array::from_fn(|_| Mutex::new(())),
            seats: Semaphore::new(SEATS - 1),
        }
    }

    // ANCHOR: seat
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
            "philosopher {philosopher} does not exist: there are {SEATS}, numbered 0 to {}",
            SEATS - 1
        );
        self.seats.acquire();
        let left = self.forks[philosopher].lock();
        pick_left_fork();
        let right = self.forks[(philosopher + 1) % SEATS].lock();
        pick_right_fork();
        eat();
        put_left_fork();
        drop(left);
        put_right_fork();
        drop(right);
        self.seats.release();
    }
    // ANCHOR_END: seat
}
