//! Stage 5 of 6, stress: many molecules on real threads, with timing varied.
//!
//! Each run starts one thread per atom, in the case's arrival order, with a
//! random pause between starts, and some release callbacks take a random
//! while: an answer that groups the atoms by timing rather than by waiting
//! for each other releases a group of three of a kind, or lets the next
//! molecule go while this one is still being released, and both are
//! reported. The pauses are seeded; the seed is in every failure message.
//! The watchdog names any call that never returns.

// Real threads only: `join_as_they_finish` polls `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Arrival, Atom, Water, arrivals};
use h2o::H2O;
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use rstest::rstest;

/// The longest pause the main thread takes between starting two atoms.
const MAX_START_GAP: Duration = Duration::from_micros(300);
/// The longest a slow release callback takes.
const MAX_CALLBACK: Duration = Duration::from_micros(300);
/// One release callback in this many is slow.
const SLOW_ONE_IN: u64 = 4;
/// The pool: threads that call again and again, as a thread pool's would,
/// for more molecules than any counter of one byte can count.
const POOL_HYDROGEN_THREADS: usize = 4;
const POOL_OXYGEN_THREADS: usize = 2;
const POOL_MOLECULES: usize = 120;
const POOL_RUNS: u64 = 3;

const WHOLE_MOLECULES_UNDER_LOAD: Property = Property {
    name: "with arrival orders and release lengths varied, atoms are always released as whole molecules, one molecule after another",
    cause: "the grouping holds only when the timing is kind: atoms that do not wait for the rest of their molecule, a next molecule let in before this one's releases have returned, or a sleep instead of a wait",
    book: "h2o",
};

#[rstest]
#[case::one_molecule_shuffled(1, 150, Arrival::Shuffled)]
#[case::two_hydrogens_first(2, 40, Arrival::HydrogensFirst)]
#[case::two_oxygens_first(2, 40, Arrival::OxygensFirst)]
#[case::two_shuffled(2, 40, Arrival::Shuffled)]
#[case::ten_hydrogens_first(10, 10, Arrival::HydrogensFirst)]
#[case::ten_oxygens_first(10, 10, Arrival::OxygensFirst)]
#[case::ten_ohh(10, 10, Arrival::Ohh)]
#[case::ten_shuffled(10, 10, Arrival::Shuffled)]
#[case::forty_hydrogens_first(40, 2, Arrival::HydrogensFirst)]
#[case::forty_oxygens_first(40, 2, Arrival::OxygensFirst)]
#[case::forty_shuffled(40, 3, Arrival::Shuffled)]
fn molecules_stay_whole_with_timing_varied(
    #[case] molecules: usize,
    #[case] runs: u64,
    #[case] order: Arrival,
) {
    let check = kata_test::check(&WHOLE_MOLECULES_UNDER_LOAD);
    for run in 0..runs {
        let seed = (molecules as u64) * 1_000_000 + (order as u64) * 10_000 + run;
        let mut jitter = Jitter::new(seed);
        let kata = Arc::new(H2O::new());
        let water = Arc::new(Water::new(molecules));
        let atoms = arrivals(order, molecules, &mut jitter);
        let threads = atoms
            .iter()
            .enumerate()
            .map(|(i, (atom, name))| {
                if i > 0 {
                    jitter.stall(MAX_START_GAP);
                }
                let (kata, water, log) = (
                    Arc::clone(&kata),
                    Arc::clone(&water),
                    Arc::clone(check.log()),
                );
                let mut callback_jitter = Jitter::new(jitter.next_u64());
                let (atom, name) = (*atom, name.clone());
                spawn(name.clone(), move || {
                    let w = log.worker(format!("{name} (run {run})"));
                    let call = w.call(format_args!(
                        "{}(release_{}), {molecules} molecules, seed {seed}",
                        atom.method(),
                        atom.method()
                    ));
                    atom.call(&kata, || {
                        water.release_with(atom, &name, |_| {
                            if callback_jitter.below(SLOW_ONE_IN) == 0 {
                                callback_jitter.stall(MAX_CALLBACK);
                            }
                        });
                    });
                    drop(call);
                })
            })
            .collect();
        kata_test::join_as_they_finish(threads);
        if let Some(why) = water.mismatch() {
            panic!("run {run} (seed {seed}, {molecules} molecules, atoms arriving {order}): {why}");
        }
    }
}

const POOL: Property = Property {
    name: "threads that call again and again (a pool) get their atoms released as whole molecules, for hundreds of releases",
    cause: "a counter that wraps (a u8 count of releases is off by one after 256 of them), or state that is right only for each thread's first call",
    book: "h2o",
};

#[test]
fn a_pool_of_threads_makes_hundreds_of_molecules() {
    let check = kata_test::check(&POOL);
    for run in 0..POOL_RUNS {
        let seed = 77_000 + run;
        let kata = Arc::new(H2O::new());
        let water = Arc::new(Water::new(POOL_MOLECULES));
        // The threads share two budgets of calls, 2 * molecules hydrogens
        // and `molecules` oxygens: each takes a ticket, calls, and comes back
        // for another. Fixed quotas per thread would not do: a thread left
        // behind would end up the only hydrogen with calls to make, needed
        // twice in one molecule, which the contract rules out.
        let tickets = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let workers: Vec<(Atom, usize, usize)> = (0..POOL_HYDROGEN_THREADS)
            .map(|k| (Atom::Hydrogen, k, 2 * POOL_MOLECULES))
            .chain((0..POOL_OXYGEN_THREADS).map(|k| (Atom::Oxygen, k, POOL_MOLECULES)))
            .collect();
        let threads = workers
            .into_iter()
            .map(|(atom, k, budget)| {
                let (kata, water, log, tickets) = (
                    Arc::clone(&kata),
                    Arc::clone(&water),
                    Arc::clone(check.log()),
                    Arc::clone(&tickets),
                );
                let name = format!("pool-{}", atom.thread(k));
                let mut jitter =
                    Jitter::new(seed * 100 + k as u64 * 2 + (atom == Atom::Oxygen) as u64);
                spawn(name.clone(), move || {
                    let w = log.worker(format!("{name} (run {run})"));
                    let budget_taken = &tickets[(atom == Atom::Oxygen) as usize];
                    // SeqCst: a plain shared counter; nothing to tune.
                    while budget_taken.fetch_add(1, Ordering::SeqCst) < budget {
                        let call = w.call(format_args!(
                            "{}(release_{}), seed {seed}",
                            atom.method(),
                            atom.method()
                        ));
                        atom.call(&kata, || {
                            water.release_with(atom, &name, |_| {
                                if jitter.below(SLOW_ONE_IN) == 0 {
                                    jitter.stall(MAX_CALLBACK);
                                }
                            });
                        });
                        drop(call);
                    }
                })
            })
            .collect();
        kata_test::join_as_they_finish(threads);
        if let Some(why) = water.mismatch() {
            panic!(
                "run {run} (seed {seed}, a pool of {POOL_HYDROGEN_THREADS} hydrogen and {POOL_OXYGEN_THREADS} oxygen threads, {POOL_MOLECULES} molecules): {why}"
            );
        }
    }
}
