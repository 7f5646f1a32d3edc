//! mutant: relaxed-flag-with-spin
//! stage: model
//! bug: the turn is an atomic counter stored and loaded with `Ordering::Relaxed`, and the waiters spin on it. The threads do go in turn (on x86 it even looks right), but a Relaxed store publishes nothing, so what `print_first` wrote need not be visible to `print_second`: a data race.
//!
//! # Print in order: reference solution
//!
//! One counter of finished callbacks behind a `Mutex`, and one `Condvar` that
//! the waiters sleep on until the counter reaches their turn. The mutex does
//! two jobs: it makes the counter safe to share, and its unlock in one thread
//! followed by its lock in the next is the happens-before edge that makes
//! everything `print_first` wrote visible to `print_second`.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::atomic::{AtomicUsize, Ordering};

// ANCHOR: state
/// Runs three callbacks, handed in from three threads, in the order first,
/// second, third.
pub struct Foo {
    /// How many callbacks have finished: 0 at first, 1 once `print_first`
    /// has returned, 2 once `print_second` has. Nothing waits for 3, so
    /// `third` never writes it.
    done: AtomicUsize,
}
// ANCHOR_END: state

impl Foo {
    /// Creates a `Foo` on which nothing has run yet.
    pub fn new() -> Self {
        Self {
            done: AtomicUsize::new(0),
        }
    }

    // ANCHOR: methods
    /// Runs `print_first`. Never waits for the other methods.
    pub fn first(&self, print_first: impl FnOnce()) {
        print_first();
        self.finish(1);
    }

    /// Runs `print_second` once `print_first` has finished.
    pub fn second(&self, print_second: impl FnOnce()) {
        self.wait_until_done(1);
        print_second();
        self.finish(2);
    }

    /// Runs `print_third` once `print_second` has finished.
    pub fn third(&self, print_third: impl FnOnce()) {
        self.wait_until_done(2);
        print_third();
    }
    // ANCHOR_END: methods

    // ANCHOR: helpers
    /// Blocks until `stage` callbacks have finished.
    ///
    /// The callback runs after this returns, outside the lock: only one
    /// thread can ever be at a given stage, so there is nothing left to
    /// exclude, and holding a lock across code we did not write is how
    /// deadlocks start. The ordering is already established here: the lock
    /// we just took was last released by `finish`, after the previous
    /// callback returned.
    fn wait_until_done(&self, stage: usize) {
        // BUG: Relaxed pairs with nothing; it says the turn has come but
        // carries no happens-before edge from the previous callback.
        while self.done.load(Ordering::Relaxed) < stage {
            kata_sync::hint::spin_loop();
        }
    }

    /// Records that `stage` callbacks have finished, and wakes the waiters.
    fn finish(&self, stage: usize) {
        // BUG: should be Release, to pair with an Acquire load.
        self.done.store(stage, Ordering::Relaxed);
    }
    // ANCHOR_END: helpers
}
