//! Stage 6 of 6, model: every interleaving of small scenarios, under loom.
//!
//! Each fork has a cell saying who holds it, written by its pick and put
//! callbacks and read by `eat` (see `common::Table`). Loom sees the cells as
//! `UnsafeCell`s, so unless whatever guards a fork orders one call's use of
//! it before the next call's, two accesses race, in whichever interleaving
//! loom tries.
//!
//! Loom allows 5 threads, main included; here the main thread plays
//! philosopher 0 and each other call gets a thread. Three threads, because
//! loom's search grows steeply with each thread: all five philosophers (the
//! main thread and four more) take 0.1 s for the reference solution at a
//! preemption bound of 1, but more than 30 s for a correct answer built on a
//! waiter semaphore or on one mutex and a condition variable, at the same
//! bound. So the table with all five, and the deadlock of five left-first
//! philosophers, are checked in the functional stage (where a test holds all
//! five at the moment each has one fork) and in the stress stage.
#![cfg(loom)]

mod common;

use common::Table;
use dining_philosophers::DiningPhilosophers;
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const NEIGHBOURS: Property = Property {
    name: "neighbours never hold a fork at once, each call goes pick, pick, eat, put, put, and every call returns, in every interleaving",
    cause: "a fork used without a happens-before edge from its last holder: its callback runs without its lock, or after the lock is let go, or the lock is hand-made and its unlock publishes nothing (a Relaxed store)",
    book: "happens-before",
};

const SAME_PHILOSOPHER: Property = Property {
    name: "two calls for the same philosopher at once take turns with its forks, in every interleaving",
    cause: "the answer tracks philosophers rather than forks, so a second call for the same philosopher does not wait for the first one's forks",
    book: "dining-philosophers",
};

/// The main thread is philosopher `main`; each of `others` gets a thread.
fn scenario(main: usize, others: &[usize]) {
    let kata = Arc::new(DiningPhilosophers::new());
    let table = Arc::new(Table::new());
    let threads: Vec<_> = others
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let (kata, table) = (Arc::clone(&kata), Arc::clone(&table));
            spawn(format!("philosopher-{p}-thread-{i}"), move || {
                table.dine(&kata, p);
            })
        })
        .collect();
    table.dine(&kata, main);
    threads.into_iter().for_each(kata_test::join);
}

#[test]
fn neighbours_share_forks_safely_in_every_interleaving() {
    let _check = kata_test::check(&NEIGHBOURS);
    // Philosopher 0 and both its neighbours: 1 shares fork 1, 4 shares
    // fork 0, and 4 is the one whose forks come in the other order. Three
    // threads at the default bound of 3: ~230 executions (0.03 s) for the
    // reference, ~1,800 (0.2 s) for a waiter-semaphore answer.
    model::run(|| scenario(0, &[1, 4]));
}

#[test]
fn the_same_philosopher_twice_takes_turns_in_every_interleaving() {
    let _check = kata_test::check(&SAME_PHILOSOPHER);
    // Two calls for philosopher 0 and one for its neighbour 1. Three
    // threads at the default bound of 3: ~300 executions (0.05 s) for the
    // reference, ~2,200 (0.25 s) for a waiter-semaphore answer.
    model::run(|| scenario(0, &[0, 1]));
}
