//! alternative: semaphores
//! why: three semaphores instead of a count, a mutex and condition variables: zero's starts with one permit, odd's and even's with none, and each thread, after printing, releases the permit of the thread that goes next. The permits are the turn, so there is no state to inspect and no `while` loop to forget (acquire loops inside), and a release is remembered, so start order does not matter.
//!
//! # Zero, even, odd: three semaphores
//!
//! There is always exactly one permit among the three semaphores, or held
//! by the thread that is printing. `kata_sync::Semaphore` is a mutex and a
//! condition variable inside, so each release-then-acquire is a
//! happens-before edge from one callback to the next.

use kata_sync::Semaphore;

/// Makes three threads print `0 1 0 2 0 3 ... 0 n` between them.
pub struct ZeroEvenOdd {
    n: usize,
    /// One permit at first: zero goes first.
    zero_may: Semaphore,
    /// A permit once a 0 before an even number has been printed.
    even_may: Semaphore,
    /// A permit once a 0 before an odd number has been printed.
    odd_may: Semaphore,
}

impl ZeroEvenOdd {
    /// Creates a `ZeroEvenOdd` that prints `0 1 0 2 ... 0 n`.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            zero_may: Semaphore::new(1),
            even_may: Semaphore::new(0),
            odd_may: Semaphore::new(0),
        }
    }

    /// Prints a 0 before each of 1..=n, and lets the number's thread go.
    pub fn zero(&self, mut print_number: impl FnMut(usize)) {
        for i in 1..=self.n {
            self.zero_may.acquire();
            print_number(0);
            if i.is_multiple_of(2) {
                self.even_may.release();
            } else {
                self.odd_may.release();
            }
        }
    }

    /// Prints 2, 4, ..., each after its 0, and lets zero go.
    pub fn even(&self, mut print_number: impl FnMut(usize)) {
        for i in (2..=self.n).step_by(2) {
            self.even_may.acquire();
            print_number(i);
            self.zero_may.release();
        }
    }

    /// Prints 1, 3, ..., each after its 0, and lets zero go.
    pub fn odd(&self, mut print_number: impl FnMut(usize)) {
        for i in (1..=self.n).step_by(2) {
            self.odd_may.acquire();
            print_number(i);
            self.zero_may.release();
        }
    }
}
