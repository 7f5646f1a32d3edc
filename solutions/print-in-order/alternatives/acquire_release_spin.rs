//! alternative: acquire-release-spin
//! why: one atomic step counter, stored with Release after each callback and spun on with Acquire (yielding the processor each time round), so each callback's writes are visible to the next; no lock at all. Correct, and it costs CPU while it waits.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::atomic::{AtomicU8, Ordering};

pub struct Foo {
    /// How many of the callbacks have returned: 0, 1 or 2.
    done: AtomicU8,
}

impl Foo {
    pub fn new() -> Self {
        Self {
            done: AtomicU8::new(0),
        }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        // Release: publishes print_first's writes to second's Acquire load.
        self.done.store(1, Ordering::Release);
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.wait_until_done(1);
        print_second();
        self.done.store(2, Ordering::Release);
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.wait_until_done(2);
        print_third();
    }

    fn wait_until_done(&self, step: u8) {
        // Acquire: pairs with the Release store of the step before.
        while self.done.load(Ordering::Acquire) < step {
            kata_sync::thread::yield_now();
        }
    }
}
