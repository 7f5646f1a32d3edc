//! Stage 4 of 6, functional: one situation at a time, on real threads.
//!
//! Every callback checks, as it runs, that its step may come next and that
//! the fork it touches is free (a pick) or its own (`eat`, a put): see
//! `common::Table`. The tests below hold one philosopher at a chosen step
//! while they start others, and wait until each new thread has picked up
//! the fork in question, returned, or is asleep in a `kata_sync` primitive
//! (a correct answer does one of these at once), so the situation is the
//! same on every run.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Diner, SEATS, Step, Table, left_fork, right_fork};
use dining_philosophers::DiningPhilosophers;
use kata_test::{EventLog, Property, expect_panic, spawn, wait};
use rstest::rstest;

/// How long a thread that should be asleep is given to misbehave before the
/// test goes on. A correct answer is seen asleep (or done) within a few
/// milliseconds, so only an answer that spins or misbehaves waits this long;
/// it is long so that a wrong answer is caught even on a loaded machine.
const GRACE: Duration = Duration::from_secs(1);
/// How many polls in a row must see a thread blocked before it counts as
/// asleep.
const ASLEEP: u32 = 3;

const ALONE: Property = Property {
    name: "a philosopher alone at the table picks up both its forks, eats, and puts both down: pick, pick, eat, put, put",
    cause: "a callback is missing, called twice, or called out of turn, or the wrong fork is used: philosopher p's left fork is fork p and its right fork is fork (p + 1) % 5",
    book: "dining-philosophers",
};

const BAD_ID: Property = Property {
    name: "wants_to_eat panics, naming the id, for a philosopher of 5 or more, before calling any callback",
    cause: "an id outside 0..5 must be rejected up front, e.g. with assert!(philosopher < 5, \"... {philosopher}\")",
    book: "dining-philosophers",
};

const NEIGHBOURS_WAIT: Property = Property {
    name: "no fork is held by two philosophers at once: while a philosopher eats, its neighbours wait for the forks it holds",
    cause: "a fork is used without its lock (its callback runs before the lock is taken, or after it is let go), or the forks are let go before eating",
    book: "dining-philosophers",
};

const SAME_PHILOSOPHER: Property = Property {
    name: "two calls for the same philosopher at once take turns with its forks",
    cause: "the answer tracks philosophers rather than forks (a per-philosopher \"eating\" flag, say), so a second call for the same philosopher does not wait for the first one's forks",
    book: "dining-philosophers",
};

const NO_DEADLOCK: Property = Property {
    name: "every call returns, even when all five philosophers reach for their forks at once",
    cause: "every philosopher picks up its left fork first: with all five holding one, each waits forever for its neighbour's. Take the forks in one global order (the lower-numbered first), or let at most four reach for forks at once",
    book: "lock-ordering",
};

/// Calls `wants_to_eat(p)` on a new thread, recorded on `log`; returns the
/// thread and the call's number on `table`.
fn start(
    name: String,
    kata: &Arc<DiningPhilosophers>,
    table: &Arc<Table>,
    log: &Arc<EventLog>,
    p: usize,
    hook: impl Fn(Diner, Step) + Send + 'static,
) -> (kata_sync::thread::JoinHandle<()>, usize) {
    let number = table.next_call();
    let (kata, table, log) = (Arc::clone(kata), Arc::clone(table), Arc::clone(log));
    let thread = spawn(name.clone(), move || {
        let w = log.worker(name);
        let call = w.call(format_args!("wants_to_eat({p})"));
        table.dine_numbered(&kata, p, number, hook);
        drop(call);
    });
    (thread, number)
}

/// A flag the main thread raises to let held callbacks go on.
#[derive(Clone, Default)]
struct Gate(Arc<AtomicBool>);

impl Gate {
    /// Waits until the gate opens. The deadline only keeps a broken test
    /// from hanging: the main thread opens the gate long before.
    fn pass(&self) {
        // SeqCst: a test flag; nothing to tune.
        wait::until_done(|| self.0.load(Ordering::SeqCst));
    }

