//! Stage 4 of 7, functional: each property of the two locks, scenario by
//! scenario, on real threads.
//!
//! No test here waits for a thread by timing. A waiting thread is known to
//! be waiting when it has called `kata_sync::hint::spin_loop` (or
//! `thread::yield_now`) at least once: the stub requires that call on every
//! turn of a wait loop, and check builds count it per thread
//! (`kata_test::spins`). A lock that lets a thread in while another holds
//! it shows up as a thread that returned when it should still be spinning.

// Real threads only: loom's threads cannot be polled like this. The model
// stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::Lock;
use kata_test::{Property, expect_panic, spawn, wait};
use spin_lock::{SpinLock, TicketLock};

/// How many times the arrival-order scenario runs. An unfair lock serves
/// three waiters in the order they arrived about one time in six, so twenty
/// rounds leave it no real chance to pass.
const FIFO_ROUNDS: usize = 20;
/// Waiters per round of the arrival-order scenario.
const WAITERS: usize = 3;
/// How many times `try_lock` is tried on a free lock: a weak
/// compare-exchange may fail spuriously, rarely.
const TRY_FREE: usize = 10_000;

const KEEPS_WRITES: Property = Property {
    name: "the guard gives the value, and what one guard wrote the next one reads",
    cause: "the guard's Deref/DerefMut do not reach the lock's own value, or `new` does not store it",
    book: "spin-lock",
};

const TRY_LOCK: Property = Property {
    name: "try_lock never waits, and returns None exactly while another guard holds the lock",
    cause: "try_lock spins (it must make one attempt), fails on a free lock (a weak compare_exchange may fail spuriously: use the strong one), or succeeds while the lock is held",
    book: "spin-lock",
};

const EXCLUDES: Property = Property {
    name: "lock waits while another guard holds the lock, and goes in once it is dropped",
    cause: "lock does not wait for the holder (a test and a set that are two operations, or no wait at all), or the guard's drop does not unlock",
    book: "spin-lock",
};

const PANIC_UNLOCKS: Property = Property {
    name: "a guard dropped by a panic unwinding unlocks the lock",
    cause: "the unlock happens somewhere other than the guard's Drop, or Drop skips it while panicking: a lock left held by a panicking thread can never be taken again",
    book: "spin-lock-guard",
};

const FIFO: Property = Property {
    name: "the ticket lock serves waiters in the order they arrived",
    cause: "the waiters race for the lock when it is let go (a spin lock), instead of each taking a ticket on arrival and waiting until that ticket is served",
    book: "ticket-lock",
};

#[test]
fn spin_lock_keeps_what_the_last_guard_wrote() {
    let _check = kata_test::check(&KEEPS_WRITES);
    keeps_what_the_last_guard_wrote::<SpinLock<Vec<u32>>>();
}

#[test]
fn ticket_lock_keeps_what_the_last_guard_wrote() {
    let _check = kata_test::check(&KEEPS_WRITES);
    keeps_what_the_last_guard_wrote::<TicketLock<Vec<u32>>>();
}

fn keeps_what_the_last_guard_wrote<L: Lock<Vec<u32>>>() {
    let lock = L::new(vec![1]);
    for i in 2..=5 {
        lock.with(|v| v.push(i));
    }
    let seen = lock.with(|v| v.clone());
    assert_eq!(
        seen,
        [1, 2, 3, 4, 5],
        "{}: the guards lost a write",
        L::NAME
    );
}

#[test]
fn try_lock_fails_exactly_while_the_lock_is_held() {
    let _check = kata_test::check(&TRY_LOCK);
    let lock = Arc::new(SpinLock::new(0_u32));
    for i in 0..TRY_FREE {
        match lock.try_lock() {
            Some(mut g) => *g += 1,
            None => panic!(
                "SpinLock::try_lock returned None on a free lock (attempt {} of {TRY_FREE}): it may fail only while another guard holds the lock",
                i + 1
            ),
        }
    }
    let guard = lock.lock();
    assert!(
        lock.try_lock().is_none(),
        "SpinLock::try_lock returned a guard while this thread held the lock"
    );
    // From another thread too: it must come back at once, with None.
    let other = Arc::clone(&lock);
    let returned = Arc::new(AtomicBool::new(false));
    let done = Arc::clone(&returned);
    let t = spawn("try-locker", move || {
        let got = other.try_lock().is_some();
        // SeqCst: read by the main thread's wait; nothing to tune.
        done.store(true, Ordering::SeqCst);
        got
    });
    let came_back = wait::until_done(|| returned.load(Ordering::SeqCst));
    assert!(
        came_back,
        "SpinLock::try_lock did not return while another thread held the lock: it must not wait"
    );
    assert!(
        !kata_test::join(t),
        "SpinLock::try_lock on another thread returned a guard while the main thread held the lock"
    );
    drop(guard);
    assert_eq!(
        lock.try_lock().map(|g| *g),
        Some(TRY_FREE as u32),
        "SpinLock::try_lock returned None after the only guard was dropped"
    );
}

#[test]
fn spin_lock_waits_while_held() {
    let _check = kata_test::check(&EXCLUDES);
    waits_while_held::<SpinLock<Vec<&'static str>>>();
}

