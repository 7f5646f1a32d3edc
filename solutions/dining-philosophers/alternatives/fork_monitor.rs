//! alternative: fork-monitor
//! why: one mutex over the five forks' states and one condvar: a philosopher waits until both of its forks are free and takes both in the same critical section, so it never holds one fork while waiting for the other (no hold-and-wait, hence no deadlock). Putting forks down frees them under the lock and wakes every waiter, each of which checks its own two forks again.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

const SEATS: usize = 5;

pub struct DiningPhilosophers {
    /// `in_use[f]`: fork `f` is held by some call.
    in_use: Mutex<[bool; SEATS]>,
    /// Notified (all) whenever forks go back on the table.
    put_down: Condvar,
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        Self {
            in_use: Mutex::new([false; SEATS]),
            put_down: Condvar::new(),
        }
    }

    // ANCHOR: both
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
        let (left, right) = (philosopher, (philosopher + 1) % SEATS);
        {
            let mut in_use = self.in_use.lock();
            while in_use[left] || in_use[right] {
                self.put_down.wait(&mut in_use);
            }
            in_use[left] = true;
            in_use[right] = true;
        }
        // Both forks are ours until we clear them below; the callbacks run
        // without the lock, so other philosophers go on meanwhile.
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        put_right_fork();
        {
            let mut in_use = self.in_use.lock();
            in_use[left] = false;
            in_use[right] = false;
        }
        self.put_down.notify_all();
    }
    // ANCHOR_END: both
}
