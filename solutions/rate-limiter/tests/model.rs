//! Stage 6 of 7, model: every interleaving of small scenarios under loom, each
//! execution's history of calls and clock steps checked for
//! linearizability against the exact sequential bucket.
//!
//! The clock is bookkeeping outside the model (see `ManualClock`): its
//! steps interleave with the bucket's calls at every point where loom may
//! switch threads, but add no happens-before edges of their own.
#![cfg(loom)]

mod common;

use std::time::Duration;

use common::{Op, Ret, Tb, apply, bucket_at};
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const LINEARIZABLE: Property = Property {
    name: "in every interleaving, the history of try_acquire calls and clock steps is linearizable against the exact sequential token bucket",
    cause: "a call is not one atomic step: two callers took the same token, or a clock reading taken before another caller's refill was applied after it",
    book: "rate-limiter",
};

/// A bucket of `capacity` gaining `per_second`, drained by `prefix` on the
/// main thread, then `plans[t]` on thread t (thread 0 is main).
fn scenario(
    capacity: u64,
    per_second: u64,
    prefix: &'static [Op],
    plans: &'static [&'static [Op]],
) {
    model::run(move || {
        let (bucket, clock) = bucket_at(capacity, per_second, Duration::from_secs(1));
        let bucket = Arc::new(bucket);
        let mut initial = Tb::new(capacity, per_second, Duration::from_secs(1));
        for op in prefix {
            assert_eq!(
                apply(&bucket, &clock, op),
                lincheck::Model::step(&mut initial, op),
                "{op:?} alone, before any thread started"
            );
        }
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let handles: Vec<_> = plans[1..]
            .iter()
            .enumerate()
            .map(|(i, plan)| {
                let (bucket, clock, recorder) =
                    (Arc::clone(&bucket), clock.clone(), Arc::clone(&recorder));
                spawn(format!("thread-{}", i + 1), move || {
                    let r = recorder.thread(i + 1);
                    for op in plan.iter() {
                        r.call(op.clone(), |op| apply(&bucket, &clock, op));
                    }
                })
            })
            .collect();
        let r = recorder.thread(0);
        for op in plans[0] {
            r.call(op.clone(), |op| apply(&bucket, &clock, op));
        }
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&initial, &recorder.history()) {
            panic!("not linearizable (capacity {capacity}, {per_second}/s, after {prefix:?}): {v}");
        }
    });
}

#[test]
fn two_callers_race_for_the_last_token() {
    let _check = kata_test::check(&LINEARIZABLE);
    scenario(
        2,
        1,
        &[Op::Acquire(1)],
        &[&[], &[Op::Acquire(1)], &[Op::Acquire(1)]],
    );
}

#[test]
fn a_clock_reading_is_never_credited_twice() {
    let _check = kata_test::check(&LINEARIZABLE);
    // One token a nanosecond, from empty. thread-1's reading may be taken
    // before the step and applied after thread-2's refill; thread-2's
    // second call then shows whether the step was credited again.
    scenario(
        1,
        1_000_000_000,
        &[Op::Acquire(1)],
        &[
            &[],
            &[Op::Acquire(1)],
            &[Op::Advance(1), Op::Acquire(1), Op::Acquire(1)],
        ],
    );
}