#[test]
fn ticket_lock_waits_while_held() {
    let _check = kata_test::check(&EXCLUDES);
    waits_while_held::<TicketLock<Vec<&'static str>>>();
}

/// The main thread holds the lock (inside `with`) while another thread
/// calls `lock`: that thread must reach its wait loop and stay there until
/// the main thread's guard is dropped.
fn waits_while_held<L: Lock<Vec<&'static str>>>() {
    let lock = Arc::new(L::new(Vec::new()));
    lock.with(|v| v.push("main"));
    let returned = Arc::new(AtomicBool::new(false));
    let waiter = {
        let (lock, returned) = (Arc::clone(&lock), Arc::clone(&returned));
        move || {
            lock.with(|v| v.push("waiter"));
            // SeqCst: read by the main thread's wait; nothing to tune.
            returned.store(true, Ordering::SeqCst);
        }
    };
    let name = format!("{}-waiter", L::NAME);
    let mut t = None;
    lock.with(|v| {
        v.push("main again");
        t = Some(spawn(name.clone(), waiter));
        let spinning = wait::until_done(|| {
            returned.load(Ordering::SeqCst) || kata_test::spins(&name) > 0
        });
        assert!(
            !returned.load(Ordering::SeqCst),
            "{}::lock returned on another thread while the main thread held the lock",
            L::NAME
        );
        assert!(
            spinning,
            "{}::lock on another thread neither returned nor called kata_sync::hint::spin_loop (or thread::yield_now): every turn of a wait loop must call one of them",
            L::NAME
        );
    });
    kata_test::join(t.expect("spawned"));
    let seen = lock.with(|v| v.clone());
    assert_eq!(
        seen,
        ["main", "main again", "waiter"],
        "{}: the waiter's write is missing or out of place",
        L::NAME
    );
}

#[test]
fn spin_lock_is_unlocked_by_a_panicking_holder() {
    let _check = kata_test::check(&PANIC_UNLOCKS);
    let lock = SpinLock::new(0_u32);
    expect_panic("a critical section that panics", || {
        let mut g = lock.lock();
        *g += 1;
        panic!("the suite's own panic, with the lock held");
    });
    let after = lock.try_lock().map(|g| *g);
    assert_eq!(
        after,
        Some(1),
        "after a holder panicked, SpinLock::try_lock returned None: the guard dropped by the unwinding did not unlock"
    );
}

#[test]
fn ticket_lock_is_unlocked_by_a_panicking_holder() {
    let _check = kata_test::check(&PANIC_UNLOCKS);
    let lock = Arc::new(TicketLock::new(0_u32));
    expect_panic("a critical section that panics", || {
        let mut g = lock.lock();
        *g += 1;
        panic!("the suite's own panic, with the lock held");
    });
    let returned = Arc::new(AtomicBool::new(false));
    let t = {
        let (lock, returned) = (Arc::clone(&lock), Arc::clone(&returned));
        spawn("after-the-panic", move || {
            let v = *lock.lock();
            // SeqCst: read by the main thread's wait; nothing to tune.
            returned.store(true, Ordering::SeqCst);
            v
        })
    };
    assert!(
        wait::until_done(|| returned.load(Ordering::SeqCst)),
        "after a holder panicked, TicketLock::lock did not return: the guard dropped by the unwinding did not unlock"
    );
    assert_eq!(kata_test::join(t), 1);
}

/// Arrival order is forced, not timed. The main thread holds the lock, then
/// starts the waiters one at a time, and starts the next only once the
/// previous one has called `spin_loop` (or `yield_now`) at least once. A
/// ticket lock spins only after it has taken its ticket, so at that point
/// the waiter's place in the queue is fixed, and the next waiter arrives
/// strictly after it. Then the main thread lets go, and each waiter records
/// its name inside its critical section: the record must be the arrival
/// order, in every round.
#[test]
fn ticket_lock_serves_waiters_in_arrival_order() {
    let check = kata_test::check(&FIFO);
    for round in 0..FIFO_ROUNDS {
        let lock = Arc::new(TicketLock::new(Vec::<usize>::new()));
        let guard = lock.lock();
        let mut threads = Vec::new();
        for w in 0..WAITERS {
            let name = format!("waiter-{w} (round {round})");
            let lock2 = Arc::clone(&lock);
            let log = Arc::clone(check.log());
            let worker = name.clone();
            threads.push(spawn(name.clone(), move || {
                let w_log = log.worker(worker);
                let _call = w_log.call(format_args!("TicketLock::lock, arriving {}", w + 1));
                lock2.lock().push(w);
            }));
            let arrived =
                wait::until_done(|| kata_test::spins(&name) > 0 || threads[w].is_finished());
            assert!(
                !threads[w].is_finished(),
                "round {round}: {name}'s TicketLock::lock returned while the main thread held the lock"
            );
            assert!(
                arrived,
                "round {round}: {name}'s TicketLock::lock neither returned nor called kata_sync::hint::spin_loop (or thread::yield_now): every turn of a wait loop must call one of them"
            );
        }
        drop(guard);
        kata_test::join_as_they_finish(threads);
        let served = lock.lock().clone();
        let arrival: Vec<usize> = (0..WAITERS).collect();
        assert_eq!(
            served, arrival,
            "round {round}: waiters that arrived in the order {arrival:?} were served in the order {served:?}"
        );
    }
}
