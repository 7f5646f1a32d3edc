//! Stage 6 of 7, model: every interleaving of small scenarios, under loom.
//!
//! Under loom the lock's `UnsafeCell` and the suite's
//! [`Unsync`](kata_test::record::Unsync) are loom's tracked cells: an access
//! that is not ordered after the previous holder's by a happens-before edge
//! is reported as a data race, at the line that made it. So these scenarios
//! check more than exclusion: a `Relaxed` lock or unlock excludes well
//! enough on x86 and still fails here, as it should, because the unlock
//! publishes nothing to the next holder.
//!
//! Scenarios are two threads (main and one spawned), each taking the lock
//! once or twice, at the default preemption bound of 3; each runs in well
//! under a second warm.
#![cfg(loom)]

mod common;

use common::Lock;
use kata_sync::Arc;
use kata_test::record::Unsync;
use kata_test::{Property, model, spawn};
use spin_lock::{SpinLock, TicketLock};

const HAPPENS_BEFORE: Property = Property {
    name: "in every interleaving, each critical section happens-before the next one: no two overlap, and the next holder sees everything the last one wrote",
    cause: "the lock is not taken with an Acquire or not let go with a Release (a Relaxed ordering publishes nothing), or two threads can both see the lock free (a test and a set that are two operations, a ticket read and then written back)",
    book: "spin-lock-orderings",
};

const TRY_LOCK_EDGE: Property = Property {
    name: "in every interleaving, a try_lock that succeeds sees everything the last holder wrote, and one that fails returns at once",
    cause: "try_lock's successful compare_exchange is not an Acquire, or try_lock waits (it must make one attempt)",
    book: "spin-lock-orderings",
};

/// Main and one spawned thread each run `sections` critical sections, each
/// writing the lock's value and the suite's own cell.
fn two_threads<L: Lock<u64>>(sections: u64) {
    model::run(move || {
        let shared = Arc::new((
            L::new(0),
            Unsync::new("the suite's counter, written only inside the lock", 0_u64),
        ));
        let t = {
            let shared = Arc::clone(&shared);
            spawn("other", move || enter(&shared, sections))
        };
        enter(&shared, sections);
        kata_test::join(t);
        let inside = shared.0.with(|v| *v);
        let outside = shared.1.with_mut(|o| *o);
        assert_eq!(
            (inside, outside),
            (2 * sections, 2 * sections),
            "{}: two threads ran {sections} critical sections each, but the counters read {inside} (the lock's) and {outside} (the suite's)",
            L::NAME
        );
    });
}

/// Runs `sections` critical sections, each writing the lock's value and the
/// suite's own cell.
fn enter<L: Lock<u64>>(shared: &(L, Unsync<u64>), sections: u64) {
    for _ in 0..sections {
        shared.0.with(|v| {
            shared.1.with_mut(|o| *o += 1);
            // A long critical section: let the other thread run while this
            // one holds the lock. Even at preemption bound 0 it then finds
            // the lock held and must wait; a wait that never calls
            // spin_loop or yield_now keeps running forever, which loom
            // reports.
            kata_sync::thread::yield_now();
            *v += 1;
        });
    }
}

#[test]
fn spin_lock_orders_critical_sections_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    two_threads::<SpinLock<u64>>(2);
}

#[test]
fn ticket_lock_orders_critical_sections_in_every_interleaving() {
    let _check = kata_test::check(&HAPPENS_BEFORE);
    two_threads::<TicketLock<u64>>(2);
}

#[test]
fn try_lock_sees_the_last_holder_in_every_interleaving() {
    let _check = kata_test::check(&TRY_LOCK_EDGE);
    model::run(|| {
        let shared = Arc::new((
            SpinLock::new(0_u64),
            Unsync::new("the suite's counter, written only inside the lock", 0_u64),
        ));
        let t = {
            let shared = Arc::clone(&shared);
            spawn("locker", move || {
                let mut g = shared.0.lock();
                shared.1.with_mut(|o| *o += 1);
                *g += 1;
            })
        };
        let got = shared.0.try_lock().map(|mut g| {
            shared.1.with_mut(|o| *o += 1);
            *g += 1;
        });
        kata_test::join(t);
        let want = if got.is_some() { 2 } else { 1 };
        let inside = *shared.0.lock();
        assert_eq!(
            inside, want,
            "the lock's counter reads {inside} after {want} critical sections"
        );
    });
}
