//! mutant: hands-over-before-printing
//! stage: model
//! bug: `first` and `second` mark their stage done and wake the next thread *before* running their callback, so the next callback can start while this one still runs, and nothing orders its writes after this one's.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

/// Runs three callbacks, handed in from three threads, in the order first,
/// second, third.
pub struct Foo {
    /// How many of the stages have been handed over: 0, 1 or 2.
    done: Mutex<u8>,
    advanced: Condvar,
}

impl Foo {
    /// Creates a `Foo` on which nothing has run yet.
    pub fn new() -> Self {
        Self {
            done: Mutex::new(0),
            advanced: Condvar::new(),
        }
    }

    /// Runs `print_first`. Never waits for the other methods.
    pub fn first(&self, print_first: impl FnOnce()) {
        // "Let second get ready while we print."
        self.finish(1);
        print_first();
    }

    /// Runs `print_second` once `print_first` has run.
    pub fn second(&self, print_second: impl FnOnce()) {
        self.wait_until_done(1);
        self.finish(2);
        print_second();
    }

    /// Runs `print_third` once `print_second` has run.
    pub fn third(&self, print_third: impl FnOnce()) {
        self.wait_until_done(2);
        print_third();
    }

    fn wait_until_done(&self, stage: u8) {
        let mut done = self.done.lock();
        while *done < stage {
            self.advanced.wait(&mut done);
        }
    }

    fn finish(&self, stage: u8) {
        *self.done.lock() = stage;
        self.advanced.notify_all();
    }
}
