//! Stage 5 of 7, stress: many threads hammering each lock on real hardware.
//!
//! Every critical section does a read-modify-write of a plain counter in
//! the lock's value and of one the suite owns ([`Unsync`], which reports two
//! overlapping critical sections as a race). A lock that lets two threads in
//! at once loses increments or trips the race report; one whose unlock is
//! not a Release, or whose lock is not an Acquire, can lose them too on
//! weakly ordered hardware (the model stage catches those everywhere). The
//! watchdog names any `lock` that never returns.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;

use common::Lock;
use kata_test::record::Unsync;
use kata_test::{Property, spawn};
use spin_lock::{SpinLock, TicketLock};

/// Threads per scenario: more than the cores, so holders are preempted.
const THREADS: usize = 4;
/// Critical sections per thread, for the spin lock.
const ROUNDS: usize = 20_000;
/// Critical sections per thread, for the ticket lock. Fewer: with more
/// threads than cores, every handover to a waiter that is not running waits
/// for the scheduler (the ticket lock's price for fairness), so each one
/// can cost a time slice.
const TICKET_ROUNDS: usize = 2_000;
/// The watchdog hears from each thread this often (in critical sections).
const PROGRESS_EVERY: usize = 256;

const EXCLUSION_UNDER_LOAD: Property = Property {
    name: "with many threads, no two critical sections overlap and no increment is lost",
    cause: "two threads can both see the lock free and both go in (a test and a set that are two operations, a ticket read and then written back), or a guard that does not unlock the lock it locked",
    book: "spin-lock",
};

/// The state each critical section updates: a counter in the lock, and one
/// the suite owns.
struct Counted<L> {
    lock: L,
    outside: Unsync<u64>,
}

/// Runs `enter` `rounds` times on each thread; it returns how many critical
/// sections it ran.
fn hammer<L: Lock<u64>>(rounds: usize, enter: fn(&Counted<L>) -> u64) {
    let shared = Arc::new(Counted {
        lock: L::new(0),
        outside: Unsync::new("the suite's counter, written only inside the lock", 0),
    });
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let shared = Arc::clone(&shared);
            spawn(format!("{}-{i}", L::NAME), move || {
                let mut entered = 0_u64;
                for r in 0..rounds {
                    entered += enter(&shared);
                    if r % PROGRESS_EVERY == 0 {
                        kata_test::progress();
                    }
                }
                entered
            })
        })
        .collect();
    let entered: u64 = kata_test::join_as_they_finish(threads).into_iter().sum();
    let inside = shared.lock.with(|v| *v);
    let outside = shared.outside.with_mut(|v| *v);
    assert_eq!(
        (inside, outside),
        (entered, entered),
        "{}: {entered} critical sections ran, but the lock's counter reads {inside} and the suite's {outside}: increments were lost, so two threads were inside at once",
        L::NAME
    );
}

/// One critical section through `lock`.
fn locked<L: Lock<u64>>(c: &Counted<L>) -> u64 {
    c.lock.with(|v| {
        c.outside.with_mut(|o| *o += 1);
        *v += 1;
    });
    1
}

#[test]
fn spin_lock_excludes_under_load() {
    let _check = kata_test::check(&EXCLUSION_UNDER_LOAD);
    hammer::<SpinLock<u64>>(ROUNDS, locked);
}

#[test]
fn spin_lock_and_try_lock_exclude_under_load() {
    let _check = kata_test::check(&EXCLUSION_UNDER_LOAD);
    // A try_lock, which may go in or give up, then a lock.
    hammer::<SpinLock<u64>>(ROUNDS, |c| {
        let tried = match c.lock.try_lock() {
            Some(mut g) => {
                c.outside.with_mut(|o| *o += 1);
                *g += 1;
                1
            }
            None => 0,
        };
        tried + locked(c)
    });
}

#[test]
fn ticket_lock_excludes_under_load() {
    let _check = kata_test::check(&EXCLUSION_UNDER_LOAD);
    hammer::<TicketLock<u64>>(TICKET_ROUNDS, locked);
}
