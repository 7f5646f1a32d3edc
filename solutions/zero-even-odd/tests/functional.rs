//! Stage 4 of 6, functional: the sequence, one start order at a time.
//!
//! Threads are started one at a time. After each start the test waits until
//! the new thread has returned or is asleep in a `kata_sync` primitive (a
//! correct answer does one or the other at once), then checks that nothing
//! has printed out of turn. In check builds a condition variable's first
//! wait returns spuriously, so a method that waits with `if` goes on out of
//! turn, here, every time.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{Even, METHODS, Method, Odd, Output, Print, Zero, expected, list, mismatch, window};
use kata_test::wait::settle;
use kata_test::{EventLog, Property, join_as_they_finish, spawn};
use rstest::rstest;
use zero_even_odd::ZeroEvenOdd;

/// How long a thread that should be asleep is given to misbehave before the
/// test checks that it has not printed. Only a wrong answer waits this long.
const GRACE: Duration = Duration::from_millis(300);
/// How many polls in a row must see a thread blocked before the next thread
/// starts.
const ASLEEP: u32 = 3;
/// The same, inside a callback that watches the thread that goes next: a
/// thread that the kata woke too early also shows as blocked until it runs,
/// so this is long enough (about 25 ms) for it to run on a loaded machine.
const ASLEEP_WHILE_PRINTING: u32 = 25;

const NOTHING_TO_PRINT: Property = Property {
    name: "with n = 0, zero, even and odd return at once and no callback runs",
    cause: "a loop that runs once too often, or a wait for a turn that never comes when there is nothing to print",
    book: "zero-even-odd",
};

const SEQUENCE: Property = Property {
    name: "the callbacks print 0 1 0 2 ... 0 n, each number through its own method's callback on its own thread, whatever order the threads start in",
    cause: "a method prints out of turn (each must wait, in a `while` loop, until the count of printed numbers reaches its own position, print, and only then hand over), or a hand-over wakes a thread that cannot go while the one that can sleeps on",
    book: "zero-even-odd",
};

const NUMBERS_WAIT_FOR_ZERO: Property = Property {
    name: "even and odd wait for zero's 0 before printing their first number",
    cause: "odd or even does not wait for its turn, or waits with `if` instead of `while`: a wait can return before it is its turn (check builds make the first one do so)",
    book: "while-not-if",
};

const ZERO_WAITS_FOR_THE_NUMBER: Property = Property {
    name: "zero waits for the number after its 0 before printing the next 0",
    cause: "zero does not wait for its turn after the first 0, or waits with `if` instead of `while`",
    book: "while-not-if",
};

const RIGHT_THREAD_WOKEN: Property = Property {
    name: "a hand-over wakes the thread whose turn it is, even while the other number thread sleeps too",
    cause: "a lost wakeup: even and odd sleep on one condition variable, and `notify_one` woke the one whose turn it is not; it went back to sleep and nobody woke the other. Wake every waiter (`notify_all`), or give each thread its own condition variable.",
    book: "lost-wakeup",
};

const NO_OVERLAP: Property = Property {
    name: "no callback begins while another is still running",
    cause: "the turn is handed over (the count moved on, or the lock released) before the callback has returned, so the next thread prints while this one still is: print first, then hand over",
    book: "zero-even-odd",
};

/// The threads of one scenario, started one at a time.
struct Scenario {
    n: usize,
    kata: Arc<ZeroEvenOdd>,
    out: Arc<Output>,
    log: Arc<EventLog>,
    returned: Arc<[AtomicBool; 3]>,
    started: Vec<Method>,
    threads: Vec<kata_sync::thread::JoinHandle<()>>,
}

impl Scenario {
    fn new(n: usize, log: &Arc<EventLog>) -> Self {
        Self {
            n,
            kata: Arc::new(ZeroEvenOdd::new(n)),
            out: Arc::new(Output::new()),
            log: Arc::clone(log),
            returned: Arc::new([const { AtomicBool::new(false) }; 3]),
            started: Vec::new(),
            threads: Vec::new(),
        }
    }

