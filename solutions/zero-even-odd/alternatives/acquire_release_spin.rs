//! alternative: acquire-release-spin
//! why: an atomic count of printed numbers, stored with Release and loaded with Acquire, and a spin with `yield_now` instead of a mutex and condition variables: no thread ever sleeps, so a hand-over is one store and one load, at the price of the waiting threads burning a core (two of them at once, while a callback runs).
//!
//! # Zero, even, odd: an atomic turn counter with Acquire and Release
//!
//! The `Relaxed` mutant, repaired: the store that moves the count on is a
//! Release, and the load that sees it an Acquire, so each callback
//! happens-before the next.

use kata_sync::atomic::{AtomicUsize, Ordering};

/// Makes three threads print `0 1 0 2 0 3 ... 0 n` between them.
pub struct ZeroEvenOdd {
    n: usize,
    /// How many callbacks have run, from 0 to 2n.
    printed: AtomicUsize,
}

impl ZeroEvenOdd {
    /// Creates a `ZeroEvenOdd` that prints `0 1 0 2 ... 0 n`.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            printed: AtomicUsize::new(0),
        }
    }

    /// Prints the n zeros: callbacks 0, 2, 4, ...
    pub fn zero(&self, mut print_number: impl FnMut(usize)) {
        for i in 1..=self.n {
            self.take_turn(2 * i - 2, || print_number(0));
        }
    }

    /// Prints 2, 4, ...: the number i is callback 2i - 1.
    pub fn even(&self, mut print_number: impl FnMut(usize)) {
        for i in (2..=self.n).step_by(2) {
            self.take_turn(2 * i - 1, || print_number(i));
        }
    }

    /// Prints 1, 3, ...: the number i is callback 2i - 1.
    pub fn odd(&self, mut print_number: impl FnMut(usize)) {
        for i in (1..=self.n).step_by(2) {
            self.take_turn(2 * i - 1, || print_number(i));
        }
    }

    // ANCHOR: take_turn
    /// Spins until callback number `position` is due, runs it, and moves
    /// the count on.
    fn take_turn(&self, position: usize, print: impl FnOnce()) {
        // Acquire: pairs with the Release store below, made by the thread
        // that ran the previous callback, so that callback happens before
        // this one.
        while self.printed.load(Ordering::Acquire) != position {
            kata_sync::thread::yield_now();
        }
        print();
        // Release: publishes this callback to the Acquire load of the
        // thread that runs the next one.
        self.printed.store(position + 1, Ordering::Release);
    }
    // ANCHOR_END: take_turn
}
