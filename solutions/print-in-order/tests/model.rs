//! Stage 6 of 6, model: every interleaving, under loom.
//!
//! The callbacks write to an [`Unsync`](kata_test::record::Unsync) output,
//! which loom sees as an `UnsafeCell`: unless the kata gives each callback a
//! happens-before edge from the one before it, the second write is a data
//! race, in whichever interleaving loom tries. A `Relaxed` flag orders the
//! threads on x86 in practice and still fails here, as it should.
//!
//! Loom does not care which order the threads are spawned in: it explores
//! every order in which they run. Three threads (main plays `first`) at the
//! default preemption bound of 3: about 900 interleavings, 0.2 s warm.
//! (All four threads, with main only joining, is 14,000 and 1.8 s, and
//! finds nothing more.)
#![cfg(loom)]

mod common;

use common::{First, IN_ORDER, Output, Second, Third, list};
use kata_sync::Arc;
use kata_test::{Property, model, spawn};
use print_in_order::Foo;

const HAPPENS_BEFORE: Property = Property {
    name: "print_first happens-before print_second, and print_second happens-before print_third, in every interleaving",
    cause: "a thread learns that it may go without a happens-before edge from the one before it: a Relaxed flag (store with Release and load with Acquire, or use a Mutex), or no wait at all",
    book: "happens-before",
};

#[test]
fn each_callback_happens_before_the_next_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    model::run(|| {
        let kata = Arc::new(Foo::new());
        let out = Arc::new(Output::new());
        // Main plays `first`, after starting the other two, so that loom's
        // four-thread budget is not spent on a thread that only joins.
        let threads: Vec<_> = [Second, Third]
            .into_iter()
            .map(|m| {
                let (kata, out) = (Arc::clone(&kata), Arc::clone(&out));
                spawn(m.thread(), move || m.call(&kata, || out.print(m)))
            })
            .collect();
        First.call(&kata, || out.print(First));
        threads.into_iter().for_each(kata_test::join);
        let printed = out.printed();
        assert_eq!(
            printed,
            IN_ORDER,
            "the callbacks ran in the order {}",
            list(&printed)
        );
    });
}
