//! Stage 4 of 7, functional: each property of the cell, scenario by scenario,
//! on real threads.
//!
//! Races are forced, not timed: a first caller's `init` does not return
//! until the test lets it, so a second caller is certain to arrive while
//! `init` runs. The test then waits until that second caller is waiting (it
//! is blocked in a `kata_sync` primitive, or has called `spin_loop` or
//! `yield_now`, which check builds count per thread), or has done something
//! it must not do (run its own `init`, or return).

// Real threads only. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::{Counted, count};
use kata_test::{Property, expect_panic, spawn, wait};
use once_cell::OnceCell;

const EMPTY_THEN_FULL: Property = Property {
    name: "a new cell is empty; get_or_init fills it once, and from then on every call returns that value without running its init",
    cause: "get does not see the value get_or_init stored, or get_or_init runs init on a full cell, or returns a different value than the stored one",
    book: "once-cell",
};

const LOSERS_WAIT: Property = Property {
    name: "a caller that arrives while init runs waits for it, does not run its own init, and returns the winner's value",
    cause: "init runs without excluding the other callers (outside the lock, or after a check that is not repeated under it), so a second caller runs its own; or a waiter returns before the value is there, or waits in a loop that never calls kata_sync::hint::spin_loop or thread::yield_now",
    book: "once-cell",
};

const PANIC_RETRY: Property = Property {
    name: "after an init panics, the cell is empty and a later get_or_init runs its own init",
    cause: "a panicking init leaves the cell marked as being initialised (or poisoned) forever: restore the empty state when init unwinds (a guard whose Drop does it runs during a panic too)",
    book: "once-cell-panics",
};

const DROPS_ONCE: Property = Property {
    name: "the cell drops its value exactly once, when it is dropped, and an empty cell drops nothing",
    cause: "the value is leaked (kept in a ManuallyDrop or MaybeUninit with no Drop for the cell), dropped twice, or created and thrown away",
    book: "once-cell",
};

#[test]
fn a_cell_is_filled_once_and_keeps_its_value() {
    let _check = kata_test::check(&EMPTY_THEN_FULL);
    let cell = OnceCell::new();
    assert!(cell.get().is_none(), "a new cell's get returned a value");
    let first: &String = cell.get_or_init(|| String::from("first"));
    assert_eq!(first, "first");
    let second = cell.get_or_init(|| panic!("get_or_init ran init on a full cell"));
    assert!(
        std::ptr::eq(first, second),
        "two calls to get_or_init on a full cell returned references to different values"
    );
    let got = cell.get().expect("get returned None on a full cell");
    assert!(
        std::ptr::eq(first, got),
        "get returned a different value than get_or_init"
    );
}

/// The first caller's `init` waits on a gate the test opens; a second caller
/// arrives meanwhile and must wait, not run its own `init`.
#[test]
fn a_second_caller_waits_for_the_running_init() {
    let check = kata_test::check(&LOSERS_WAIT);
    let cell = Arc::new(OnceCell::new());
    let gate = Arc::new(AtomicBool::new(false));
    let in_init = Arc::new(AtomicBool::new(false));
    let second_ran_init = Arc::new(AtomicBool::new(false));

    let first = {
        let (cell, gate, in_init, log) = (
            Arc::clone(&cell),
            Arc::clone(&gate),
            Arc::clone(&in_init),
            Arc::clone(check.log()),
        );
        spawn("first-caller", move || {
            let w = log.worker("first-caller");
            let _call = w.call(format_args!("get_or_init, whose init waits for the test"));
            let v: &u32 = cell.get_or_init(|| {
                // SeqCst: the test's own flags; nothing to tune.
                in_init.store(true, Ordering::SeqCst);
                wait::until(Duration::MAX, || gate.load(Ordering::SeqCst));
                1
            });
            *v
        })
    };
    assert!(
        wait::until_done(|| in_init.load(Ordering::SeqCst)),
        "the first caller's init did not start"
    );

    let second = {
        let (cell, flag, log) = (
            Arc::clone(&cell),
            Arc::clone(&second_ran_init),
            Arc::clone(check.log()),
        );
        spawn("second-caller", move || {
            let w = log.worker("second-caller");
            let _call = w.call(format_args!("get_or_init while the first init runs"));
            *cell.get_or_init(|| {
                flag.store(true, Ordering::SeqCst);
                2
            })
        })
    };
    let waiting = wait::until_done(|| {
        second_ran_init.load(Ordering::SeqCst)
            || second.is_finished()
            || kata_test::spins("second-caller") > 0
            || kata_test::blocked_threads()
                .iter()
                .any(|(t, _, _)| t == "second-caller")
    });
    assert!(
        !second_ran_init.load(Ordering::SeqCst),
        "a second caller ran its own init while the first caller's init was still running: init must run at most once"
    );
    assert!(
        !second.is_finished(),
        "a second caller's get_or_init returned while the first caller's init was still running: it must wait for the value"
    );
    assert!(
        cell.get().is_none(),
        "get returned a value while the only init was still running"
    );
    assert!(
        waiting,
        "a second caller neither waited (blocked in a kata_sync primitive, or calling kata_sync::hint::spin_loop or thread::yield_now) nor returned"
    );
    gate.store(true, Ordering::SeqCst);
    let results = kata_test::join_as_they_finish(vec![first, second]);
    assert_eq!(
        results,
        [1, 1],
        "the two callers got {results:?}: both must get the first caller's value"
    );
}

