//! Stage 6 of 6, model: every interleaving, under loom.
//!
//! The callbacks write to an [`Unsync`](kata_test::record::Unsync) output,
//! which loom sees as an `UnsafeCell`: unless each hand-over is a
//! happens-before edge, two callbacks' writes race, in whichever interleaving
//! loom tries. A `Relaxed` turn counter takes turns correctly on x86 in
//! practice and still fails here, as it should. In check builds every other
//! `Condvar::wait` returns spuriously, starting with the first, so a wait
//! under `if` goes on out of turn here too.
//!
//! Loom does not care which order the threads are spawned in: it explores
//! every order in which they run. At the default preemption bound of 3:
//! n = 1 (zero and odd; even has nothing to print) and n = 3 (all three
//! threads, each waiting both before its first print and between prints).
#![cfg(loom)]

mod common;

use common::{Even, Odd, Zero, mismatch};
use kata_sync::Arc;
use kata_test::{Property, model, spawn};
use zero_even_odd::ZeroEvenOdd;

const HAPPENS_BEFORE: Property = Property {
    name: "each callback happens-before the next one, and the output is 0 1 0 2 ... 0 n, in every interleaving",
    cause: "the turn is handed over without a happens-before edge (a Relaxed counter or flag: store with Release and load with Acquire, or use a Mutex), or a method goes on without its turn (a wait under `if` instead of `while`)",
    book: "happens-before",
};

/// Main plays zero; even and odd run on threads of their own.
fn scenario(n: usize) {
    model::run(move || {
        let kata = Arc::new(ZeroEvenOdd::new(n));
        let out = Arc::new(common::Output::new());
        let numbers: Vec<_> = [Odd, Even]
            .into_iter()
            .map(|m| {
                let (kata, out) = (Arc::clone(&kata), Arc::clone(&out));
                spawn(m.thread(), move || {
                    m.call(&kata, |number| out.print(m, number));
                })
            })
            .collect();
        Zero.call(&kata, |number| out.print(Zero, number));
        for t in numbers {
            kata_test::join(t);
        }
        if let Some(why) = mismatch(&out.printed(), n) {
            panic!("{why}");
        }
    });
}

#[test]
fn with_n_1_each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    scenario(1);
}

#[test]
fn with_n_3_each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    scenario(3);
}