    /// Starts the thread that calls `m`, with `print` as the callback, and
    /// waits until it has returned or is asleep (or the grace period is over).
    fn start_with(&mut self, m: Method, mut print: impl FnMut(&Output, usize) + Send + 'static) {
        self.started.push(m);
        let (kata, out, log, returned) = (
            Arc::clone(&self.kata),
            Arc::clone(&self.out),
            Arc::clone(&self.log),
            Arc::clone(&self.returned),
        );
        let n = self.n;
        self.threads.push(spawn(m.thread(), move || {
            let w = log.worker(m.thread());
            let call = w.call(format_args!("{m}(print_number) with n = {n}"));
            m.call(&kata, |number| print(&out, number));
            drop(call);
            // SeqCst: read by the main thread's waits; nothing to tune.
            returned[m.index()].store(true, Ordering::SeqCst);
        }));
        let returned = Arc::clone(&self.returned);
        settle(&m.thread(), ASLEEP, GRACE, || {
            returned[m.index()].load(Ordering::SeqCst)
        });
    }

    /// Starts the thread that calls `m`, with the plain callback.
    fn start(&mut self, m: Method) {
        self.start_with(m, move |out, number| out.print(m, number));
    }

    fn returned(&self, m: Method) -> bool {
        self.returned[m.index()].load(Ordering::SeqCst)
    }

    /// Checks that what has printed so far is the start of the sequence, and
    /// stops before the first number whose method has not been called yet.
    fn assert_nothing_out_of_turn(&self) {
        let seen = self.out.seen();
        let want = expected(self.n);
        let started = list(&self.started);
        assert!(
            want.starts_with(&seen),
            "with n = {} and the threads started so far ({started}), the callbacks printed {}, which is not how 0 1 0 2 ... begins: a method printed out of turn",
            self.n,
            window(&seen, seen.len())
        );
        if let Some(blocked_at) = want.iter().position(|p| !self.started.contains(&p.by))
            && seen.len() > blocked_at
        {
            let Print { by, number } = want[blocked_at];
            panic!(
                "with n = {} and only {started} started, {number} was printed through {by}'s callback before {by} had even been called",
                self.n
            );
        }
    }

    /// Joins the threads, checking nothing more: for the tests that guard
    /// one step of the sequence (a wait, a wakeup), whose failures are
    /// reported by the test before the threads are joined, or as a hang by
    /// the watchdog. The whole output is the sequence tests' business.
    fn join(self) {
        join_as_they_finish(self.threads);
    }

    /// Joins the threads and checks the whole output, and that each callback
    /// ran on its own method's thread.
    fn finish(self) {
        join_as_they_finish(self.threads);
        let strays = self.out.strays();
        assert!(
            strays.is_empty(),
            "a callback ran on another thread than the one that called its method: {}",
            strays.join("; ")
        );
        if let Some(why) = mismatch(&self.out.printed(), self.n) {
            panic!(
                "{why} (threads started in the order {})",
                list(&self.started)
            );
        }
    }
}

#[test]
fn with_n_zero_no_callback_runs() {
    let check = kata_test::check(&NOTHING_TO_PRINT);
    let kata = ZeroEvenOdd::new(0);
    let out = Output::new();
    let w = check.log().worker("main");
    for m in METHODS {
        let call = w.call(format_args!("{m}(print_number) with n = 0"));
        m.call(&kata, |number| out.print(m, number));
        drop(call);
    }
    let printed = out.printed();
    assert!(
        printed.is_empty(),
        "with n = 0, {} callbacks ran: {}",
        printed.len(),
        window(&printed, 0)
    );
}

