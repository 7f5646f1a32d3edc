//! alternative: one-mutex-one-condvar
//! why: the semaphores and the barrier of the reference, built by hand as counters under one mutex with one condvar: free places per kind (held until the atom's callback has returned, as the semaphores' permits are), members of the molecule being formed, and a count of molecules formed that members wait on to move on (the barrier's generation). Every change is announced with `notify_all`, since the waiters on the one condvar wait for different things.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Condvar, Mutex};

const HYDROGEN: usize = 0;
const OXYGEN: usize = 1;

// ANCHOR: state
struct State {
    /// Free places in the molecule being formed, per kind.
    free: [usize; 2],
    /// Members of the molecule being formed that have arrived.
    arrived: usize,
    /// Molecules formed so far: a member waits for this to move on.
    formed: u64,
}
// ANCHOR_END: state

pub struct H2O {
    state: Mutex<State>,
    changed: Condvar,
}

impl H2O {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                free: [2, 1],
                arrived: 0,
                formed: 0,
            }),
            changed: Condvar::new(),
        }
    }

    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.join_molecule(HYDROGEN, release_hydrogen);
    }

    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.join_molecule(OXYGEN, release_oxygen);
    }

    // ANCHOR: join_molecule
    fn join_molecule(&self, kind: usize, release: impl FnOnce()) {
        let mut s = self.state.lock();
        while s.free[kind] == 0 {
            self.changed.wait(&mut s); // no place for my kind yet
        }
        s.free[kind] -= 1;
        s.arrived += 1;
        if s.arrived == 3 {
            // The third member completes the molecule and lets the others go.
            s.arrived = 0;
            s.formed += 1;
            self.changed.notify_all();
        } else {
            let mine = s.formed;
            while s.formed == mine {
                self.changed.wait(&mut s); // until my molecule is complete
            }
        }
        drop(s);
        release();
        self.state.lock().free[kind] += 1; // my place, only now
        self.changed.notify_all();
    }
    // ANCHOR_END: join_molecule
}
