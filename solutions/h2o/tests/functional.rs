//! Stage 4 of 6, functional: molecules, one arrival order at a time.
//!
//! Atoms are started one at a time. After each start the test waits until
//! the new thread has been released, has returned, or is asleep in a
//! `kata_sync` primitive (a correct answer does one of these at once), so
//! the atoms arrive in exactly the case's order. Once every call has
//! returned, the record of releases must be whole molecules, one after
//! another.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Arrival, Atom, Water, arrivals};
use h2o::H2O;
use kata_test::jitter::Jitter;
use kata_test::record::Trace;
use kata_test::{EventLog, Property, spawn, wait};
use rstest::rstest;

/// How long a thread that should be asleep is given to misbehave before the
/// next one starts. Only a wrong answer waits this long.
const GRACE: Duration = Duration::from_millis(300);
/// How many polls in a row must see a thread blocked before the next thread
/// starts.
const ASLEEP: u32 = 3;

const ONE_MOLECULE: Property = Property {
    name: "two hydrogens and one oxygen are released as one molecule, whatever order they arrive in",
    cause: "an atom is not released, or released twice, once its molecule is complete: each call must run its callback exactly once, and every call must return once two hydrogens and an oxygen are there",
    book: "h2o",
};

const WHOLE_MOLECULES: Property = Property {
    name: "every consecutive group of three releases is two hydrogens and one oxygen, whatever order the atoms arrive in",
    cause: "atoms are let go without waiting for the rest of their molecule, so when one kind arrives first (all hydrogens first, say) a group gets three of a kind: the atoms of a molecule must wait for each other",
    book: "h2o",
};

const NEXT_MOLECULE_WAITS: Property = Property {
    name: "no atom of the next molecule is released until every atom of this one has been released",
    cause: "the next molecule can form while this one is still being released: whatever admits atoms to a molecule (a permit, a count) is handed back before this atom's release callback has returned",
    book: "h2o",
};

/// The atoms of one scenario, started one at a time.
struct Scenario {
    kata: Arc<H2O>,
    water: Arc<Water>,
    log: Arc<EventLog>,
    /// The threads whose call has returned.
    returned: Arc<Trace<String>>,
    threads: Vec<kata_sync::thread::JoinHandle<()>>,
}

impl Scenario {
    fn new(molecules: usize, log: &Arc<EventLog>) -> Self {
        Self {
            kata: Arc::new(H2O::new()),
            water: Arc::new(Water::new(molecules)),
            log: Arc::clone(log),
            returned: Arc::new(Trace::new()),
            threads: Vec::new(),
        }
    }

    /// Starts the thread named `name`, which calls `atom`'s method; its
    /// callback runs `during` while it is being released. Returns once the
    /// thread has been released, has returned, or is asleep.
    fn start_with(&mut self, atom: Atom, name: &str, during: impl FnOnce(usize) + Send + 'static) {
        let (kata, water, log, returned) = (
            Arc::clone(&self.kata),
            Arc::clone(&self.water),
            Arc::clone(&self.log),
            Arc::clone(&self.returned),
        );
        let thread = name.to_owned();
        self.threads.push(spawn(name, move || {
            let w = log.worker(&thread);
            let call = w.call(format_args!("{}(release_{})", atom.method(), atom.method()));
            atom.call(&kata, || water.release_with(atom, &thread, during));
            drop(call);
            returned.push(thread);
        }));
        let (water, returned) = (Arc::clone(&self.water), Arc::clone(&self.returned));
        wait::settle(name, ASLEEP, GRACE, || {
            water.has_begun(name) || returned.snapshot().iter().any(|t| t == name)
        });
    }

    fn start(&mut self, atom: Atom, name: &str) {
        self.start_with(atom, name, |_| {});
    }

    /// Joins every thread and checks the whole record.
    fn finish(self, order: &str) {
        kata_test::join_as_they_finish(self.threads);
        if let Some(why) = self.water.mismatch() {
            panic!("{why}\n(atoms arrived in the order {order})");
        }
    }
}

/// The arrival order as the report shows it: "hydrogen-1 hydrogen-2 oxygen-1".
fn order_of(atoms: &[(Atom, String)]) -> String {
    atoms
        .iter()
        .map(|(a, name)| format!("{a} ({name})"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[rstest]
#[case::hho(Arrival::Hho)]
#[case::hoh(Arrival::Hoh)]
#[case::ohh(Arrival::Ohh)]
fn one_molecule_is_released_whatever_the_arrival_order(#[case] order: Arrival) {
    let check = kata_test::check(&ONE_MOLECULE);
    let atoms = arrivals(order, 1, &mut Jitter::new(1));
    let mut s = Scenario::new(1, check.log());
    for (atom, name) in &atoms {
        s.start(*atom, name);
    }
    s.finish(&order_of(&atoms));
}

#[rstest]
#[case::two_hydrogens_first(2, Arrival::HydrogensFirst)]
#[case::three_hydrogens_first(3, Arrival::HydrogensFirst)]
#[case::two_oxygens_first(2, Arrival::OxygensFirst)]
#[case::three_oxygens_first(3, Arrival::OxygensFirst)]
#[case::three_hho(3, Arrival::Hho)]
#[case::three_hoh(3, Arrival::Hoh)]
#[case::three_ohh(3, Arrival::Ohh)]
#[case::five_shuffled(5, Arrival::Shuffled)]
fn molecules_are_released_whole_in_any_arrival_order(
    #[case] molecules: usize,
    #[case] order: Arrival,
) {
    let check = kata_test::check(&WHOLE_MOLECULES);
    let atoms = arrivals(order, molecules, &mut Jitter::new(molecules as u64));
    let mut s = Scenario::new(molecules, check.log());
    for (atom, name) in &atoms {
        s.start(*atom, name);
    }
    s.finish(&order_of(&atoms));
}

#[rstest]
#[case::hho(Arrival::Hho)]
#[case::hoh(Arrival::Hoh)]
#[case::ohh(Arrival::Ohh)]
#[case::hydrogens_first(Arrival::HydrogensFirst)]
#[case::oxygens_first(Arrival::OxygensFirst)]
fn the_next_molecule_waits_until_this_one_is_released(#[case] order: Arrival) {
    let check = kata_test::check(&NEXT_MOLECULE_WAITS);
    let atoms = arrivals(order, 2, &mut Jitter::new(2));
    let mut s = Scenario::new(2, check.log());
    // The first molecule's releases take their time: each waits until the
    // next molecule's atoms have all arrived and settled. A correct answer
    // keeps those asleep meanwhile; if one is released, the record shows it
    // beginning before this molecule's releases have ended.
    let open = Arc::new(AtomicBool::new(false));
    for (atom, name) in &atoms {
        let open = Arc::clone(&open);
        s.start_with(*atom, name, move |release| {
            if release < 3 {
                // SeqCst: a test flag; nothing to tune. The deadline only
                // keeps a broken test from hanging: the main thread opens
                // the gate long before.
                wait::until_done(|| open.load(Ordering::SeqCst));
            }
        });
    }
    open.store(true, Ordering::SeqCst);
    s.finish(&order_of(&atoms));
}
