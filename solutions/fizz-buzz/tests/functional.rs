//! Stage 4 of 6, functional: the sequence, one start order at a time.
//!
//! Threads are started one at a time. After each start the test waits until
//! the new thread has returned or is asleep in a `kata_sync` primitive (a
//! correct answer does one or the other at once), then checks that nothing
//! has been said out of turn. In check builds a condition variable's first
//! wait returns spuriously, so a method that waits with `if` goes on out of
//! turn, here, every time.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{
    Buzz, FIZZBUZZ, Fizz, METHODS, Method, Number, Output, Said, expected, list, mismatch, window,
};
use fizz_buzz::FizzBuzz;
use kata_test::wait::settle;
use kata_test::{EventLog, Property, join_as_they_finish, spawn};
use rstest::rstest;

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

const NOTHING_TO_SAY: Property = Property {
    name: "with n = 0, the four methods return at once and no callback runs",
    cause: "a loop that runs once too often, or a wait for a turn that never comes when there is nothing to say",
    book: "fizz-buzz",
};

const SEQUENCE: Property = Property {
    name: "the callbacks say 1..=n in order, fizz for multiples of 3 only, buzz for 5 only, fizzbuzz for 15, each through its own method's callback on its own thread, whatever order the threads start in",
    cause: "a method says a number out of turn (each must wait, in a `while` loop, until the counter reaches its own number, print, and only then move it on), a number goes to the wrong method (test 15 before 3 and 5), or a hand-over wakes a thread that cannot go while the one that can sleeps on",
    book: "fizz-buzz",
};

const WORDS_WAIT: Property = Property {
    name: "fizz, buzz and fizzbuzz wait until every number before theirs has been said",
    cause: "a method does not wait for its turn, or waits with `if` instead of `while`: a wait can return before it is its turn (check builds make the first one do so); or, if it returned without a word, it owns no number (a multiple of 15 is fizzbuzz's: test 15 before 3 and 5)",
    book: "while-not-if",
};

const NUMBER_WAITS: Property = Property {
    name: "number says 1 and 2 at once, then waits for fizz before saying 4",
    cause: "number does not wait for its turn after 2, or waits with `if` instead of `while`; or it waits for a turn it already has",
    book: "while-not-if",
};

const RIGHT_THREAD_WOKEN: Property = Property {
    name: "a hand-over wakes the thread whose number is next, even while the others sleep too",
    cause: "a lost wakeup: the threads sleep on one condition variable, and `notify_one` woke one whose number had not come; it went back to sleep and nobody woke the owner. Wake every waiter (`notify_all`), or give each thread its own condition variable.",
    book: "lost-wakeup",
};

const NO_OVERLAP: Property = Property {
    name: "no callback begins while another is still running",
    cause: "the turn is handed over (the counter moved on, or the lock released) before the callback has returned, so the next thread prints while this one still is: print first, then hand over; or a method says a number that is not its own",
    book: "fizz-buzz",
};

/// The threads of one scenario, started one at a time.
struct Scenario {
    n: usize,
    kata: Arc<FizzBuzz>,
    out: Arc<Output>,
    log: Arc<EventLog>,
    returned: Arc<[AtomicBool; 4]>,
    started: Vec<Method>,
    threads: Vec<kata_sync::thread::JoinHandle<()>>,
}

impl Scenario {
    fn new(n: usize, log: &Arc<EventLog>) -> Self {
        Self {
            n,
            kata: Arc::new(FizzBuzz::new(n)),
            out: Arc::new(Output::new()),
            log: Arc::clone(log),
            returned: Arc::new([const { AtomicBool::new(false) }; 4]),
            started: Vec::new(),
            threads: Vec::new(),
        }
    }

    /// Starts the thread that calls `m`, with `print` as the callback, and
    /// waits until it has returned or is asleep (or the grace period is over).
    fn start_with(&mut self, m: Method, mut print: impl FnMut(&Output, Said) + Send + 'static) {
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
            let call = w.call(format_args!("{m}(print_{m}) with n = {n}"));
            m.call(&kata, |said| print(&out, said));
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
        self.start_with(m, |out, said| out.print(said));
    }

