//! Stage 4 of 6, functional: the order, one start order at a time.
//!
//! Threads are started one by one. After each start the test waits until the
//! new thread has either returned or blocked in a `kata_sync` primitive (a
//! correct answer does one or the other at once), and then checks that
//! nothing has printed out of turn. A thread that sleeps instead of waiting
//! is neither, so it is given the whole grace period to misbehave in.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{First, IN_ORDER, Method, Output, Second, Third, list};
use kata_test::{EventLog, Property, spawn, wait};
use print_in_order::Foo;
use rstest::rstest;

/// How long a thread that should be waiting is given to misbehave before the
/// test checks that it has not printed. Only a wrong answer waits this long.
const GRACE: Duration = Duration::from_millis(300);
/// How many polls in a row must see a thread blocked before it counts as
/// asleep.
const STABLY_BLOCKED: u32 = 3;

const FIRST_NEVER_WAITS: Property = Property {
    name: "first runs print_first and returns without waiting for second or third",
    cause: "first waits for something: it goes first, so it should run its callback straight away and then let second go",
    book: "print-in-order",
};

const IN_ORDER_ANY_START: Property = Property {
    name: "the callbacks run in the order first, second, third, whichever order the three threads start in",
    cause: "a method runs its callback before the one before it has finished (second must wait until print_first has returned, third until print_second has; sleeping is a guess, not a wait), or a waiter is never woken (second and third wait for different things: a notify_one may wake the wrong one)",
    book: "print-in-order",
};

const SECOND_WAITS: Property = Property {
    name: "second blocks until print_first has run",
    cause: "second does not wait for first: it must block until first says that print_first has returned",
    book: "print-in-order",
};

const THIRD_WAITS_FOR_SECOND: Property = Property {
    name: "third blocks until print_second has run, even once print_first has",
    cause: "third waits for the wrong event: it must wait until second is done, not only first",
    book: "print-in-order",
};

/// The threads of one scenario, started one at a time.
struct Scenario {
    kata: Arc<Foo>,
    out: Arc<Output>,
    log: Arc<EventLog>,
    returned: Arc<[AtomicBool; 3]>,
    started: Vec<Method>,
    threads: Vec<(Method, kata_sync::thread::JoinHandle<()>)>,
}

impl Scenario {
    fn new(log: &Arc<EventLog>) -> Self {
        Self {
            kata: Arc::new(Foo::new()),
            out: Arc::new(Output::new()),
            log: Arc::clone(log),
            returned: Arc::new([const { AtomicBool::new(false) }; 3]),
            started: Vec::new(),
            threads: Vec::new(),
        }
    }

    /// Starts the thread that calls `m`, and waits until it has returned or
    /// is blocked (or until the grace period is over).
    fn start(&mut self, m: Method) {
        self.started.push(m);
        let (kata, out, log, returned) = (
            Arc::clone(&self.kata),
            Arc::clone(&self.out),
            Arc::clone(&self.log),
            Arc::clone(&self.returned),
        );
        let thread = spawn(m.thread(), move || {
            let w = log.worker(m.thread());
            let call = w.call(format_args!("{m}(print_{m})"));
            m.call(&kata, || out.print(m));
            drop(call);
            // SeqCst: read by the main thread's wait below; nothing to tune.
            returned[m.index()].store(true, Ordering::SeqCst);
        });
        self.threads.push((m, thread));
        // Blocked means seen blocked in several polls in a row (they are 1 ms
        // apart): an injected spurious wakeup also shows as blocked, for a
        // few microseconds, and the next thread must not start until this
        // one is really asleep, or the start order would not be the one the
        // case names.
        let thread = m.thread();
        let mut blocked_polls = 0;
        wait::until(GRACE, || {
            let blocked = kata_test::blocked_threads()
                .iter()
                .any(|(t, _, _)| *t == thread);
            blocked_polls = if blocked { blocked_polls + 1 } else { 0 };
            self.returned[m.index()].load(Ordering::SeqCst) || blocked_polls >= STABLY_BLOCKED
        });
    }

