//! Stage 5 of 6, stress: many meals on real threads, with timing varied.
//!
//! Every philosopher's thread calls `wants_to_eat` over and over, the
//! threads start in a random order with random pauses, and some callbacks
//! take a random while: a fork held for longer is more likely to be wanted
//! by a neighbour at that moment. Every callback checks its step and its
//! forks as it runs (see `common::Table`). The pauses are seeded; the seed
//! is in every failure message. A deadlock is ended by the watchdog, whose
//! report says who holds which fork and who waits for which.

// Real threads only: `join_as_they_finish` polls `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{SEATS, Table};
use dining_philosophers::DiningPhilosophers;
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use rstest::rstest;

/// The longest pause the main thread takes between starting two threads.
const MAX_START_GAP: Duration = Duration::from_micros(300);
/// The longest a slow callback takes.
const MAX_CALLBACK: Duration = Duration::from_micros(100);
/// One callback in this many is slow.
const SLOW_ONE_IN: u64 = 16;

const DINING_UNDER_LOAD: Property = Property {
    name: "with start orders and callback lengths varied, no fork is ever held by two, every call goes pick, pick, eat, put, put, and every call returns",
    cause: "a fork used without its lock, forks let go before eating, or locks taken in an order that lets the waiting form a cycle (a deadlock)",
    book: "dining-philosophers",
};

#[rstest]
#[case::one_thread_each_short(1, 20, 10)]
#[case::one_thread_each_long(1, 400, 2)]
#[case::two_threads_each(2, 150, 2)]
#[case::three_threads_each(3, 60, 2)]
fn philosophers_dine_safely_with_timing_varied(
    #[case] threads_per_philosopher: usize,
    #[case] meals: usize,
    #[case] runs: u64,
) {
    let check = kata_test::check(&DINING_UNDER_LOAD);
    // The table the watchdog describes if a run deadlocks: the current one.
    let current: Arc<Mutex<Option<Arc<Table>>>> = Arc::default();
    {
        let current = Arc::clone(&current);
        check.log().add_context(move || {
            current
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .map(|t| t.describe())
                .unwrap_or_default()
        });
    }
    for run in 0..runs {
        let seed = (threads_per_philosopher as u64) * 1_000_000 + (meals as u64) * 100 + run;
        let mut jitter = Jitter::new(seed);
        let kata = Arc::new(DiningPhilosophers::new());
        let table = Arc::new(Table::with_context(format_args!(
            "run {run}, seed {seed}, {threads_per_philosopher} thread(s) per philosopher"
        )));
        *current.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&table));
        let mut diners: Vec<(usize, usize)> = (0..SEATS)
            .flat_map(|p| (0..threads_per_philosopher).map(move |t| (p, t)))
            .collect();
        jitter.shuffle(&mut diners);
        let threads = diners
            .into_iter()
            .enumerate()
            .map(|(i, (p, t))| {
                if i > 0 {
                    jitter.stall(MAX_START_GAP);
                }
                let (kata, table, log) = (
                    Arc::clone(&kata),
                    Arc::clone(&table),
                    Arc::clone(check.log()),
                );
                let callback_jitter = RefCell::new(Jitter::new(jitter.next_u64()));
                let name = format!("philosopher-{p}-thread-{t}");
                spawn(name.clone(), move || {
                    let w = log.worker(format!("{name} (run {run})"));
                    for meal in 0..meals {
                        let call = w.call(format_args!(
                            "wants_to_eat({p}), meal {meal} of {meals}, seed {seed}"
                        ));
                        table.dine_with(&kata, p, |_, _| {
                            let mut j = callback_jitter.borrow_mut();
                            if j.below(SLOW_ONE_IN) == 0 {
                                j.stall(MAX_CALLBACK);
                            }
                        });
                        drop(call);
                    }
                })
            })
            .collect();
        kata_test::join_as_they_finish(threads);
        let returned = table.returned();
        assert_eq!(
            returned,
            SEATS * threads_per_philosopher * meals,
            "run {run} (seed {seed}): {returned} calls returned, but {} were made",
            SEATS * threads_per_philosopher * meals
        );
    }
}
