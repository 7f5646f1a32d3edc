//! mutant: u8-release-count
//! stage: stress
//! bug: a molecule ends when the count of releases is a multiple of three, and the count is a `u8` that wraps after 256 releases (256 is not a multiple of three), so from the 86th molecule on, the next molecule is let in while this one's atoms are still being released.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

/// Lets hydrogen and oxygen threads go in molecules of two hydrogens and one
/// oxygen, one molecule after another.
pub struct H2O {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    /// Places left in the molecule being formed.
    hydrogen_places: usize,
    oxygen_place: usize,
    /// Members of the molecule being formed that have arrived.
    members: usize,
    /// Whether all three members are here (they may be released).
    formed: bool,
    /// Releases so far. One byte: "a molecule is only three atoms".
    released: u8,
}

impl H2O {
    /// Creates an `H2O` that has released nothing yet.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                hydrogen_places: 2,
                oxygen_place: 1,
                members: 0,
                formed: false,
                released: 0,
            }),
            changed: Condvar::new(),
        }
    }

    /// Calls `release_hydrogen` once, as one of the two hydrogens of a
    /// molecule, once the molecule is complete.
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.join_molecule(true, release_hydrogen);
    }

    /// Calls `release_oxygen` once, as the oxygen of a molecule, once the
    /// molecule is complete.
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.join_molecule(false, release_oxygen);
    }

    fn join_molecule(&self, hydrogen: bool, release: impl FnOnce()) {
        let mut s = self.state.lock();
        loop {
            let formed = s.formed;
            let places = if hydrogen {
                &mut s.hydrogen_places
            } else {
                &mut s.oxygen_place
            };
            if *places > 0 && !formed {
                *places -= 1;
                break;
            }
            self.changed.wait(&mut s);
        }
        s.members += 1;
        if s.members == 3 {
            s.formed = true;
            self.changed.notify_all();
        }
        while !s.formed {
            self.changed.wait(&mut s);
        }
        drop(s);
        release();
        let mut s = self.state.lock();
        s.released = s.released.wrapping_add(1);
        if s.released % 3 == 0 {
            // The molecule is done: open the places for the next one.
            s.hydrogen_places = 2;
            s.oxygen_place = 1;
            s.members = 0;
            s.formed = false;
            self.changed.notify_all();
        }
    }
}
