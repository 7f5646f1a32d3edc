//! Stage 4 of 6, functional: the alternation, one scenario at a time.
//!
//! Threads are started one at a time. After each start the test waits until
//! the new thread has returned or is asleep in a `kata_sync` primitive (a
//! correct answer does one or the other at once), then checks that nothing
//! has printed out of turn. In check builds a condition variable's first
//! wait returns spuriously, so a side that waits with `if` goes on out of
//! turn, here, every time.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Bar, Foo, Output, Side, expected, join_as_they_finish, mismatch, settle};
use foobar::FooBar;
use kata_test::{EventLog, Property, spawn};
use rstest::rstest;

/// How long a thread that should be asleep is given to misbehave before the
/// test checks that it has not printed. Only a wrong answer waits this long.
const GRACE: Duration = Duration::from_millis(300);
/// How many polls in a row must see a thread blocked before the next thread
/// starts.
const ASLEEP: u32 = 3;
/// The same, inside a callback that watches the other side: a thread that the
/// kata woke too early also shows as blocked until it runs, so this is long
/// enough (about 25 ms) for it to run even on a loaded machine.
const ASLEEP_WHILE_PRINTING: u32 = 25;

const ZERO_ROUNDS: Property = Property {
    name: "with n = 0, foo and bar return at once and neither callback runs",
    cause: "a loop that runs once too often, or a wait for a turn that never comes when there are no rounds",
    book: "foobar",
};

const ALTERNATION: Property = Property {
    name: "foo and bar print foo, bar, foo, bar, ... exactly n times each, whichever thread starts first",
    cause: "a side prints out of turn: each side must wait, in a `while` loop, until it is its turn, print, and only then hand the turn over",
    book: "foobar",
};

const BAR_WAITS: Property = Property {
    name: "bar waits for foo's first print before its own",
    cause: "bar does not wait for its turn, or waits with `if` instead of `while`: a wait can return before it is bar's turn (check builds make the first one do so)",
    book: "while-not-if",
};

const FOO_WAITS: Property = Property {
    name: "foo waits for bar's print before printing again",
    cause: "foo does not wait for its turn after the first round, or waits with `if` instead of `while`",
    book: "while-not-if",
};

const NO_OVERLAP: Property = Property {
    name: "neither side's callback begins while the other side's is still running",
    cause: "the turn is handed over (or the lock released) before the callback has returned, so the other side prints while this one still is: print first, then hand the turn over",
    book: "foobar",
};

/// The threads of one scenario, started one at a time.
struct Scenario {
    n: usize,
    kata: Arc<FooBar>,
    out: Arc<Output>,
    log: Arc<EventLog>,
    returned: Arc<[AtomicBool; 2]>,
    threads: Vec<kata_sync::thread::JoinHandle<()>>,
}

impl Scenario {
    fn new(n: usize, log: &Arc<EventLog>) -> Self {
        Self {
            n,
            kata: Arc::new(FooBar::new(n)),
            out: Arc::new(Output::new()),
            log: Arc::clone(log),
            returned: Arc::new([const { AtomicBool::new(false) }; 2]),
            threads: Vec::new(),
        }
    }

    /// Starts the thread that calls `side`, with `print` as the callback.
    fn start_with(&mut self, side: Side, mut print: impl FnMut(&Output) + Send + 'static) {
        let (kata, out, log, returned) = (
            Arc::clone(&self.kata),
            Arc::clone(&self.out),
            Arc::clone(&self.log),
            Arc::clone(&self.returned),
        );
        let n = self.n;
        self.threads.push(spawn(side.thread(), move || {
            let w = log.worker(side.thread());
            let call = w.call(format_args!("{side}(print_{side}) with n = {n}"));
            side.call(&kata, || print(&out));
            drop(call);
            // SeqCst: read by the main thread's waits; nothing to tune.
            returned[side.index()].store(true, Ordering::SeqCst);
        }));
        let returned = Arc::clone(&self.returned);
        settle(&side.thread(), ASLEEP, GRACE, || {
            returned[side.index()].load(Ordering::SeqCst)
        });
    }

    /// Starts the thread that calls `side`, with the plain callback.
    fn start(&mut self, side: Side) {
        self.start_with(side, move |out| out.print(side));
    }

