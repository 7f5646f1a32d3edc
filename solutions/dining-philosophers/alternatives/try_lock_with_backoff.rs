//! alternative: try-lock-with-backoff
//! why: take the left fork, try the right one, and if it is taken put the left one back, yield, and start again. A philosopher that cannot get its second fork gives up its first, which breaks the no-preemption condition of deadlock; the pick callbacks run only once both forks are held. Livelock (all five in lockstep, forever) is possible in principle and made unlikely by the yield.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::Mutex;

const SEATS: usize = 5;

pub struct DiningPhilosophers {
    forks: [Mutex<()>; SEATS],
}

impl DiningPhilosophers {
    pub fn new() -> Self {
        Self {
            forks: std::array::from_fn(|_| Mutex::new(())),
        }
    }

    // ANCHOR: take
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
        let (left_fork, right_fork) = loop {
            let left_fork = self.forks[left].lock();
            if let Some(right_fork) = self.forks[right].try_lock() {
                break (left_fork, right_fork);
            }
            // Put the left fork back, so that the neighbour can finish, and retry.
            drop(left_fork);
            kata_sync::thread::yield_now();
        };
        pick_left_fork();
        pick_right_fork();
        eat();
        put_left_fork();
        drop(left_fork);
        put_right_fork();
        drop(right_fork);
    }
    // ANCHOR_END: take
}