#[test]
fn a_panicking_init_leaves_the_cell_empty_and_usable() {
    let _check = kata_test::check(&PANIC_RETRY);
    let cell = Arc::new(OnceCell::<u32>::new());
    let message = expect_panic("get_or_init with an init that panics", || {
        cell.get_or_init(|| panic!("the suite's own panic, inside init"));
    });
    assert!(
        message.contains("the suite's own panic"),
        "get_or_init panicked with {message:?} instead of passing init's panic on"
    );
    assert!(
        cell.get().is_none(),
        "after init panicked, get returned a value"
    );
    let again = {
        let cell = Arc::clone(&cell);
        spawn("after-the-panic", move || *cell.get_or_init(|| 7))
    };
    assert!(
        wait::until_done(|| again.is_finished()),
        "after an init panicked, a later get_or_init did not return: the cell is stuck as if an init were still running"
    );
    assert_eq!(kata_test::join(again), 7);
    assert_eq!(cell.get(), Some(&7));
}

/// A caller waiting for an `init` that then panics must not wait forever,
/// nor return the missing value: it runs its own `init`.
#[test]
fn a_waiter_runs_its_own_init_after_the_running_one_panics() {
    let check = kata_test::check(&PANIC_RETRY);
    let cell = Arc::new(OnceCell::new());
    let gate = Arc::new(AtomicBool::new(false));
    let in_init = Arc::new(AtomicBool::new(false));

    let first = {
        let (cell, gate, in_init) = (Arc::clone(&cell), Arc::clone(&gate), Arc::clone(&in_init));
        spawn("panicking-caller", move || {
            expect_panic("get_or_init whose init panics", || {
                cell.get_or_init(|| {
                    in_init.store(true, Ordering::SeqCst);
                    wait::until(Duration::MAX, || gate.load(Ordering::SeqCst));
                    panic!("the suite's own panic, inside init")
                });
            });
        })
    };
    assert!(
        wait::until_done(|| in_init.load(Ordering::SeqCst)),
        "the first caller's init did not start"
    );
    let second = {
        let (cell, log) = (Arc::clone(&cell), Arc::clone(check.log()));
        spawn("waiting-caller", move || {
            let w = log.worker("waiting-caller");
            let _call = w.call(format_args!("get_or_init while a panicking init runs"));
            *cell.get_or_init(|| 2_u32)
        })
    };
    wait::until_done(|| {
        second.is_finished()
            || kata_test::spins("waiting-caller") > 0
            || kata_test::blocked_threads()
                .iter()
                .any(|(t, _, _)| t == "waiting-caller")
    });
    gate.store(true, Ordering::SeqCst);
    kata_test::join(first);
    assert!(
        wait::until_done(|| second.is_finished()),
        "a caller that was waiting for an init that panicked did not return: it must run its own init"
    );
    assert_eq!(kata_test::join(second), 2);
}

#[test]
fn the_value_is_dropped_exactly_once() {
    let _check = kata_test::check(&DROPS_ONCE);
    let drops = Arc::new(AtomicUsize::new(0));
    let cell = OnceCell::new();
    assert_eq!(cell.get_or_init(|| Counted::new(1, &drops)).id, 1);
    assert_eq!(cell.get_or_init(|| Counted::new(2, &drops)).id, 1);
    assert_eq!(
        count(&drops),
        0,
        "a value was dropped while the cell was still alive"
    );
    drop(cell);
    assert_eq!(
        count(&drops),
        1,
        "dropping a full cell dropped its value {} times",
        count(&drops)
    );

    let empty = OnceCell::<Counted>::new();
    drop(empty);
    assert_eq!(count(&drops), 1, "dropping an empty cell dropped a value");
}
