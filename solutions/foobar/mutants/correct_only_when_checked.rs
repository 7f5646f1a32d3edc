//! mutant: correct-only-when-checked
//! stage: facade
//! unscanned: functional
//! bug: asks `cfg!(loom)` whether it is being model-checked and waits correctly only then; everywhere else it waits under `if`. Code that can tell it is being checked can pass any checker, so the facade stage refuses every `cfg` but `cfg(test)`; with that scan skipped, the functional stage still catches the `if`.
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

use kata_sync::{Condvar, Mutex};

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
    /// Whose turn it is. Foo's at first; each side hands it to the other
    /// after its callback has returned.
    turn: Mutex<Turn>,
    /// Notified whenever the turn is handed over.
    turn_passed: Condvar,
}
// ANCHOR_END: state

impl FooBar {
    /// Creates a `FooBar` for `n` rounds of "foobar".
    pub fn new(n: usize) -> Self {
        Self {
            n,
            turn: Mutex::new(Turn::Foo),
            turn_passed: Condvar::new(),
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
        let mut turn = self.turn.lock();
        // BUG: correct only when built for the model checker; a plain `if`
        // everywhere else, where spurious wakeups (or the checker's
        // functional stage, with this scan skipped) catch it.
        if cfg!(loom) {
            while *turn != mine {
                self.turn_passed.wait(&mut turn);
            }
        } else if *turn != mine {
            self.turn_passed.wait(&mut turn);
        }
        // The callback runs with the lock held, before the turn moves on.
        // Handing the turn over first (or printing after unlocking) would let
        // the other side print while this print is still running. Holding
        // the lock costs nothing: the other side can only wait anyway.
        print();
        *turn = next;
        drop(turn);
        // `notify_one` is enough: by the contract, the only other waiter is
        // the other side, and it is the one whose turn it now is.
        self.turn_passed.notify_one();
    }
    // ANCHOR_END: take_turn
}
