//! mutant: ordered-by-timed-delay
//! stage: functional
//! bug: `second` and `third` wait out a fixed delay by yielding a fixed number of times (a sleep the facade cannot see, and no clock is allowed) instead of waiting for the earlier callback: a late start or a slow callback breaks the order.
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

use kata_sync::{Condvar, Mutex};

// ANCHOR: state
/// Runs three callbacks, handed in from three threads, in the order first,
/// second, third.
pub struct Foo {
    /// How many callbacks have finished: 0 at first, 1 once `print_first`
    /// has returned, 2 once `print_second` has. Nothing waits for 3, so
    /// `third` never writes it.
    done: Mutex<u8>,
    /// Notified every time `done` moves on. `second` waits on it for 1 and
    /// `third` for 2: two different conditions share it, which is why the
    /// notify is `notify_all` (see `finish`).
    advanced: Condvar,
}
// ANCHOR_END: state

impl Foo {
    /// Creates a `Foo` on which nothing has run yet.
    pub fn new() -> Self {
        Self {
            done: Mutex::new(0),
            advanced: Condvar::new(),
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
    fn wait_until_done(&self, stage: u8) {
        // BUG: a guess at how long the earlier callbacks take, not a wait.
        for _ in 0..2_000 * u32::from(stage) {
            kata_sync::thread::yield_now();
        }
    }

    /// Records that `stage` callbacks have finished, and wakes the waiters.
    fn finish(&self, stage: u8) {
        *self.done.lock() = stage;
        // `notify_all`, not `notify_one`: if `second` and `third` are both
        // asleep when `first` finishes, `notify_one` may wake only `third`,
        // which goes back to sleep, and `second` is never woken.
        self.advanced.notify_all();
    }
    // ANCHOR_END: helpers
}
