//! Stage 4, model: every interleaving, under loom.
//!
//! The callbacks write to an [`Unsync`](kata_test::record::Unsync) output,
//! which loom sees as an `UnsafeCell`: unless each hand-over is a
//! happens-before edge, two callbacks' writes race, in whichever interleaving
//! loom tries. A `Relaxed` counter takes turns correctly on x86 in practice
//! and still fails here, as it should. In check builds every other
//! `Condvar::wait` returns spuriously, starting with the first, so a wait
//! under `if` goes on out of turn here too.
//!
//! Loom does not care which order the threads are spawned in: it explores
//! every order in which they run. Main plays number; the others get threads
//! of their own, at the default preemption bound of 3. n = 5 hands the turn
//! between number, fizz and buzz (fizzbuzz has nothing to say); n = 15 adds
//! fizzbuzz, with every thread asleep at once.
#![cfg(loom)]

mod common;

use common::{METHODS, Number, mismatch};
use fizz_buzz::FizzBuzz;
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const HAPPENS_BEFORE: Property = Property {
    name: "each callback happens-before the next one, and the output is 1..=n said fizz-buzz style, in every interleaving",
    cause: "the turn is handed over without a happens-before edge (a Relaxed counter: store with Release and load with Acquire, or use a Mutex), or a method goes on without its turn (a wait under `if` instead of `while`)",
    book: "happens-before",
};

fn scenario(n: usize) {
    model::run(move || {
        let kata = Arc::new(FizzBuzz::new(n));
        let out = Arc::new(common::Output::new());
        let words: Vec<_> = METHODS
            .into_iter()
            .filter(|m| *m != Number)
            .map(|m| {
                let (kata, out) = (Arc::clone(&kata), Arc::clone(&out));
                spawn(m.thread(), move || m.call(&kata, |said| out.print(said)))
            })
            .collect();
        Number.call(&kata, |said| out.print(said));
        for t in words {
            kata_test::join(t);
        }
        if let Some(why) = mismatch(&out.printed(), n) {
            panic!("{why}");
        }
    });
}

#[test]
fn with_n_5_each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    scenario(5);
}

#[test]
fn with_n_15_each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    scenario(15);
}
