//! Stage 5 of 6, stress: every start order, many times, with timing varied.
//!
//! Each round starts the three threads in the case's order, with a random
//! pause between starts, and every callback takes a random while, during
//! which it holds the output: an answer that orders the threads by timing
//! (a sleep, a head start) rather than by waiting prints out of order or
//! overlaps another callback, and both are reported. The pauses are seeded;
//! the seed is in every failure message. The watchdog names any call that
//! never returns.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{First, IN_ORDER, Method, Output, Second, Third, list};
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use print_in_order::Foo;
use rstest::rstest;

/// Rounds per start order.
const ROUNDS: u64 = 40;
/// The longest pause the main thread takes between starting two threads.
const MAX_START_GAP: Duration = Duration::from_millis(2);
/// The longest a callback takes.
const MAX_CALLBACK: Duration = Duration::from_millis(1);

const IN_ORDER_UNDER_LOAD: Property = Property {
    name: "with start orders and callback lengths varied, the callbacks always run in order, one after another",
    cause: "the order holds only when the timing is kind: a sleep or a head start instead of a wait, or a method that does not wait for the one before it to finish",
    book: "sleep",
};

#[rstest]
#[case::first_second_third(1, [First, Second, Third])]
#[case::first_third_second(2, [First, Third, Second])]
#[case::second_first_third(3, [Second, First, Third])]
#[case::second_third_first(4, [Second, Third, First])]
#[case::third_first_second(5, [Third, First, Second])]
#[case::third_second_first(6, [Third, Second, First])]
fn callbacks_stay_in_order_with_timing_varied(#[case] case: u64, #[case] start_order: [Method; 3]) {
    let check = kata_test::check(&IN_ORDER_UNDER_LOAD);
    for round in 0..ROUNDS {
        let seed = case * 1_000 + round;
        let mut jitter = Jitter::new(seed);
        let kata = Arc::new(Foo::new());
        let out = Arc::new(Output::with_context(format_args!(
            "round {round}, seed {seed}"
        )));
        let mut threads: Vec<_> = start_order
            .iter()
            .map(|&m| {
                jitter.stall(MAX_START_GAP);
                let (kata, out, log) =
                    (Arc::clone(&kata), Arc::clone(&out), Arc::clone(check.log()));
                let mut callback_jitter = Jitter::new(jitter.next_u64());
                let thread = spawn(m.thread(), move || {
                    let w = log.worker(format!("{} (round {round})", m.thread()));
                    let call = w.call(format_args!("{m}(print_{m}), round {round}, seed {seed}"));
                    m.call(&kata, || {
                        out.print_slowly(m, || callback_jitter.stall(MAX_CALLBACK));
                    });
                    drop(call);
                });
                (m, thread)
            })
            .collect();
        // First, second, third: a thread that panicked (a race report) is
        // joined before the threads stuck waiting for it.
        threads.sort_by_key(|(m, _)| m.index());
        for (_, thread) in threads {
            kata_test::join(thread);
        }
        let printed = out.printed();
        assert_eq!(
            printed,
            IN_ORDER,
            "round {round} (seed {seed}): the callbacks ran in the order {} when the threads started in the order {}",
            list(&printed),
            list(&start_order)
        );
    }
}