    fn returned(&self, m: Method) -> bool {
        self.returned[m.index()].load(Ordering::SeqCst)
    }

    /// Checks that what has been said so far is the start of the sequence,
    /// and stops before the first number whose method has not been called.
    fn assert_nothing_out_of_turn(&self) {
        let seen = self.out.seen();
        let want = expected(self.n);
        let started = list(&self.started);
        assert!(
            want.starts_with(&seen),
            "with n = {} and the threads started so far ({started}), the callbacks said {}, which is not how the sequence begins: a method said something out of turn",
            self.n,
            window(&seen, seen.len())
        );
        if let Some(blocked_at) = want.iter().position(|s| !self.started.contains(&s.by()))
            && seen.len() > blocked_at
        {
            let said = want[blocked_at];
            panic!(
                "with n = {} and only {started} started, {said} (number {}) was said through {}'s callback before {} had even been called",
                self.n,
                blocked_at + 1,
                said.by(),
                said.by()
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
    let check = kata_test::check(&NOTHING_TO_SAY);
    let kata = FizzBuzz::new(0);
    let out = Output::new();
    let w = check.log().worker("main");
    for m in METHODS {
        let call = w.call(format_args!("{m}(print_{m}) with n = 0"));
        m.call(&kata, |said| out.print(said));
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
#[case::fizz_buzz_fizzbuzz_number([Fizz, Buzz, FIZZBUZZ, Number])]
#[case::fizz_buzz_number_fizzbuzz([Fizz, Buzz, Number, FIZZBUZZ])]
#[case::fizz_fizzbuzz_buzz_number([Fizz, FIZZBUZZ, Buzz, Number])]
#[case::fizz_fizzbuzz_number_buzz([Fizz, FIZZBUZZ, Number, Buzz])]
#[case::fizz_number_buzz_fizzbuzz([Fizz, Number, Buzz, FIZZBUZZ])]
#[case::fizz_number_fizzbuzz_buzz([Fizz, Number, FIZZBUZZ, Buzz])]
#[case::buzz_fizz_fizzbuzz_number([Buzz, Fizz, FIZZBUZZ, Number])]
#[case::buzz_fizz_number_fizzbuzz([Buzz, Fizz, Number, FIZZBUZZ])]
#[case::buzz_fizzbuzz_fizz_number([Buzz, FIZZBUZZ, Fizz, Number])]
#[case::buzz_fizzbuzz_number_fizz([Buzz, FIZZBUZZ, Number, Fizz])]
#[case::buzz_number_fizz_fizzbuzz([Buzz, Number, Fizz, FIZZBUZZ])]
#[case::buzz_number_fizzbuzz_fizz([Buzz, Number, FIZZBUZZ, Fizz])]
#[case::fizzbuzz_fizz_buzz_number([FIZZBUZZ, Fizz, Buzz, Number])]
#[case::fizzbuzz_fizz_number_buzz([FIZZBUZZ, Fizz, Number, Buzz])]
#[case::fizzbuzz_buzz_fizz_number([FIZZBUZZ, Buzz, Fizz, Number])]
#[case::fizzbuzz_buzz_number_fizz([FIZZBUZZ, Buzz, Number, Fizz])]
#[case::fizzbuzz_number_fizz_buzz([FIZZBUZZ, Number, Fizz, Buzz])]
#[case::fizzbuzz_number_buzz_fizz([FIZZBUZZ, Number, Buzz, Fizz])]
#[case::number_fizz_buzz_fizzbuzz([Number, Fizz, Buzz, FIZZBUZZ])]
#[case::number_fizz_fizzbuzz_buzz([Number, Fizz, FIZZBUZZ, Buzz])]
#[case::number_buzz_fizz_fizzbuzz([Number, Buzz, Fizz, FIZZBUZZ])]
#[case::number_buzz_fizzbuzz_fizz([Number, Buzz, FIZZBUZZ, Fizz])]
#[case::number_fizzbuzz_fizz_buzz([Number, FIZZBUZZ, Fizz, Buzz])]
#[case::number_fizzbuzz_buzz_fizz([Number, FIZZBUZZ, Buzz, Fizz])]
fn says_1_to_n_whatever_order_the_threads_start(
    #[case] start_order: [Method; 4],
    // 16: every method has a number and waits, and the turn goes from
    // fizzbuzz back to number; smaller and larger n are below.
    #[values(16)] n: usize,
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
#[case::number_first([Number, Fizz, Buzz, FIZZBUZZ])]
#[case::number_last([Fizz, Buzz, FIZZBUZZ, Number])]
fn says_1_to_n_for_small_and_large_n(
    #[case] start_order: [Method; 4],
    #[values(1, 2, 3, 5, 15, 1000)] n: usize,
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
#[case::fizz(Fizz)]
#[case::buzz(Buzz)]
#[case::fizzbuzz(FIZZBUZZ)]
fn a_word_waits_for_the_numbers_before_it(#[case] m: Method) {
    let check = kata_test::check(&WORDS_WAIT);
    let mut s = Scenario::new(15, check.log());
    s.start(m);
    assert!(
        s.out.seen().is_empty(),
        "with n = 15, {m} said {} before any other method had been called: {m} must wait for its turn",
        window(&s.out.seen(), 0)
    );
    assert!(
        !s.returned(m),
        "with n = 15, {m} returned before any other method had been called: {m} must wait for its turn (its numbers in 1..=15: {})",
        (1..=15)
            .filter(|&i| Method::owner(i) == m)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for other in METHODS.into_iter().filter(|o| *o != m) {
        s.start(other);
    }
    s.join();
}

#[test]
fn number_waits_for_fizz_before_saying_4() {
    let check = kata_test::check(&NUMBER_WAITS);
    let mut s = Scenario::new(4, check.log());
    s.start(Number);
    assert_eq!(
        s.out.seen(),
        [Said::Number(1), Said::Number(2)],
        "with n = 4 and only number called, number should have said 1 and 2 and be waiting for fizz's 3"
    );
    assert!(
        !s.returned(Number),
        "with n = 4, number returned before fizz had been called: number must wait for fizz before saying 4"
    );
    s.start(Fizz);
    s.start(Buzz);
    s.start(FIZZBUZZ);
    s.join();
}

#[test]
fn a_hand_over_wakes_the_thread_whose_number_is_next() {
    let check = kata_test::check(&RIGHT_THREAD_WOKEN);
    // buzz, fizzbuzz and fizz asleep, in that order, waiting for 5, 15 and
    // 3; after number's 2, the wakeup must reach fizz, though the other two
    // have waited longer.
    let mut s = Scenario::new(15, check.log());
    s.start(Buzz);
    s.start(FIZZBUZZ);
    s.start(Fizz);
    s.start(Number);
    s.join();
}

#[test]
fn no_callback_begins_while_another_is_running() {
    let check = kata_test::check(&NO_OVERLAP);
    const N: usize = 15;
    let mut s = Scenario::new(N, check.log());
    // Each callback watches the thread that says the next number before it
    // prints: until that thread is plainly asleep (a correct answer keeps it
    // waiting while this callback runs), or until its callback begins, which
    // is the bug.
    let watching = |me: Method| {
        let mine: Vec<usize> = (1..=N).filter(|&i| Method::owner(i) == me).collect();
        let mut call = 0;
        move |out: &Output, said: Said| {
            let Some(&i) = mine.get(call) else {
                panic!(
                    "{me}'s callback ran {} times, but only {} of 1..={N} are {me}'s",
                    call + 1,
                    mine.len()
                );
            };
            call += 1;
            out.print_after(said, || {
                let next = Method::owner(i + 1);
                if i == N || next == me {
                    return;
                }
                let before = out.began(next);
                settle(&next.thread(), ASLEEP_WHILE_PRINTING, GRACE, || {
                    out.began(next) > before
                });
                assert!(
                    out.began(next) == before,
                    "{next}'s callback began while {me}'s callback for {i} was still running: {me} let {next} go before its callback had returned"
                );
            });
        }
    };
    // The word threads first, so that they are already waiting when
    // number's callbacks watch them.
    for m in [Fizz, Buzz, FIZZBUZZ, Number] {
        s.start_with(m, watching(m));
    }
    s.finish();
}
