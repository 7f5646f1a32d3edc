//! What the H2O suites share: the atoms as values, the arrival orders, the
//! record the release callbacks write, and how a wrong record is described.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::fmt;

use h2o::H2O;
use kata_test::jitter::Jitter;
use kata_test::record::{Trace, Unsync};

/// The kind of atom a thread is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Atom {
    Hydrogen,
    Oxygen,
}

pub use Atom::{Hydrogen, Oxygen};

impl Atom {
    /// Calls this atom's method on `kata` with `release` as its callback.
    pub fn call(self, kata: &H2O, release: impl FnOnce()) {
        match self {
            Hydrogen => kata.hydrogen(release),
            Oxygen => kata.oxygen(release),
        }
    }

    /// The method's name.
    pub fn method(self) -> &'static str {
        match self {
            Hydrogen => "hydrogen",
            Oxygen => "oxygen",
        }
    }

    /// The name of the thread that is the `k`-th atom of this kind (from 1),
    /// as reports show it.
    pub fn thread(self, k: usize) -> String {
        format!("{}-{k}", self.method())
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Hydrogen => "H",
            Oxygen => "O",
        })
    }
}

/// The order in which the atoms of a scenario arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Every hydrogen, then every oxygen.
    HydrogensFirst,
    /// Every oxygen, then every hydrogen.
    OxygensFirst,
    /// H H O, H H O, ...
    Hho,
    /// H O H, H O H, ...
    Hoh,
    /// O H H, O H H, ...
    Ohh,
    /// A seeded random order.
    Shuffled,
}

impl fmt::Display for Arrival {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arrival::HydrogensFirst => "all hydrogens first",
            Arrival::OxygensFirst => "all oxygens first",
            Arrival::Hho => "H H O, H H O, ...",
            Arrival::Hoh => "H O H, H O H, ...",
            Arrival::Ohh => "O H H, O H H, ...",
            Arrival::Shuffled => "shuffled",
        })
    }
}

/// The atoms of `molecules` molecules, in the order they arrive, each with
/// its thread's name.
pub fn arrivals(order: Arrival, molecules: usize, jitter: &mut Jitter) -> Vec<(Atom, String)> {
    let kinds: Vec<Atom> = match order {
        Arrival::HydrogensFirst => {
            [vec![Hydrogen; 2 * molecules], vec![Oxygen; molecules]].concat()
        }
        Arrival::OxygensFirst => [vec![Oxygen; molecules], vec![Hydrogen; 2 * molecules]].concat(),
        Arrival::Hho => [Hydrogen, Hydrogen, Oxygen].repeat(molecules),
        Arrival::Hoh => [Hydrogen, Oxygen, Hydrogen].repeat(molecules),
        Arrival::Ohh => [Oxygen, Hydrogen, Hydrogen].repeat(molecules),
        Arrival::Shuffled => {
            let mut kinds = [Hydrogen, Hydrogen, Oxygen].repeat(molecules);
            jitter.shuffle(&mut kinds);
            kinds
        }
    };
    let (mut h, mut o) = (0, 0);
    kinds
        .into_iter()
        .map(|atom| {
            let k = match atom {
                Hydrogen => {
                    h += 1;
                    h
                }
                Oxygen => {
                    o += 1;
                    o
                }
            };
            (atom, atom.thread(k))
        })
        .collect()
}

/// One step of what the release callbacks did, in the order it happened.
#[derive(Clone, Debug)]
pub enum Event {
    /// A release callback began.
    Began { atom: Atom, thread: String },
    /// The release callback that was the `release`-th to begin (from 0)
    /// returned.
    Ended { release: usize },
}

const LINK: &str = "what a release of one molecule and a release of the next both write";

/// What the release callbacks record.
///
/// `events` is a [`Trace`]: callbacks of one molecule may run at the same
/// time, so it is only the order things happened in, and its lock is std's,
/// which loom does not see. The happens-before check is `links`: one
/// [`Unsync`] cell for every pair of a release in molecule k and a release in
/// molecule k + 1, which both of them write. Loom sees each cell as an
/// `UnsafeCell`, so unless every release of a molecule happens-before every
/// release of the next one, two writes race. Releases of the same molecule
/// share no cell, so they may overlap freely.
pub struct Water {
    molecules: usize,
    events: Trace<Event>,
    links: Vec<Unsync<()>>,
}

impl Water {
    /// A record for a scenario of `molecules` molecules.
    pub fn new(molecules: usize) -> Self {
        Self {
            molecules,
            events: Trace::new(),
            links: (0..molecules.saturating_sub(1) * 9)
                .map(|_| Unsync::new(LINK, ()))
                .collect(),
        }
    }

    /// The release callback of `atom`, the thread named `thread`.
    pub fn release(&self, atom: Atom, thread: &str) {
        self.release_with(atom, thread, |_| {});
    }

