//! Stage 5 of 6, stress: many runs on real threads, with timing varied.
//!
//! Each run starts the three threads in a shuffled order, with a random
//! pause between the starts, and some callbacks take a random while, during
//! which they hold the output: an answer that is ordered by timing rather
//! than by taking turns prints out of turn or overlaps another callback, and
//! both are reported. The pauses are seeded; the seed is in every failure
//! message. The watchdog names any call that never returns.

// Real threads only: the helpers join by polling `is_finished`, which
// loom's threads lack. The model stage has its own file.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{METHODS, Output, list, mismatch};
use kata_test::jitter::Jitter;
use kata_test::{Property, join_as_they_finish, spawn};
use rstest::rstest;
use zero_even_odd::ZeroEvenOdd;

/// The longest pause the main thread takes between starting two threads.
const MAX_START_GAP: Duration = Duration::from_millis(1);
/// The longest a slow callback takes.
const MAX_CALLBACK: Duration = Duration::from_micros(200);
/// One callback in this many is slow.
const SLOW_ONE_IN: u64 = 8;

const SEQUENCE_UNDER_LOAD: Property = Property {
    name: "with start order and callback lengths varied, the callbacks always print 0 1 0 2 ... 0 n, one at a time, each on its own method's thread",
    cause: "the order holds only when the timing is kind: a method that does not wait for its turn, hands the turn over before its callback has returned, or a sleep instead of a wait",
    book: "zero-even-odd",
};

#[rstest]
#[case::n1(1, 200)]
#[case::n2(2, 200)]
#[case::n3(3, 150)]
#[case::n7(7, 60)]
#[case::n50(50, 10)]
#[case::n2000(2_000, 2)]
fn the_sequence_holds_with_timing_varied(#[case] n: usize, #[case] runs: u64) {
    let check = kata_test::check(&SEQUENCE_UNDER_LOAD);
    for run in 0..runs {
        run_once(&check, n, run, (n as u64) * 1_000_000 + run, SLOW_ONE_IN);
    }
}

/// Every `n` up to this is run once, so an answer that is wrong only for
/// some values of `n` (a remainder case, an off-by-one at the end) cannot
/// hide between the cases above.
const SWEEP_UP_TO: usize = 128;
/// Then this many runs with an `n` drawn from `SWEEP_UP_TO + 1..=LARGEST_N`.
const LARGER_RUNS: u64 = 4;
const LARGEST_N: u64 = 1_500;

#[test]
fn the_sequence_holds_for_every_n_up_to_128_and_random_larger_ones() {
    let check = kata_test::check(&SEQUENCE_UNDER_LOAD);
    for n in 1..=SWEEP_UP_TO {
        run_once(&check, n, 0, 7_000_000 + n as u64, SLOW_ONE_IN);
    }
    let mut rng = Jitter::new(7);
    for run in 0..LARGER_RUNS {
        let n = SWEEP_UP_TO + 1 + rng.below(LARGEST_N - SWEEP_UP_TO as u64) as usize;
        run_once(&check, n, run, 8_000_000 + run, SLOW_ONE_IN);
    }
}

/// An `n` past what a 16-bit counter holds: 66,000 callbacks, so a position
/// counter of 16 bits wraps.
/// Every callback is quick here, so the run measures the hand-overs alone.
const PAST_16_BITS: usize = 33_000;

#[test]
fn the_sequence_holds_past_what_a_16_bit_counter_holds() {
    let check = kata_test::check(&SEQUENCE_UNDER_LOAD);
    run_once(&check, PAST_16_BITS, 0, 9_000_000, u64::MAX);
}

/// One run of the methods on their own threads: started in a shuffled
/// order with random gaps, some callbacks slow, all seeded by `seed`.
fn run_once(check: &kata_test::Check, n: usize, run: u64, seed: u64, slow_one_in: u64) {
    let mut jitter = Jitter::new(seed);
    let mut order = METHODS;
    jitter.shuffle(&mut order);
    let kata = Arc::new(ZeroEvenOdd::new(n));
    let out = Arc::new(Output::with_context(format_args!(
        "n = {n}, run {run}, seed {seed}"
    )));
    let threads = order
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            if i > 0 {
                jitter.stall(MAX_START_GAP);
            }
            let (kata, out, log) = (Arc::clone(&kata), Arc::clone(&out), Arc::clone(check.log()));
            let mut callback_jitter = Jitter::new(jitter.next_u64());
            spawn(m.thread(), move || {
                let w = log.worker(format!("{} (n = {n}, run {run})", m.thread()));
                let call = w.call(format_args!("{m}(print_number), n = {n}, seed {seed}"));
                m.call(&kata, |number| {
                    if callback_jitter.below(slow_one_in) == 0 {
                        out.print_slowly(m, number, || callback_jitter.stall(MAX_CALLBACK));
                    } else {
                        out.print(m, number);
                    }
                });
                drop(call);
            })
        })
        .collect();
    join_as_they_finish(threads);
    let strays = out.strays();
    assert!(
        strays.is_empty(),
        "run {run} (seed {seed}): a callback ran on another thread than its method's: {}",
        strays.join("; ")
    );
    if let Some(why) = mismatch(&out.printed(), n) {
        panic!(
            "run {run} (seed {seed}, threads started in the order {}): {why}",
            list(&order)
        );
    }
}
