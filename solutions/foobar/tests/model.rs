//! Stage 6 of 6, model: every interleaving, under loom.
//!
//! The callbacks write to an [`Unsync`](kata_test::record::Unsync) output,
//! which loom sees as an `UnsafeCell`: unless each hand-over of the turn is a
//! happens-before edge, two callbacks' writes race, in whichever interleaving
//! loom tries. A `Relaxed` turn flag alternates correctly on x86 in practice
//! and still fails here, as it should. In check builds every other
//! `Condvar::wait` returns spuriously, starting with the first, so a wait
//! under `if` goes on out of turn here too.
//!
//! Two threads: main plays foo, a spawned thread plays bar, at the default
//! preemption bound of 3: about 450 interleavings, 0.1 s warm.
#![cfg(loom)]

mod common;

use common::{Bar, Foo, mismatch};
use foobar::FooBar;
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

/// Rounds per execution: three are enough for each side to wait for the
/// other both before its first print and between prints.
const N: usize = 3;

const HAPPENS_BEFORE: Property = Property {
    name: "each callback happens-before the other side's next one, and the output is foo, bar, ... n times, in every interleaving",
    cause: "the turn is handed over without a happens-before edge (a Relaxed flag: store with Release and load with Acquire, or use a Mutex), or a side goes on without its turn (a wait under `if` instead of `while`)",
    book: "happens-before",
};

#[test]
fn each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    model::run(|| {
        let kata = Arc::new(FooBar::new(N));
        let out = Arc::new(common::Output::new());
        let bar = {
            let (kata, out) = (Arc::clone(&kata), Arc::clone(&out));
            spawn(Bar.thread(), move || Bar.call(&kata, || out.print(Bar)))
        };
        Foo.call(&kata, || out.print(Foo));
        kata_test::join(bar);
        if let Some(why) = mismatch(&out.printed(), N) {
            panic!("{why}");
        }
    });
}
