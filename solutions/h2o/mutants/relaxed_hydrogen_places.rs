//! mutant: relaxed-hydrogen-places
//! stage: model
//! bug: the hydrogens' places are an atomic count taken and handed back with `Ordering::Relaxed` (the oxygen's place is a semaphore): molecules still form one after another, but a hydrogen thread that is new to the next molecule need not see what this molecule's callbacks wrote, a data race that only a scenario with fresh hydrogen threads shows.
//!
//! # H2O: reference solution
//!
//! Two semaphores decide *who* may form the next molecule: the hydrogens'
//! holds two permits and the oxygens' one, so at most two hydrogens and one
//! oxygen take part in a molecule at a time. A barrier for three decides
//! *when* they go: nobody is released until the other two members have
//! arrived. And because each thread hands its permit back only after its
//! callback has returned, the next molecule cannot gather its three members
//! (there are only three permits) until every callback of this one is done.
//!
//! Every hand-over goes through a lock (the semaphores and the barrier are a
//! `Mutex` and a `Condvar` inside), so each callback of one molecule also
//! happens-before every callback of the next: what one molecule wrote, the
//! next one sees.
//!
//! A single `Mutex` with a `Condvar` and counters works too, but it has to
//! track three things by hand (who is waiting, who has been picked, how many
//! of the molecule have finished); the semaphores and the barrier each do
//! one of those jobs. The book's chapter compares the two.

// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

use kata_sync::{Barrier, Semaphore};
use kata_sync::atomic::{AtomicUsize, Ordering};

// ANCHOR: places
/// A count of free places, taken and handed back without a lock.
struct Places(AtomicUsize);

/// A place in the molecule being formed: a semaphore's permit, or a slot in
/// a `Places` count.
trait Place {
    fn take(&self);
    fn give_back(&self);
}

impl Place for Semaphore {
    fn take(&self) {
        self.acquire();
    }

    fn give_back(&self) {
        self.release();
    }
}

impl Place for Places {
    fn take(&self) {
        loop {
            let free = self.0.load(Ordering::Relaxed);
            if free > 0
                && self
                    .0
                    .compare_exchange(free, free - 1, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                return;
            }
            kata_sync::thread::yield_now();
        }
    }

    fn give_back(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}
// ANCHOR_END: places

// ANCHOR: state
/// Lets hydrogen and oxygen threads go in molecules of two hydrogens and one
/// oxygen, one molecule after another.
pub struct H2O {
    /// Places for hydrogens in the molecule being formed: two permits. A
    /// permit is held from arrival until the holder's callback has returned.
    // BUG: Relaxed atomics; the oxygen's place is a semaphore.
    hydrogen_places: Places,
    /// The oxygen's place in the molecule being formed: one permit, held the
    /// same way.
    oxygen_place: Semaphore,
    /// Holds the three members of a molecule until all three have arrived.
    /// The three threads that meet here are always the three permit holders,
    /// since there are only three permits.
    bond: Barrier,
}
// ANCHOR_END: state

impl H2O {
    /// Creates an `H2O` that has released nothing yet.
    pub fn new() -> Self {
        Self {
            hydrogen_places: Places(AtomicUsize::new(2)),
            oxygen_place: Semaphore::new(1),
            bond: Barrier::new(3),
        }
    }

    // ANCHOR: methods
    /// Calls `release_hydrogen` once, as one of the two hydrogens of a
    /// molecule, once the molecule is complete.
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        self.join_molecule(&self.hydrogen_places, release_hydrogen);
    }

    /// Calls `release_oxygen` once, as the oxygen of a molecule, once the
    /// molecule is complete.
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        self.join_molecule(&self.oxygen_place, release_oxygen);
    }
    // ANCHOR_END: methods

    // ANCHOR: join_molecule
    /// Takes a place in the next molecule, waits for the other two members,
    /// runs the callback, and gives the place back.
    fn join_molecule(&self, places: &impl Place, release: impl FnOnce()) {
        places.take();
        // All three members meet here, so none is released before the
        // molecule is complete. Without it, nothing makes the atoms of a
        // molecule wait for each other: while oxygen is slow to arrive,
        // hydrogens pass their places on to more hydrogens, and the groups
        // of three interleave.
        self.bond.wait();
        release();
        // Only now, with this callback returned, may a thread of the next
        // molecule take this place. Handing it back before `release()` (or
        // before the barrier) would let the next molecule form and run its
        // callbacks while this one's still run.
        places.give_back();
    }
    // ANCHOR_END: join_molecule
}
