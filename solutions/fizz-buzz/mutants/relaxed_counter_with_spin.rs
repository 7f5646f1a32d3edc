//! mutant: relaxed-counter-with-spin
//! stage: model
//! bug: the next number to say is an atomic stored and loaded with `Ordering::Relaxed`, and each method spins on it (yielding). The threads do take turns (on x86 it even looks right), but a Relaxed store publishes nothing, so what one callback wrote need not be visible to the next one: a data race.
//!
//! # Fizz buzz: a Relaxed counter
//!
//! The reference solution's counter, as an atomic instead of behind a
//! mutex, and a spin instead of condition variables.

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

    // ANCHOR: say
    /// Says each of `me`'s numbers in 1..=n, each in its turn.
    fn say(&self, me: Word, mut print: impl FnMut(usize)) {
        for i in (1..=self.n).filter(|&i| owner(i) == me) {
            // BUG: Relaxed pairs with nothing; it says the turn has come but
            // carries no happens-before edge from the previous callback.
            while self.next.load(Ordering::Relaxed) != i {
                kata_sync::thread::yield_now();
            }
            print(i);
            // BUG: should be Release, to pair with an Acquire load.
            self.next.store(i + 1, Ordering::Relaxed);
        }
    }
    // ANCHOR_END: say
}
