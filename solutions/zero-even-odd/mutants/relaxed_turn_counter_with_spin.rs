//! mutant: relaxed-turn-counter-with-spin
//! stage: model
//! bug: the count of printed numbers is an atomic stored and loaded with `Ordering::Relaxed`, and each method spins on it (yielding). The threads do take turns (on x86 it even looks right), but a Relaxed store publishes nothing, so what one callback wrote need not be visible to the next one: a data race.
//!
//! # Zero, even, odd: a Relaxed turn counter
//!
//! The reference solution's count, as an atomic instead of behind a mutex,
//! and a spin instead of a condition variable.

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
        // BUG: Relaxed pairs with nothing; it says the turn has come but
        // carries no happens-before edge from the previous callback.
        while self.printed.load(Ordering::Relaxed) != position {
            kata_sync::thread::yield_now();
        }
        print();
        // BUG: should be Release, to pair with an Acquire load.
        self.printed.store(position + 1, Ordering::Relaxed);
    }
    // ANCHOR_END: take_turn
}
