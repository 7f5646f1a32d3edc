//! # Building H2O (LeetCode 1117)
//!
//! One `H2O` is shared by many threads. Each call is an atom: a thread
//! calls `hydrogen` or `oxygen`, and the atoms arrive in any order. Each
//! method is given a callback, `release_hydrogen` or `release_oxygen`, that
//! lets the atom go. Let the atoms go as whole water molecules:
//!
//! - every consecutive group of three releases is two hydrogens and one
//!   oxygen, in any order within the group: the 1st, 2nd and 3rd releases
//!   form the first molecule, the 4th to 6th the second, and so on;
//! - no atom of the next molecule is released before all three of this one
//!   are: the three callbacks of one molecule may run at the same time, but
//!   every callback of a molecule must have returned before any callback of
//!   the next molecule begins.
//!
//! ```text
//! arrivals: H H H H O O        releases: H H O | H H O
//! ```
//!
//! "Before" means that everything one molecule's callbacks did is visible to
//! the next molecule's: the suite's callbacks write to shared state that has
//! no lock of its own, and ordering them is your job.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, ...). Do not sleep to wait for another thread
//! (the facade stage refuses it). Busy-waiting is allowed and checked like
//! any other wait.
//!
//! What you may change: anything in this file except the public API below
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check h2o`.
//! Stuck? `cargo xtask hint h2o`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]
// The kata's API is exactly LeetCode's: `new` without `Default`.
#![allow(clippy::new_without_default)]

/// Lets hydrogen and oxygen threads go in molecules of two hydrogens and one
/// oxygen, one molecule after another.
///
/// `H2O` is shared by reference between the threads, so it must be
/// `Send + Sync`.
///
/// # Contract
///
/// Over the life of one `H2O`, `hydrogen` is called exactly twice as often as
/// `oxygen`, from threads started in any order, and then every call returns.
/// A thread whose call has returned may call again, as a pool's thread
/// would, but the suite never arranges the calls so that one thread is
/// needed twice in one molecule (its second call cannot start until its
/// first returns). A call whose molecule can never be completed (a third
/// hydrogen with no oxygen to come, say) waits forever: that is outside the
/// contract, and the suite never does it.
pub struct H2O {
    // TODO: add the state the two methods share.
}

impl H2O {
    /// Creates an `H2O` that has released nothing yet.
    pub fn new() -> Self {
        // TODO: build the initial state.
        todo!()
    }

    /// Calls `release_hydrogen` once, as one of the two hydrogens of a
    /// molecule, blocking the calling thread until it may. Returns after the
    /// callback has returned.
    pub fn hydrogen(&self, release_hydrogen: impl FnOnce()) {
        // TODO: wait until this hydrogen is part of a molecule that may go,
        // then release it.
        todo!()
    }

    /// Calls `release_oxygen` once, as the oxygen of a molecule, blocking the
    /// calling thread until it may. Returns after the callback has returned.
    pub fn oxygen(&self, release_oxygen: impl FnOnce()) {
        // TODO: as for `hydrogen`, for the molecule's one oxygen.
        todo!()
    }
}