    fn returned(&self, side: Side) -> bool {
        self.returned[side.index()].load(Ordering::SeqCst)
    }

    /// Joins both threads and checks the whole output.
    fn finish(self, started_first: Side) {
        join_as_they_finish(self.threads);
        if let Some(why) = mismatch(&self.out.printed(), self.n) {
            panic!("{why} ({started_first} started first)");
        }
    }
}

#[test]
fn with_zero_rounds_neither_callback_runs() {
    let check = kata_test::check(&ZERO_ROUNDS);
    let kata = FooBar::new(0);
    let out = Output::new();
    let w = check.log().worker("main");
    for side in [Foo, Bar] {
        let call = w.call(format_args!("{side}(print_{side}) with n = 0"));
        side.call(&kata, || out.print(side));
        drop(call);
    }
    let printed = out.printed();
    assert!(
        printed.is_empty(),
        "with n = 0, {} callbacks ran",
        printed.len()
    );
}

#[rstest]
#[case::n1_foo_first(1, Foo)]
#[case::n1_bar_first(1, Bar)]
#[case::n2_foo_first(2, Foo)]
#[case::n2_bar_first(2, Bar)]
#[case::n5_foo_first(5, Foo)]
#[case::n5_bar_first(5, Bar)]
#[case::n100_foo_first(100, Foo)]
#[case::n100_bar_first(100, Bar)]
fn foo_and_bar_alternate_exactly_n_times(#[case] n: usize, #[case] first: Side) {
    let check = kata_test::check(&ALTERNATION);
    let mut s = Scenario::new(n, check.log());
    s.start(first);
    let seen = s.out.seen();
    let ok_so_far = match first {
        // Foo may print once before it must wait for bar.
        Foo => seen.len() <= 1 && expected(n).starts_with(&seen),
        Bar => seen.is_empty(),
    };
    assert!(
        ok_so_far,
        "with n = {n} and only {first} started, {} printed: {first} did not wait for its turn",
        seen.iter()
            .map(Side::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    );
    s.start(first.other());
    s.finish(first);
}

#[test]
fn bar_waits_for_foo_before_printing() {
    let check = kata_test::check(&BAR_WAITS);
    let mut s = Scenario::new(1, check.log());
    s.start(Bar);
    assert!(
        s.out.seen().is_empty(),
        "print_bar ran before foo had been called: bar must wait for its turn"
    );
    assert!(
        !s.returned(Bar),
        "bar returned before foo had been called: bar must wait for its turn"
    );
    // Bar can only be waiting now: what does its wait cost?
    kata_test::note_wait_cost(std::time::Duration::from_millis(100));
    s.start(Foo);
    s.finish(Bar);
}

#[test]
fn foo_waits_for_bar_before_printing_again() {
    let check = kata_test::check(&FOO_WAITS);
    let mut s = Scenario::new(2, check.log());
    s.start(Foo);
    let seen = s.out.seen();
    assert_eq!(
        seen,
        [Foo],
        "with n = 2 and bar not yet called, foo should have printed once and be waiting for bar"
    );
    assert!(
        !s.returned(Foo),
        "foo returned before bar had been called: foo must wait for bar between its prints"
    );
    s.start(Bar);
    s.finish(Foo);
}

#[test]
fn neither_side_prints_while_the_other_is_printing() {
    let check = kata_test::check(&NO_OVERLAP);
    const N: usize = 3;
    let mut s = Scenario::new(N, check.log());
    // Each callback watches the other side before it prints: until the other
    // thread is plainly asleep (a correct answer keeps it waiting while this
    // callback runs), or until the other side's callback begins, which is
    // the bug.
    let watching = |side: Side| {
        let mut call = 0;
        move |out: &Output| {
            call += 1;
            let other = side.other();
            out.print_after(side, || {
                let before = out.began(other);
                settle(&other.thread(), ASLEEP_WHILE_PRINTING, GRACE, || {
                    out.began(other) > before
                });
                assert!(
                    out.began(other) == before,
                    "print_{other} began while print_{side} (call {call} of {N}) was still running: {side} let {other} go before its callback had returned"
                );
            });
        }
    };
    // Bar first, so that it is already waiting when foo's first callback
    // watches it.
    s.start_with(Bar, watching(Bar));
    s.start_with(Foo, watching(Foo));
    s.finish(Bar);
}
