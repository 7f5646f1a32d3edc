//! alternative: acquire-release-spin
//! why: an atomic counter stored with Release and loaded with Acquire, and a spin with `yield_now`, instead of a mutex and condition variables: no thread ever sleeps, so a hand-over is one store and one load, at the price of up to three threads burning a core while one prints.
//!
//! # Fizz buzz: an atomic counter with Acquire and Release
//!
//! The `Relaxed` mutant, repaired: the store that moves the counter on is a
//! Release, and the load that sees it an Acquire, so each callback
//! happens-before the next.

use kata_sync::atomic::{AtomicUsize, Ordering};

/// The four methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Fizz,
    Buzz,
    FizzBuzz,
    Number,
}

/// Which method says `i`. 15 first: a multiple of 15 is also one of 3 and 5.
fn owner(i: usize) -> Word {
    match (i.is_multiple_of(3), i.is_multiple_of(5)) {
        (true, true) => Word::FizzBuzz,
        (true, false) => Word::Fizz,
        (false, true) => Word::Buzz,
        (false, false) => Word::Number,
    }
}

/// Makes four threads say 1..=n between them, fizz-buzz style.
pub struct FizzBuzz {
    n: usize,
    /// The next number to say, from 1 to n + 1 (n + 1: all said).
    next: AtomicUsize,
}

impl FizzBuzz {
    /// Creates a `FizzBuzz` that says 1..=n.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            next: AtomicUsize::new(1),
        }
    }

    /// Says the multiples of 3 but not 5.
    pub fn fizz(&self, mut print_fizz: impl FnMut()) {
        self.say(Word::Fizz, |_| print_fizz());
    }

    /// Says the multiples of 5 but not 3.
    pub fn buzz(&self, mut print_buzz: impl FnMut()) {
        self.say(Word::Buzz, |_| print_buzz());
    }

    /// Says the multiples of 15.
    pub fn fizzbuzz(&self, mut print_fizzbuzz: impl FnMut()) {
        self.say(Word::FizzBuzz, |_| print_fizzbuzz());
    }

    /// Says every other number.
    pub fn number(&self, print_number: impl FnMut(usize)) {
        self.say(Word::Number, print_number);
    }

    /// Says each of `me`'s numbers in 1..=n, each in its turn.
    fn say(&self, me: Word, mut print: impl FnMut(usize)) {
        for i in (1..=self.n).filter(|&i| owner(i) == me) {
            // Acquire: pairs with the Release store below, made by the
            // thread that said i - 1, so its callback happens before ours.
            while self.next.load(Ordering::Acquire) != i {
                kata_sync::thread::yield_now();
            }
            print(i);
            // Release: publishes this callback to the Acquire load of the
            // thread that says i + 1.
            self.next.store(i + 1, Ordering::Release);
        }
    }
}
