//! Stage 6 of 6, model: every interleaving, under loom.
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
//! every order in which they run. Main plays number, and fizz and buzz get
//! threads of their own, at the default preemption bound of 3: n = 5 and
//! n = 6, which between them hand the turn from a number to a word, from a
//! word to a number and from one word to another.
//!
//! Not modelled: n = 15, where fizzbuzz gets a turn. That needs a fourth
//! thread, and with four threads a correct answer that spins (an Acquire
//! counter and `yield_now`) is more than loom can explore in minutes, even
//! at preemption bound 0, while a correct answer must pass every stage. The
//! hand-overs to and from fizzbuzz are the same code as the others in any
//! answer we know of, and the functional and stress stages run them on real
//! threads, for n = 16 in every start order.
#![cfg(loom)]

mod common;

use common::{Buzz, Fizz, METHODS, Method, Number, mismatch};
use fizz_buzz::FizzBuzz;
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const HAPPENS_BEFORE: Property = Property {
    name: "each callback happens-before the next one, and the output is 1..=n said fizz-buzz style, in every interleaving",
    cause: "the turn is handed over without a happens-before edge (a Relaxed counter: store with Release and load with Acquire, or use a Mutex), or a method goes on without its turn (a wait under `if` instead of `while`)",
    book: "happens-before",
};

/// Main plays number; the methods in `spawned` get threads of their own,
/// and main calls any other method itself first (it must have nothing to
/// say for this n). Explored at `preemptions` (loom's bound on involuntary
/// thread switches).
fn scenario(n: usize, spawned: &'static [Method], preemptions: usize) {
    model::run_with_preemptions(preemptions, move || {
        let kata = Arc::new(FizzBuzz::new(n));
        let out = Arc::new(common::Output::new());
        let threads: Vec<_> = spawned
            .iter()
            .map(|&m| {
                let (kata, out) = (Arc::clone(&kata), Arc::clone(&out));
                spawn(m.thread(), move || m.call(&kata, |said| out.print(said)))
            })
            .collect();
        for m in METHODS {
            if m != Number && !spawned.contains(&m) {
                m.call(&kata, |said| out.print(said));
            }
        }
        Number.call(&kata, |said| out.print(said));
        for t in threads {
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
    // fizzbuzz has nothing to say for n = 5, so main calls it (it returns
    // at once) rather than giving it a thread: three threads, not four.
    scenario(5, &[Fizz, Buzz], model::DEFAULT_PREEMPTIONS);
}

#[test]
fn with_n_6_each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    // Adds a hand-over from one word to another (buzz's 5 to fizz's 6);
    // fizzbuzz still has nothing to say.
    scenario(6, &[Fizz, Buzz], model::DEFAULT_PREEMPTIONS);
}
