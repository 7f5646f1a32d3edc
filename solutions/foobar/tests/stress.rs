//! Stage 5 of 6, stress: many rounds on real threads, with timing varied.
//!
//! Each run starts the two threads in the case's order, with a random pause
//! between the starts, and some callbacks take a random while, during which
//! they hold the output: an answer that alternates by timing rather than by
//! taking turns prints out of turn or overlaps the other side, and both are
//! reported. The pauses are seeded; the seed is in every failure message.
//! The watchdog names any call that never returns.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Bar, Foo, Output, Side, join_as_they_finish, mismatch};
use foobar::FooBar;
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use rstest::rstest;

/// The longest pause the main thread takes between starting the two threads.
const MAX_START_GAP: Duration = Duration::from_millis(1);
/// The longest a slow callback takes.
const MAX_CALLBACK: Duration = Duration::from_micros(200);
/// One callback in this many is slow.
const SLOW_ONE_IN: u64 = 8;

const ALTERNATION_UNDER_LOAD: Property = Property {
    name: "with start order and callback lengths varied, foo and bar always alternate, exactly n times each, one callback at a time",
    cause: "the alternation holds only when the timing is kind: a side that does not wait for its turn, or hands the turn over before its callback has returned, or a sleep instead of a wait",
    book: "foobar",
};

#[rstest]
#[case::n1_foo_first(1, 200, Foo)]
#[case::n1_bar_first(1, 200, Bar)]
#[case::n3_foo_first(3, 100, Foo)]
#[case::n3_bar_first(3, 100, Bar)]
#[case::n50_foo_first(50, 10, Foo)]
#[case::n50_bar_first(50, 10, Bar)]
#[case::n2000_foo_first(2_000, 1, Foo)]
#[case::n2000_bar_first(2_000, 1, Bar)]
fn foo_and_bar_alternate_with_timing_varied(
    #[case] n: usize,
    #[case] runs: u64,
    #[case] first: Side,
) {
    let check = kata_test::check(&ALTERNATION_UNDER_LOAD);
    for run in 0..runs {
        let seed = (n as u64) * 1_000_000 + (first.index() as u64) * 10_000 + run;
        let mut jitter = Jitter::new(seed);
        let kata = Arc::new(FooBar::new(n));
        let out = Arc::new(Output::with_context(format_args!(
            "n = {n}, run {run}, seed {seed}"
        )));
        let threads = [first, first.other()]
            .into_iter()
            .enumerate()
            .map(|(i, side)| {
                if i > 0 {
                    jitter.stall(MAX_START_GAP);
                }
                let (kata, out, log) =
                    (Arc::clone(&kata), Arc::clone(&out), Arc::clone(check.log()));
                let mut callback_jitter = Jitter::new(jitter.next_u64());
                spawn(side.thread(), move || {
                    let w = log.worker(format!("{} (n = {n}, run {run})", side.thread()));
                    let call = w.call(format_args!("{side}(print_{side}), n = {n}, seed {seed}"));
                    side.call(&kata, || {
                        if callback_jitter.below(SLOW_ONE_IN) == 0 {
                            out.print_slowly(side, || callback_jitter.stall(MAX_CALLBACK));
                        } else {
                            out.print(side);
                        }
                    });
                    drop(call);
                })
            })
            .collect();
        join_as_they_finish(threads);
        if let Some(why) = mismatch(&out.printed(), n) {
            panic!("run {run} (seed {seed}, {first} started first): {why}");
        }
    }
}
