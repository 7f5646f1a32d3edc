//! Stage 6 of 7, model: every interleaving of small races, under loom.
//!
//! Each `init` writes to a side cell the suite owns (a loom-tracked
//! `UnsafeCell`), and every caller that gets the value reads it. Unless
//! seeing the value happens-after `init`'s write (a Release when the cell is
//! filled, an Acquire when it is seen full), loom reports the read as a data
//! race, at its line; with the cell's own `UnsafeCell` it usually reports the
//! kata's read of the value first. `init`'s runs are counted outside the
//! model. Each `init` yields once in the middle, so that the other callers
//! find it running in some interleaving at every preemption bound, and must
//! wait for it.
//!
//! Scenarios are two or three threads at the default preemption bound of 3.
#![cfg(loom)]

mod common;

use std::sync::atomic::AtomicUsize;

use common::{Counted, count};
use kata_sync::Arc;
use kata_sync::cell::UnsafeCell;
use kata_test::{Property, model, spawn};
use once_cell::OnceCell;

const ONCE_AND_VISIBLE: Property = Property {
    name: "in every interleaving, init runs exactly once, every caller gets its value, and everything init wrote is visible to every caller that sees the value",
    cause: "the flag that says the cell is full is stored without Release or loaded without Acquire (broken double-checked locking), or the check is not repeated under the lock, so a second init runs",
    book: "once-cell-orderings",
};

const DROPS_ONCE: Property = Property {
    name: "in every interleaving, the cell's value is dropped exactly once, when the cell is",
    cause: "a losing caller's value is stored over the winner's, or the value is leaked",
    book: "once-cell",
};

/// What `init` writes besides the value, and callers read after getting it.
struct Side(UnsafeCell<u64>);

// SAFETY: the point of the side cell is to be shared and checked: under loom
// every access is tracked and a race is reported before any reference is
// used; on real threads this file is not compiled.
unsafe impl Sync for Side {}

struct Shared {
    cell: OnceCell<Counted>,
    side: Side,
    inits: std::sync::Arc<AtomicUsize>,
    drops: std::sync::Arc<AtomicUsize>,
}

impl Shared {
    fn new() -> Self {
        Self {
            cell: OnceCell::new(),
            side: Side(UnsafeCell::new(0)),
            inits: std::sync::Arc::new(AtomicUsize::new(0)),
            drops: std::sync::Arc::new(AtomicUsize::new(0)),
        }
    }

    /// `get_or_init` as thread `id`, then reads what init wrote.
    fn call(&self, id: usize) -> usize {
        let v = self.cell.get_or_init(|| {
            self.inits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            // SAFETY: tracked by loom, which reports a racing access.
            self.side.0.with_mut(|s| unsafe { *s = 100 + id as u64 });
            // A slow init: let another thread run while this one is in
            // init. Even at preemption bound 0 the other callers then find
            // an init running, and one that waits without yielding keeps
            // running forever, which loom reports.
            kata_sync::thread::yield_now();
            Counted::new(id, &self.drops)
        });
        self.check_side(v.id);
        v.id
    }

    /// `get`, and if it saw a value, reads what init wrote.
    fn look(&self) -> Option<usize> {
        let v = self.cell.get()?;
        self.check_side(v.id);
        Some(v.id)
    }

    fn check_side(&self, winner: usize) {
        // SAFETY: tracked by loom, which reports a racing access.
        let side = self.side.0.with(|s| unsafe { *s });
        assert_eq!(
            side,
            100 + winner as u64,
            "a caller got the value of init #{winner}, but not what that init wrote before returning"
        );
    }
}

fn race(callers: usize, looker: bool) {
    model::run(move || {
        let shared = Arc::new(Shared::new());
        let threads: Vec<_> = (1..callers)
            .map(|id| {
                let shared = Arc::clone(&shared);
                spawn(format!("caller-{id}"), move || shared.call(id))
            })
            .collect();
        let looked = if looker {
            let shared = Arc::clone(&shared);
            Some(spawn("looker", move || shared.look()))
        } else {
            None
        };
        let mine = shared.call(0);
        for t in threads {
            let theirs = kata_test::join(t);
            assert_eq!(
                theirs, mine,
                "two callers got different values: init #{theirs} and init #{mine}"
            );
        }
        if let Some(t) = looked
            && let Some(seen) = kata_test::join(t)
        {
            assert_eq!(
                seen, mine,
                "get returned init #{seen}'s value, get_or_init init #{mine}'s"
            );
        }
        let inits = count(&shared.inits);
        assert_eq!(inits, 1, "init ran {inits} times");
    });
}

#[test]
fn two_callers_race_once_and_see_init_in_every_interleaving() {
    let _check = kata_test::check(&ONCE_AND_VISIBLE);
    race(2, false);
}

#[test]
fn a_reader_sees_init_whenever_it_sees_the_value_in_every_interleaving() {
    let _check = kata_test::check(&ONCE_AND_VISIBLE);
    race(1, true);
}

#[test]
fn three_callers_race_once_in_every_interleaving() {
    let _check = kata_test::check(&ONCE_AND_VISIBLE);
    race(3, false);
}

#[test]
fn the_value_is_dropped_once_in_every_interleaving() {
    let _check = kata_test::check(&DROPS_ONCE);
    model::run(|| {
        let shared = Arc::new(Shared::new());
        let t = {
            let shared = Arc::clone(&shared);
            spawn("caller-1", move || {
                shared.call(1);
            })
        };
        shared.call(0);
        kata_test::join(t);
        let drops = std::sync::Arc::clone(&shared.drops);
        drop(shared);
        let n = count(&drops);
        assert_eq!(n, 1, "the cell's value was dropped {n} times");
    });
}