    fn open(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[rstest]
#[case::philosopher_0(0)]
#[case::philosopher_1(1)]
#[case::philosopher_2(2)]
#[case::philosopher_3(3)]
#[case::philosopher_4(4)]
fn a_philosopher_alone_picks_eats_and_puts_down(#[case] p: usize) {
    let check = kata_test::check(&ALONE);
    let kata = DiningPhilosophers::new();
    let table = Table::new();
    let w = check.log().worker("main");
    // Twice, so that the forks must have gone back on the table.
    for _ in 0..2 {
        let call = w.call(format_args!("wants_to_eat({p})"));
        table.dine(&kata, p);
        drop(call);
    }
}

#[rstest]
#[case::five(5)]
#[case::six(6)]
#[case::forty_two(42)]
#[case::two_to_the_8(256)]
#[case::two_to_the_32_plus_1(1 << 32 | 1)]
#[case::usize_max(usize::MAX)]
fn an_id_of_5_or_more_panics_naming_it(#[case] p: usize) {
    let _check = kata_test::check(&BAD_ID);
    let kata = DiningPhilosophers::new();
    let called = AtomicBool::new(false);
    let callback = || called.store(true, Ordering::SeqCst);
    let message = expect_panic(&format!("wants_to_eat({p})"), || {
        kata.wants_to_eat(p, callback, callback, callback, callback, callback);
    });
    assert!(
        names(&message, "philosopher", &p.to_string()),
        "wants_to_eat({p}) panicked, but its message does not contain both the word \"philosopher\" and the value {p}: {message:?}"
    );
    assert!(
        !called.load(Ordering::SeqCst),
        "wants_to_eat({p}) called a callback before it panicked"
    );
}

/// Whether `message` contains `word` (in any case) and `value` as a number of
/// its own (so "10" does not count as naming 0).
fn names(message: &str, word: &str, value: &str) -> bool {
    message.to_lowercase().contains(word)
        && message
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|token| token == value)
}

#[rstest]
#[case::philosopher_0_eats(0)]
#[case::philosopher_2_eats(2)]
#[case::philosopher_4_eats(4)]
fn neighbours_wait_while_a_philosopher_eats(#[case] eater: usize) {
    let check = kata_test::check(&NEIGHBOURS_WAIT);
    let kata = Arc::new(DiningPhilosophers::new());
    let table = Arc::new(Table::new());
    let log = check.log();
    let eating = Gate::default();
    let mut threads = Vec::new();
    // The eater holds its meal until both neighbours have been started and
    // have either picked up the fork they share with it (the bug) or gone
    // to sleep waiting for it.
    let gate = eating.clone();
    let (thread, _) = start(
        format!("philosopher-{eater}"),
        &kata,
        &table,
        log,
        eater,
        move |_, step| {
            if step == Step::Eat {
                gate.pass();
            }
        },
    );
    threads.push(thread);
    wait::until(GRACE, || {
        table
            .events()
            .iter()
            .any(|e| e.step == Step::Eat || e.step == Step::Returned)
    });
    let before = (eater + SEATS - 1) % SEATS;
    let after = (eater + 1) % SEATS;
    for (neighbour, shared) in [(after, right_fork(eater)), (before, left_fork(eater))] {
        let name = format!("philosopher-{neighbour}");
        let (thread, call) = start(name.clone(), &kata, &table, log, neighbour, |_, _| {});
        threads.push(thread);
        wait::settle(&name, ASLEEP, GRACE, || {
            table.has_picked_or_returned(call, Some(shared))
        });
    }
    eating.open();
    kata_test::join_as_they_finish(threads);
}

#[rstest]
#[case::philosopher_0(0)]
#[case::philosopher_4(4)]
fn the_same_philosopher_called_twice_at_once_takes_turns(#[case] p: usize) {
    let check = kata_test::check(&SAME_PHILOSOPHER);
    let kata = Arc::new(DiningPhilosophers::new());
    let table = Arc::new(Table::new());
    let log = check.log();
    let eating = Gate::default();
    let gate = eating.clone();
    let (first, _) = start(
        format!("philosopher-{p}-first-call"),
        &kata,
        &table,
        log,
        p,
        move |_, step| {
            if step == Step::Eat {
                gate.pass();
            }
        },
    );
    wait::until(GRACE, || {
        table
            .events()
            .iter()
            .any(|e| e.step == Step::Eat || e.step == Step::Returned)
    });
    let name = format!("philosopher-{p}-second-call");
    let (second, call) = start(name.clone(), &kata, &table, log, p, |_, _| {});
    wait::settle(&name, ASLEEP, GRACE, || {
        table.has_picked_or_returned(call, None)
    });
    eating.open();
    kata_test::join_as_they_finish(vec![first, second]);
}

#[test]
fn all_five_reaching_for_forks_at_once_all_eat() {
    let check = kata_test::check(&NO_DEADLOCK);
    let kata = Arc::new(DiningPhilosophers::new());
    // Who holds which fork is checked by the tests above; this one guards
    // only that every call returns.
    let table = Arc::new(Table::for_liveness());
    let log = check.log();
    {
        let table = Arc::clone(&table);
        log.add_context(move || table.describe());
    }
    // Each philosopher, having picked up its first fork, waits until every
    // philosopher has picked one up or gone to sleep: the moment at which
    // five left-first philosophers each hold a fork and all want another.
    let reached = Gate::default();
    let (threads, calls): (Vec<_>, Vec<_>) = (0..SEATS)
        .map(|p| {
            let gate = reached.clone();
            start(
                format!("philosopher-{p}"),
                &kata,
                &table,
                log,
                p,
                move |_, step| {
                    if matches!(step, Step::Pick(_)) {
                        gate.pass();
                    }
                },
            )
        })
        .unzip();
    for (p, call) in calls.into_iter().enumerate() {
        wait::settle(&format!("philosopher-{p}"), ASLEEP, GRACE, || {
            table.has_picked_or_returned(call, None)
        });
    }
    reached.open();
    kata_test::join_as_they_finish(threads);
}