    /// The release callback of `atom`, which runs `during` (given the number
    /// of this release, from 0) while it is being released: to take its
    /// time, or to hold this molecule while the test watches the next.
    pub fn release_with(&self, atom: Atom, thread: &str, during: impl FnOnce(usize)) {
        let at = self.events.push_numbered(Event::Began {
            atom,
            thread: thread.to_owned(),
        });
        // The number of this release: how many began before it.
        let release = self.events.snapshot()[..at]
            .iter()
            .filter(|e| matches!(e, Event::Began { .. }))
            .count();
        self.touch_links(release);
        during(release);
        self.touch_links(release);
        self.events.push(Event::Ended { release });
    }

    /// Writes every cell this release shares with the releases of the
    /// molecules just before and just after its own.
    fn touch_links(&self, release: usize) {
        let (molecule, place) = (release / 3, release % 3);
        if molecule >= self.molecules {
            return; // more releases than atoms: `check` reports it
        }
        for other in 0..3 {
            if molecule > 0 {
                self.link(molecule - 1, other, place).with_mut(|()| ());
            }
            if molecule + 1 < self.molecules {
                self.link(molecule, place, other).with_mut(|()| ());
            }
        }
    }

    /// The cell shared by the release at `earlier` in molecule `molecule`
    /// and the release at `later` in molecule `molecule + 1`.
    fn link(&self, molecule: usize, earlier: usize, later: usize) -> &Unsync<()> {
        &self.links[(molecule * 3 + earlier) * 3 + later]
    }

    /// What has happened so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.snapshot()
    }

    /// How many release callbacks have begun so far.
    pub fn began(&self) -> usize {
        self.events()
            .iter()
            .filter(|e| matches!(e, Event::Began { .. }))
            .count()
    }

    /// Whether the thread named `thread` has begun its release.
    pub fn has_begun(&self, thread: &str) -> bool {
        self.events()
            .iter()
            .any(|e| matches!(e, Event::Began { thread: t, .. } if t == thread))
    }

    /// Checks the whole record, once every atom's call has returned: why it
    /// is not `molecules` whole molecules released one after another, or
    /// `None` if it is.
    pub fn mismatch(&self) -> Option<String> {
        mismatch(&self.events(), self.molecules)
    }
}

/// Why `events` are not `molecules` molecules released one after another,
/// or `None` if they are.
pub fn mismatch(events: &[Event], molecules: usize) -> Option<String> {
    let mut released: Vec<(Atom, &str)> = Vec::new();
    let mut ended: Vec<bool> = Vec::new();
    for event in events {
        match event {
            Event::Began { atom, thread } => {
                let release = released.len();
                let (molecule, place) = (release / 3, release % 3);
                released.push((*atom, thread));
                ended.push(false);
                if molecule >= molecules {
                    return Some(format!(
                        "{} atoms were released, but only {} arrived: {} was released twice?\nreleases: {}",
                        release + 1,
                        3 * molecules,
                        thread,
                        groups(&released)
                    ));
                }
                let group = &released[molecule * 3..];
                let count = |a: Atom| group.iter().filter(|(x, _)| *x == a).count();
                if count(Hydrogen) > 2 || count(Oxygen) > 1 {
                    return Some(format!(
                        "release #{} ({atom}, {thread}) makes molecule {} {}: every group of three releases must be two hydrogens and one oxygen\nreleases: {}",
                        release + 1,
                        molecule + 1,
                        group.iter().map(|(a, _)| a.to_string()).collect::<String>(),
                        groups(&released)
                    ));
                }
                if molecule > 0 {
                    let unfinished: Vec<String> = (molecule * 3 - 3..molecule * 3)
                        .filter(|r| !ended[*r])
                        .map(|r| format!("{} ({})", released[r].1, released[r].0))
                        .collect();
                    if !unfinished.is_empty() {
                        return Some(format!(
                            "{thread} ({atom}) was released, as atom {} of molecule {}, while the release of {} in molecule {} had not finished: the next molecule must wait until every atom of this one has been released\nreleases: {}",
                            place + 1,
                            molecule + 1,
                            unfinished.join(" and "),
                            molecule,
                            groups(&released)
                        ));
                    }
                }
            }
            Event::Ended { release } => {
                if let Some(e) = ended.get_mut(*release) {
                    *e = true;
                }
            }
        }
    }
    if released.len() < 3 * molecules {
        return Some(format!(
            "only {} of the {} atoms were released, yet every call returned: each call must run its release callback exactly once\nreleases: {}",
            released.len(),
            3 * molecules,
            groups(&released)
        ));
    }
    None
}

/// The releases, three to a molecule: "HHO OHH HO", the last few only.
fn groups(released: &[(Atom, &str)]) -> String {
    const SHOWN: usize = 6;
    let molecules: Vec<String> = released
        .chunks(3)
        .map(|g| g.iter().map(|(a, _)| a.to_string()).collect())
        .collect();
    let skip = molecules.len().saturating_sub(SHOWN);
    let more = if skip > 0 {
        format!("({skip} whole molecules before) ")
    } else {
        String::new()
    };
    format!("{more}{}", molecules[skip..].join(" "))
}
