//! alternative: condvar-per-step
//! why: one mutex-guarded step counter and a condition variable per step, each with exactly one thread that ever waits on it, so `notify_one` cannot wake the wrong thread; the waits are `while` loops, so a spurious wakeup just waits again.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

pub struct Foo {
    /// How many of the callbacks have returned: 0, 1 or 2.
    done: Mutex<u8>,
    /// Only `second` waits here, for `done >= 1`.
    first_done: Condvar,
    /// Only `third` waits here, for `done >= 2`.
    second_done: Condvar,
}

impl Foo {
    pub fn new() -> Self {
        Self {
            done: Mutex::new(0),
            first_done: Condvar::new(),
            second_done: Condvar::new(),
        }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        *self.done.lock() = 1;
        self.first_done.notify_one();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        let mut done = self.done.lock();
        while *done < 1 {
            self.first_done.wait(&mut done);
        }
        // The callback runs without the lock: code we did not write should
        // never run under our lock.
        drop(done);
        print_second();
        *self.done.lock() = 2;
        self.second_done.notify_one();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        let mut done = self.done.lock();
        while *done < 2 {
            self.second_done.wait(&mut done);
        }
        drop(done);
        print_third();
    }
}