#[rstest]
#[case::zero_even_odd([Zero, Even, Odd])]
#[case::zero_odd_even([Zero, Odd, Even])]
#[case::even_zero_odd([Even, Zero, Odd])]
#[case::even_odd_zero([Even, Odd, Zero])]
#[case::odd_zero_even([Odd, Zero, Even])]
#[case::odd_even_zero([Odd, Even, Zero])]
fn prints_0_1_0_2_to_n_whatever_order_the_threads_start(
    #[case] start_order: [Method; 3],
    #[values(1, 2, 3, 5, 15, 16, 1000)] n: usize,
) {
    let check = kata_test::check(&SEQUENCE);
    let mut s = Scenario::new(n, check.log());
    for m in start_order {
        s.start(m);
        s.assert_nothing_out_of_turn();
    }
    s.finish();
}

#[rstest]
#[case::odd(Odd)]
#[case::even(Even)]
fn a_number_waits_for_zero_before_printing(#[case] m: Method) {
    let check = kata_test::check(&NUMBERS_WAIT_FOR_ZERO);
    let mut s = Scenario::new(2, check.log());
    s.start(m);
    assert!(
        s.out.seen().is_empty(),
        "with n = 2, {m} printed {} before zero had been called: {m} must wait for its turn",
        window(&s.out.seen(), 0)
    );
    assert!(
        !s.returned(m),
        "with n = 2, {m} returned before zero had been called: {m} must wait for its turn"
    );
    s.start(Zero);
    s.start(m.other_number());
    s.join();
}

#[test]
fn zero_waits_for_the_number_before_its_next_zero() {
    let check = kata_test::check(&ZERO_WAITS_FOR_THE_NUMBER);
    let mut s = Scenario::new(2, check.log());
    s.start(Zero);
    assert_eq!(
        s.out.seen(),
        [Print {
            by: Zero,
            number: 0
        }],
        "with n = 2 and only zero called, zero should have printed one 0 and be waiting for odd's 1"
    );
    assert!(
        !s.returned(Zero),
        "with n = 2, zero returned before odd had been called: zero must wait for the 1 before its second 0"
    );
    s.start(Odd);
    s.start(Even);
    s.join();
}

#[test]
fn a_hand_over_wakes_the_thread_whose_turn_it_is() {
    let check = kata_test::check(&RIGHT_THREAD_WOKEN);
    // even, then odd, both asleep, waiting for 2 and 1; zero's first
    // hand-over must wake odd, though even has waited longer.
    let mut s = Scenario::new(2, check.log());
    s.start(Even);
    s.start(Odd);
    s.start(Zero);
    s.join();
}

#[test]
fn no_callback_begins_while_another_is_running() {
    let check = kata_test::check(&NO_OVERLAP);
    const N: usize = 3;
    let mut s = Scenario::new(N, check.log());
    let sequence = expected(N);
    // Each callback watches the thread that prints next before it prints:
    // until that thread is plainly asleep (a correct answer keeps it waiting
    // while this callback runs), or until its callback begins, which is the
    // bug.
    let watching = |me: Method| {
        let mine: Vec<usize> = (0..sequence.len())
            .filter(|&k| sequence[k].by == me)
            .collect();
        let sequence = sequence.clone();
        let mut call = 0;
        move |out: &Output, number: usize| {
            let Some(&position) = mine.get(call) else {
                panic!(
                    "{me}'s callback ran {} times, but only {} of the {} callbacks are {me}'s",
                    call + 1,
                    mine.len(),
                    sequence.len()
                );
            };
            call += 1;
            out.print_after(me, number, || {
                let Some(next) = sequence.get(position + 1).map(|p| p.by) else {
                    return;
                };
                let before = out.began(next);
                settle(&next.thread(), ASLEEP_WHILE_PRINTING, GRACE, || {
                    out.began(next) > before
                });
                assert!(
                    out.began(next) == before,
                    "{next}'s callback began while {me}'s print_number({number}) (callback #{} of {}) was still running: {me} let {next} go before its callback had returned",
                    position + 1,
                    sequence.len()
                );
            });
        }
    };
    // The number threads first, so that they are already waiting when zero's
    // first callback watches them.
    s.start_with(Even, watching(Even));
    s.start_with(Odd, watching(Odd));
    s.start_with(Zero, watching(Zero));
    s.finish();
}
