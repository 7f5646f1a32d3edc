//! Stage 6 of 6, model: every interleaving of small scenarios, under loom.
//!
//! Each release callback writes cells that it shares with every release of
//! the molecules just before and after its own (see `common::Water`), and
//! loom sees those cells as `UnsafeCell`s: unless every release of one
//! molecule happens-before every release of the next, two writes race, in
//! whichever interleaving loom tries. Releases of one molecule share nothing,
//! so they may overlap.
//!
//! Two molecules are six atoms, more than loom's five threads (main
//! included) and too many for its state space anyway, so some threads make
//! more than one call, and which ones matters. A thread that took part in
//! one molecule and comes back for the next is ordered after its own earlier
//! release by program order, whatever the kata does; only a thread that is
//! new to the second molecule shows a missing happens-before edge from the
//! first. So there are two layouts, each with a new thread of one kind:
//!
//! - a new oxygen thread: two hydrogen threads, one making the first
//!   hydrogen call of each molecule and the other the second (each calls
//!   again once its previous call has returned), and a thread per oxygen
//!   (main plays the last). That never leaves a call waiting forever: the
//!   two hydrogens on offer are always one from each thread. Four threads.
//! - a new hydrogen thread: hydrogen-1 and hydrogen-2 on two threads and
//!   the oxygens on main, which starts hydrogen-4's thread only once its
//!   first oxygen call has returned, so that the first molecule can only be
//!   hydrogen-1, hydrogen-2 and oxygen-1; the thread of hydrogen-1 then
//!   makes hydrogen-3's call. Four threads.
//!
//! A place handed back without a happens-before edge (a `Relaxed` counter,
//! or a hand-back before the release) shows in the layout where that kind of
//! atom is new. Every arrival order, and more molecules, run in the stress
//! stage.
#![cfg(loom)]

mod common;

use common::{Atom, Hydrogen, Oxygen, Water};
use h2o::H2O;
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const ONE_MOLECULE: Property = Property {
    name: "two hydrogens and an oxygen are released as one molecule, and every call returns, in every interleaving",
    cause: "an atom that goes before its molecule is complete, or one left waiting for a wakeup that never comes",
    book: "h2o",
};

const NEXT_MOLECULE: Property = Property {
    name: "every release of one molecule happens-before every release of the next, in every interleaving",
    cause: "the next molecule is let in without a happens-before edge from this one's releases: a place handed back before the release callback returned, or a Relaxed counter or flag instead of a lock or a semaphore",
    book: "happens-before",
};

type Thread = kata_sync::thread::JoinHandle<()>;

/// Calls `atom`'s method, releasing the `k`-th atom of its kind.
fn call(kata: &H2O, water: &Water, atom: Atom, k: usize) {
    atom.call(kata, || water.release(atom, &atom.thread(k)));
}

/// Starts a thread named `name` that makes `calls` (atom, k), one after
/// another.
fn start(kata: &Arc<H2O>, water: &Arc<Water>, name: &str, calls: Vec<(Atom, usize)>) -> Thread {
    let (kata, water) = (Arc::clone(kata), Arc::clone(water));
    spawn(name, move || {
        for (atom, k) in calls {
            call(&kata, &water, atom, k);
        }
    })
}

/// Joins the threads, then checks the whole record.
fn finish(threads: Vec<Thread>, water: &Water) {
    threads.into_iter().for_each(kata_test::join);
    if let Some(why) = water.mismatch() {
        panic!("{why}");
    }
}

/// `molecules` molecules, with a new oxygen thread for each (see the module
/// docs).
fn new_oxygen_threads(molecules: usize) {
    let kata = Arc::new(H2O::new());
    let water = Arc::new(Water::new(molecules));
    let mut threads: Vec<Thread> = (1..=2)
        .map(|first| {
            let calls = (first..=2 * molecules).step_by(2).map(|k| (Hydrogen, k));
            let name = format!("hydrogen-thread-{first}");
            start(&kata, &water, &name, calls.collect())
        })
        .collect();
    threads
        .extend((1..molecules).map(|k| start(&kata, &water, &Oxygen.thread(k), vec![(Oxygen, k)])));
    call(&kata, &water, Oxygen, molecules);
    finish(threads, &water);
}

/// Two molecules, the second with a new hydrogen thread (see the module
/// docs).
fn a_new_hydrogen_thread() {
    let kata = Arc::new(H2O::new());
    let water = Arc::new(Water::new(2));
    let mut threads = vec![
        start(
            &kata,
            &water,
            "hydrogen-thread-1",
            vec![(Hydrogen, 1), (Hydrogen, 3)],
        ),
        start(&kata, &water, &Hydrogen.thread(2), vec![(Hydrogen, 2)]),
    ];
    call(&kata, &water, Oxygen, 1);
    // Only now: hydrogen-1 and hydrogen-2 are sure to be the first
    // molecule's. Nothing the kata did orders their releases before this
    // thread's; the spawn orders only main's.
    threads.push(start(
        &kata,
        &water,
        &Hydrogen.thread(4),
        vec![(Hydrogen, 4)],
    ));
    call(&kata, &water, Oxygen, 2);
    finish(threads, &water);
}

#[test]
fn one_molecule_in_every_interleaving() {
    let _check = kata_test::check(&ONE_MOLECULE);
    // Three threads (two hydrogens, main the oxygen) at the default bound
    // of 3: about 2,700 interleavings, 0.3 s warm.
    model::run(|| new_oxygen_threads(1));
}

#[test]
fn a_new_oxygen_thread_sees_everything_the_previous_molecule_did() {
    let _check = kata_test::check(&NEXT_MOLECULE);
    // Four threads. The default bound of 3 runs for minutes and 2 for 5 s,
    // past the budget; 1 explores about 560 interleavings in 0.1 s warm and
    // finds every happens-before bug in the mutant catalogue: a place
    // handed back without an edge needs only one preemption to show.
    model::run_with_preemptions(1, || new_oxygen_threads(2));
}

#[test]
fn a_new_hydrogen_thread_sees_everything_the_previous_molecule_did() {
    let _check = kata_test::check(&NEXT_MOLECULE);
    // Four threads, but one starts late, so bound 2 fits: about 6,000
    // interleavings, 0.8 s warm (bound 3: 19 s).
    model::run_with_preemptions(2, a_new_hydrogen_thread);
}