    fn returned(&self, m: Method) -> bool {
        self.returned[m.index()].load(Ordering::SeqCst)
    }

    /// Checks that what has printed so far is in order, and that no method
    /// printed before every method before it had at least been called.
    fn assert_nothing_out_of_turn(&self) {
        let seen = self.out.seen();
        let started = list(&self.started);
        if let Some(early) = seen.iter().find(|m| {
            IN_ORDER[..m.index()]
                .iter()
                .any(|before| !self.started.contains(before))
        }) {
            let missing: Vec<Method> = IN_ORDER[..early.index()]
                .iter()
                .copied()
                .filter(|before| !self.started.contains(before))
                .collect();
            panic!(
                "print_{early} ran before {} had even been called (threads started so far: {started}): {early} did not wait",
                list(&missing)
            );
        }
        assert!(
            IN_ORDER.starts_with(&seen),
            "the callbacks ran in the order {} (threads started so far: {started}); the order must be first, second, third",
            list(&seen)
        );
    }

    /// Joins every thread and returns what was printed.
    ///
    /// In the order first, second, third: if a thread panicked (a race
    /// report, say), the threads after it are stuck waiting for it, and
    /// joining it first reports its panic instead of a hang.
    fn finish(mut self) -> Vec<Method> {
        self.threads.sort_by_key(|(m, _)| m.index());
        for (_, thread) in self.threads {
            kata_test::join(thread);
        }
        self.out.printed()
    }
}

#[test]
fn first_returns_without_waiting_for_the_others() {
    let check = kata_test::check(&FIRST_NEVER_WAITS);
    let mut s = Scenario::new(check.log());
    s.start(First);
    assert!(
        s.returned(First),
        "first had not returned {GRACE:?} after it was called, with no other thread started: first must not wait"
    );
    assert_eq!(s.finish(), [First], "what first printed on its own");
}

#[rstest]
#[case::first_second_third([First, Second, Third])]
#[case::first_third_second([First, Third, Second])]
#[case::second_first_third([Second, First, Third])]
#[case::second_third_first([Second, Third, First])]
#[case::third_first_second([Third, First, Second])]
#[case::third_second_first([Third, Second, First])]
fn callbacks_run_in_order_whatever_order_the_threads_start(#[case] start_order: [Method; 3]) {
    let check = kata_test::check(&IN_ORDER_ANY_START);
    let mut s = Scenario::new(check.log());
    for m in start_order {
        s.start(m);
        s.assert_nothing_out_of_turn();
    }
    let printed = s.finish();
    assert_eq!(
        printed,
        IN_ORDER,
        "the callbacks ran in the order {} when the threads started in the order {}",
        list(&printed),
        list(&start_order)
    );
}

#[test]
fn second_blocks_until_first_has_run() {
    let check = kata_test::check(&SECOND_WAITS);
    let mut s = Scenario::new(check.log());
    s.start(Second);
    assert!(
        s.out.seen().is_empty(),
        "print_second ran although first had not been called"
    );
    assert!(
        !s.returned(Second),
        "second returned although first had not been called"
    );
    s.start(First);
    assert_eq!(s.finish(), [First, Second], "what first and second printed");
}

#[test]
fn third_blocks_until_second_has_run() {
    let check = kata_test::check(&THIRD_WAITS_FOR_SECOND);
    let mut s = Scenario::new(check.log());
    s.start(First);
    s.start(Third);
    assert_eq!(
        s.out.seen(),
        [First],
        "print_third ran after print_first but before second had been called: third must wait for second, not only for first"
    );
    assert!(
        !s.returned(Third),
        "third returned although second had not been called"
    );
    s.start(Second);
    assert_eq!(s.finish(), IN_ORDER, "what the three threads printed");
}
