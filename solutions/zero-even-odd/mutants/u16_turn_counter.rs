//! mutant: u16-turn-counter
//! stage: stress
//! bug: the count of callbacks printed is a `u16`, which wraps after 65,536: from n = 32,768 on, the turn goes back to zero.

use kata_sync::{Condvar, Mutex};

// ANCHOR: state
/// The three methods, as indices into `turn_came`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Zero = 0,
    Even = 1,
    Odd = 2,
}

/// Whose callback is number `k` (from 0) in `0 1 0 2 0 3 ...`.
fn whose(k: usize) -> Method {
    if k.is_multiple_of(2) {
        Method::Zero
    } else if k.div_ceil(2).is_multiple_of(2) {
        Method::Even
    } else {
        Method::Odd
    }
}

/// Makes three threads print `0 1 0 2 0 3 ... 0 n` between them.
pub struct ZeroEvenOdd {
    n: usize,
    /// How many callbacks have run, from 0 to 2n. The next one is callback
    /// number `*printed`, and `whose` says which method runs it.
    printed: Mutex<u16>,
    /// One per method: the thread that calls the method sleeps on its own,
    /// so that a hand-over wakes exactly the thread whose turn it is.
    turn_came: [Condvar; 3],
}
// ANCHOR_END: state

impl ZeroEvenOdd {
    /// Creates a `ZeroEvenOdd` that prints `0 1 0 2 ... 0 n`.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            printed: Mutex::new(0u16),
            turn_came: [Condvar::new(), Condvar::new(), Condvar::new()],
        }
    }

    // ANCHOR: methods
    /// Prints the n zeros: callbacks 0, 2, 4, ...
    pub fn zero(&self, mut print_number: impl FnMut(usize)) {
        for i in 1..=self.n {
            self.take_turn(2 * i - 2, Method::Zero, || print_number(0));
        }
    }

    /// Prints 2, 4, ...: the number i is callback 2i - 1.
    pub fn even(&self, mut print_number: impl FnMut(usize)) {
        for i in (2..=self.n).step_by(2) {
            self.take_turn(2 * i - 1, Method::Even, || print_number(i));
        }
    }

    /// Prints 1, 3, ...: the number i is callback 2i - 1.
    pub fn odd(&self, mut print_number: impl FnMut(usize)) {
        for i in (1..=self.n).step_by(2) {
            self.take_turn(2 * i - 1, Method::Odd, || print_number(i));
        }
    }
    // ANCHOR_END: methods

    // ANCHOR: take_turn
    /// Waits until callback number `position` is due, runs it, and wakes the
    /// thread that runs the next one.
    fn take_turn(&self, position: usize, me: Method, print: impl FnOnce()) {
        let mut printed = self.printed.lock();
        // `while`, not `if`: a wait may return without a notification, and
        // then it is still somebody else's turn.
        while *printed as usize != position {
            self.turn_came[me as usize].wait(&mut printed);
        }
        // The callback runs before the count moves on: the next thread can
        // only start once this one has returned and the lock is released.
        print();
        *printed = printed.wrapping_add(1);
        let next = *printed as usize;
        drop(printed);
        // The count changed under the lock, so the thread woken here (or one
        // that has not started waiting yet) sees it: no wakeup is lost.
        if next < 2 * self.n {
            self.turn_came[whose(next) as usize].notify_one();
        }
    }
    // ANCHOR_END: take_turn
}
