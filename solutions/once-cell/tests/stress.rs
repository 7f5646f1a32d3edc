//! Stage 5 of 7, stress: many threads racing to fill fresh cells, on real
//! hardware.
//!
//! Each round, every thread waits at a start line and then calls
//! `get_or_init` (or, for some, `get` first) on one fresh cell. `init` runs
//! exactly once per round, every caller returns the same value, and what
//! `init` wrote into the value is all there. The watchdog names any call
//! that never returns.
#![cfg(not(loom))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use kata_test::{Property, spawn};
use once_cell::OnceCell;

/// Threads per round: more than the cores, so an init is preempted.
const THREADS: usize = 8;
/// Fresh cells raced over.
const ROUNDS: usize = 300;
/// How many words each `init` writes into its value.
const WORDS: usize = 64;

const ONCE_UNDER_LOAD: Property = Property {
    name: "with many threads racing, init runs exactly once per cell and every caller gets the same, complete value",
    cause: "the second check is missing or not under the lock (two inits), or the fast path returns before the value is written (a flag set before the store, or read without Acquire)",
    book: "once-cell",
};

#[test]
fn racing_callers_run_init_once_and_share_its_value() {
    let _check = kata_test::check(&ONCE_UNDER_LOAD);
    for round in 0..ROUNDS {
        let cell = Arc::new(OnceCell::<Vec<usize>>::new());
        let inits = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(THREADS));
        let threads: Vec<_> = (0..THREADS)
            .map(|i| {
                let (cell, inits, start) =
                    (Arc::clone(&cell), Arc::clone(&inits), Arc::clone(&start));
                spawn(format!("caller-{i}"), move || {
                    start.wait();
                    // Some callers look first, as a reader on the fast path.
                    let seen = if i % 2 == 1 { cell.get() } else { None };
                    let v = seen.unwrap_or_else(|| {
                        cell.get_or_init(|| {
                            // SeqCst: the suite's count; nothing to tune.
                            inits.fetch_add(1, Ordering::SeqCst);
                            vec![i; WORDS]
                        })
                    });
                    assert!(
                        v.len() == WORDS && v.iter().all(|w| *w == v[0]),
                        "round {round}: caller-{i} got a value that init had not finished writing: {v:?}"
                    );
                    (v[0], v.as_ptr() as usize)
                })
            })
            .collect();
        let got = kata_test::join_as_they_finish(threads);
        let inits = inits.load(Ordering::SeqCst);
        assert_eq!(
            inits, 1,
            "round {round}: {THREADS} threads raced on one cell and init ran {inits} times"
        );
        assert!(
            got.iter().all(|g| *g == got[0]),
            "round {round}: the callers got different values (winner, address): {got:?}"
        );
    }
}
