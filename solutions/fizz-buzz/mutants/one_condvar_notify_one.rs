//! mutant: one-condvar-notify-one
//! stage: functional
//! bug: all four threads sleep on one condition variable and a hand-over wakes one of them with `notify_one`: with buzz, fizzbuzz and fizz asleep, number's wakeups go to buzz and fizzbuzz, which sleep again, and fizz, whose 3 is next, is never woken (a lost wakeup, then a deadlock).
//!
//! # Fizz buzz, multithreaded: reference solution
//!
//! The whole state is the next number to say, behind a `Mutex`. Whose that
//! number is follows from the number alone (`owner`), so each thread walks
//! 1..=n, and for each number of its own waits until the counter gets there,
//! says it, and moves the counter on.
//!
//! Each thread sleeps on its own `Condvar`, and a hand-over notifies only the
//! thread that owns the next number. Up to three threads sleep at once, each
//! waiting for a different number, so one shared condition variable would
//! need `notify_all`: with `notify_one`, the wakeup can go to a thread whose
//! number has not come, which sleeps again, while the owner is never woken
//! (a lost wakeup). Four semaphores work too (see the book's chapter).
//!
//! The callback runs with the lock held, before the counter moves on, so the
//! unlock that hands the turn over is also the happens-before edge that makes
//! what the callback wrote visible to the next one.

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
    next: Mutex<usize>,
    /// Notified on every hand-over. BUG: shared by all four threads, and
    /// woken with notify_one.
    turn_came: Condvar,
}
// ANCHOR_END: state

impl FizzBuzz {
    /// Creates a `FizzBuzz` that says 1..=n.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            next: Mutex::new(1),
            turn_came: Condvar::new(),
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
            while *next != i {
                self.turn_came.wait(&mut next);
            }
            // The callback runs before the counter moves on: the next
            // thread can only start once this one has returned and the lock
            // is released.
            print(i);
            *next = i + 1;
            drop(next);
            // The counter changed under the lock, so the owner of i + 1 sees
            // it whether it is asleep now (and woken here) or not waiting yet.
            // BUG: one waiter of the three is woken, and it may not be the
            // owner of i + 1.
            if i < self.n {
                self.turn_came.notify_one();
            }
        }
    }
    // ANCHOR_END: say
}
