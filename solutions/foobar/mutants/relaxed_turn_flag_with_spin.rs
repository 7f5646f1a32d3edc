//! mutant: relaxed-turn-flag-with-spin
//! stage: model
//! bug: the turn is an atomic flag stored and loaded with `Ordering::Relaxed`, and each side spins on it. The sides do take turns (on x86 it even looks right), but a Relaxed store publishes nothing, so what one callback wrote need not be visible to the other side's next one: a data race.
//!
//! # FooBar: reference solution
//!
//! Whose turn it is, behind a `Mutex`, and one `Condvar` to sleep on until
//! the turn comes round. Each side prints while the turn is its own and only
//! then hands it over, so the unlock that hands the turn over is also the
//! happens-before edge that makes the printed output visible to the other
//! side's next callback.
//!
//! Two semaphores (foo's starting with one permit, bar's with none; each side
//! acquires its own and releases the other's) work as well, and read as
//! well; the book's chapter compares the two.

use kata_sync::atomic::{AtomicBool, Ordering};

// ANCHOR: state
/// Whose callback runs next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Turn {
    Foo,
    Bar,
}

/// Makes two threads take turns: foo, bar, foo, bar, ..., n times each.
pub struct FooBar {
    n: usize,
    /// Whether it is bar's turn. Foo's at first; each side hands it to the
    /// other after its callback has returned.
    bars_turn: AtomicBool,
}
// ANCHOR_END: state

impl FooBar {
    /// Creates a `FooBar` for `n` rounds of "foobar".
    pub fn new(n: usize) -> Self {
        Self {
            n,
            bars_turn: AtomicBool::new(false),
        }
    }

    /// Calls `print_foo` n times, alternating with `bar`.
    pub fn foo(&self, mut print_foo: impl FnMut()) {
        for _ in 0..self.n {
            self.take_turn(Turn::Foo, Turn::Bar, &mut print_foo);
        }
    }

    /// Calls `print_bar` n times, alternating with `foo`.
    pub fn bar(&self, mut print_bar: impl FnMut()) {
        for _ in 0..self.n {
            self.take_turn(Turn::Bar, Turn::Foo, &mut print_bar);
        }
    }

    // ANCHOR: take_turn
    /// Waits for `mine`, prints, and hands the turn to `next`.
    fn take_turn(&self, mine: Turn, next: Turn, print: &mut impl FnMut()) {
        // BUG: Relaxed pairs with nothing; it says the turn has come but
        // carries no happens-before edge from the other side's callback.
        while self.bars_turn.load(Ordering::Relaxed) != (mine == Turn::Bar) {
            kata_sync::hint::spin_loop();
        }
        print();
        // BUG: should be Release, to pair with an Acquire load.
        self.bars_turn.store(next == Turn::Bar, Ordering::Relaxed);
    }
    // ANCHOR_END: take_turn
}
