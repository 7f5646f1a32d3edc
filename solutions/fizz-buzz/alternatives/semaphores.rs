//! alternative: semaphores
//! why: four semaphores, one per method, instead of a counter, a mutex and condition variables: number's starts with one permit (1 is its), the others with none, and after saying i a thread releases the semaphore of the owner of i + 1. The permits are the turn, so there is no `while` loop to forget (acquire loops inside), a release is remembered whatever the start order, and each release wakes only the thread that can go.
//!
//! # Fizz buzz: four semaphores
//!
//! There is always exactly one permit among the four semaphores, or held by
//! the thread that is printing. `kata_sync::Semaphore` is a mutex and a
//! condition variable inside, so each release-then-acquire is a
//! happens-before edge from one callback to the next.

use kata_sync::Semaphore;

/// The four methods, as indices into `may_say`.
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
    /// One per method: a permit there means that method's next number is
    /// due. Number's starts with one, for 1.
    may_say: [Semaphore; 4],
}

impl FizzBuzz {
    /// Creates a `FizzBuzz` that says 1..=n.
    pub fn new(n: usize) -> Self {
        Self {
            n,
            may_say: [
                Semaphore::new(0),
                Semaphore::new(0),
                Semaphore::new(0),
                Semaphore::new(1),
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

    /// Says each of `me`'s numbers, each once the permit for it arrives, and
    /// passes the permit to the owner of the next number.
    fn say(&self, me: Word, mut print: impl FnMut(usize)) {
        for i in (1..=self.n).filter(|&i| owner(i) == me) {
            self.may_say[me as usize].acquire();
            print(i);
            if i < self.n {
                self.may_say[owner(i + 1) as usize].release();
            }
        }
    }
}
