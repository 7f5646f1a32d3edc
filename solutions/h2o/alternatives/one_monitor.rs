//! alternative: one-monitor
//! why: one mutex and one condvar with counters, the textbook monitor. Atoms take a ticket per kind as they arrive; a molecule is formed under the lock only when two hydrogens and an oxygen are waiting and the previous molecule's three callbacks have all returned, and it admits the two oldest hydrogen tickets and the oldest oxygen one. Tickets, not free-for-all places: if any waiting atom could take a place, a thread's next atom could take the place of another thread's earlier one, and with the atoms that thread still owes never arriving, the rest wait forever. Every hand-over is under the one lock, so each molecule's callbacks happen-before the next molecule's.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

/// What the monitor counts. Tickets count up from 0 per kind; an atom with
/// ticket `t` may go once `t < admitted`.
struct State {
    hydrogens_arrived: u64,
    oxygens_arrived: u64,
    hydrogens_admitted: u64,
    oxygens_admitted: u64,
    /// Members of the molecule being released whose callback has not
    /// returned yet. The next molecule is formed only when this is 0.
    unfinished: usize,
}

impl State {
    /// Forms the next molecule if its three atoms are waiting and the last
    /// molecule is done; returns whether it did.
    fn form(&mut self) -> bool {
        let hydrogens = self.hydrogens_arrived - self.hydrogens_admitted;
        let oxygens = self.oxygens_arrived - self.oxygens_admitted;
        if self.unfinished > 0 || hydrogens < 2 || oxygens < 1 {
            return false;
        }
        self.hydrogens_admitted += 2;
        self.oxygens_admitted += 1;
        self.unfinished = 3;
        true
    }
}

/// Lets hydrogen and oxygen threads go in molecules of two hydrogens and one
/// oxygen, one molecule after another.
pub struct H2O {
    state: Mutex<State>,
    /// Notified (all) when a molecule is formed: each waiting atom checks
    /// its own ticket.
    formed: Condvar,
}

impl H2O {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                hydrogens_arrived: 0,
                oxygens_arrived: 0,
                hydrogens_admitted: 0,
                oxygens_admitted: 0,
                unfinished: 0,
            }),
            formed: Condvar::new(),
        }
    }

    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        let mut state = self.state.lock();
        let ticket = state.hydrogens_arrived;
        state.hydrogens_arrived += 1;
        if state.form() {
            self.formed.notify_all();
        }
        while ticket >= state.hydrogens_admitted {
            self.formed.wait(&mut state);
        }
        drop(state);
        self.release(release_hydrogen);
    }

    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        let mut state = self.state.lock();
        let ticket = state.oxygens_arrived;
        state.oxygens_arrived += 1;
        if state.form() {
            self.formed.notify_all();
        }
        while ticket >= state.oxygens_admitted {
            self.formed.wait(&mut state);
        }
        drop(state);
        self.release(release_oxygen);
    }

    /// Runs an admitted atom's callback, then counts it finished; the last
    /// of a molecule to finish may form the next one.
    fn release(&self, callback: impl FnOnce()) {
        // The other two members may run their callbacks at the same time;
        // the next molecule cannot be formed until all three have returned.
        callback();
        let mut state = self.state.lock();
        state.unfinished -= 1;
        if state.form() {
            self.formed.notify_all();
        }
    }
}
