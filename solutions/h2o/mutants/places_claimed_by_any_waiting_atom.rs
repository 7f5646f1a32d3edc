//! mutant: places-claimed-by-any-waiting-atom
//! stage: model
//! bug: a monitor that opens two hydrogen places and one oxygen place per molecule, claimed by whichever waiting atoms of that kind get the lock first. A thread's next atom can then take the place reserved for another thread's earlier atom; that atom waits for a molecule that needs the atoms its own thread has not sent yet, and everyone waits forever.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

/// What the monitor counts.
struct State {
    /// Atoms that have arrived and are not counted in a molecule yet.
    hydrogens_waiting: usize,
    oxygens_waiting: usize,
    /// Places of the molecule being released that no atom has claimed yet.
    hydrogen_places: usize,
    oxygen_places: usize,
    /// Members of the molecule being released whose callback has not
    /// returned yet. The next molecule is formed only when this is 0.
    unfinished: usize,
}

impl State {
    /// Forms the next molecule if its three atoms are here and the last
    /// molecule is done; returns whether it did.
    fn form(&mut self) -> bool {
        if self.unfinished > 0 || self.hydrogens_waiting < 2 || self.oxygens_waiting < 1 {
            return false;
        }
        self.hydrogens_waiting -= 2;
        self.oxygens_waiting -= 1;
        self.hydrogen_places = 2;
        self.oxygen_places = 1;
        self.unfinished = 3;
        true
    }
}

/// Lets hydrogen and oxygen threads go in molecules of two hydrogens and one
/// oxygen, one molecule after another.
pub struct H2O {
    state: Mutex<State>,
    /// Notified (all) when a molecule is formed.
    changed: Condvar,
}

#[derive(Clone, Copy, PartialEq)]
enum Atom {
    Hydrogen,
    Oxygen,
}

impl H2O {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                hydrogens_waiting: 0,
                oxygens_waiting: 0,
                hydrogen_places: 0,
                oxygen_places: 0,
                unfinished: 0,
            }),
            changed: Condvar::new(),
        }
    }

    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.bond(Atom::Hydrogen, release_hydrogen);
    }

    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.bond(Atom::Oxygen, release_oxygen);
    }

    fn bond(&self, atom: Atom, release: impl FnOnce()) {
        let mut state = self.state.lock();
        match atom {
            Atom::Hydrogen => state.hydrogens_waiting += 1,
            Atom::Oxygen => state.oxygens_waiting += 1,
        }
        if state.form() {
            self.changed.notify_all();
        }
        // BUG: any waiting atom of the right kind may claim a place, not the
        // ones the molecule was formed from.
        loop {
            let places = match atom {
                Atom::Hydrogen => &mut state.hydrogen_places,
                Atom::Oxygen => &mut state.oxygen_places,
            };
            if *places > 0 {
                *places -= 1;
                break;
            }
            self.changed.wait(&mut state);
        }
        drop(state);
        release();
        let mut state = self.state.lock();
        state.unfinished -= 1;
        if state.form() {
            self.changed.notify_all();
        }
    }
}
