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
//! every order in which they run. Main plays number. n = 5 hands the turn
//! between number, fizz and buzz (fizzbuzz has nothing to say) at the
//! default preemption bound of 3; n = 15 adds fizzbuzz's thread, with every
//! thread asleep at once, at a bound of 1 (at 3 it takes minutes).
#![cfg(loom)]

mod common;

use common::{Buzz, FIZZBUZZ, Fizz, METHODS, Method, Number, mismatch};
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
fn with_n_15_each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    // Fifteen hand-overs at the default bound of 3 take minutes; at 1,
    // every hand-over is still tried with each other thread preempted at
    // the worst moment once, and n = 5 above covers the rest at 3.
    scenario(15, &[Fizz, Buzz, FIZZBUZZ], 1);
}
