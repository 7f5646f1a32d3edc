//! alternative: two-semaphores
//! why: two semaphores that start with no permits: `first` releases one that `second` acquires, and `second` one that `third` acquires. A permit is never lost, whichever thread arrives first, and the semaphore's lock orders each callback before the next.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::Semaphore;

// ANCHOR: foo
pub struct Foo {
    /// One permit once `print_first` has returned.
    first_done: Semaphore,
    /// One permit once `print_second` has returned.
    second_done: Semaphore,
}

impl Foo {
    pub fn new() -> Self {
        Self {
            first_done: Semaphore::new(0),
            second_done: Semaphore::new(0),
        }
    }

    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.first_done.release();
    }

    pub fn second(&self, print_second: impl FnOnce()) {
        self.first_done.acquire();
        print_second();
        self.second_done.release();
    }

    pub fn third(&self, print_third: impl FnOnce()) {
        self.second_done.acquire();
        print_third();
    }
}
// ANCHOR_END: foo
