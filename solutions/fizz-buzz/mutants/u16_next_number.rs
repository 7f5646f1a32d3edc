//! mutant: u16-next-number
//! stage: stress
//! bug: the next number to say is a `u16`, which wraps after 65,535: from n = 65,536 on, the number whose turn it is can never be reached.

use kata_sync::{Condvar, Mutex};

// ANCHOR: state
/// The four methods, as indices into `turn_came`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Word {
    Fizz = 0,
    Buzz = 1,
    FizzBuzz = 2,
    Number = 3,
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
    next: Mutex<u16>,
    /// One per method: the thread that calls the method sleeps on its own,
    /// so that a hand-over wakes exactly the owner of the next number.
    turn_came: [Condvar; 4],
}
// ANCHOR_END: state

impl FizzBuzz {
    /// Creates a `FizzBuzz` that says 1..=n.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            next: Mutex::new(1u16),
            turn_came: [
                Condvar::new(),
                Condvar::new(),
                Condvar::new(),
                Condvar::new(),
            ],
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
            let mut next = self.next.lock();
            // `while`, not `if`: a wait may return without a notification,
            // and then the counter may not have reached `i`.
            while *next as usize != i {
                self.turn_came[me as usize].wait(&mut next);
            }
            // The callback runs before the counter moves on: the next
            // thread can only start once this one has returned and the lock
            // is released.
            print(i);
            *next = (i + 1) as u16;
            drop(next);
            // The counter changed under the lock, so the owner of i + 1 sees
            // it whether it is asleep now (and woken here) or not waiting yet.
            if i < self.n {
                self.turn_came[owner(i + 1) as usize].notify_one();
            }
        }
    }
    // ANCHOR_END: say
}
