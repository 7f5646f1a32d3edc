//! Stage 5 of 7, stress: on real threads, with a clock the suite moves while
//! callers contend, every history is linearizable and no window of time
//! sees more grants than the bucket could hold.
#![cfg(not(loom))]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use common::{NANO, Op, Ret, Tb, apply, bucket_at};
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};

const HISTORIES: u64 = 400;
const THREADS: usize = 3;
const OPS_PER_THREAD: usize = 6;
const CALLERS: usize = 4;
/// Clock steps in the bound test, each of `STEP_NS`.
const STEPS: u64 = 4_000;
const STEP_NS: u64 = 1_000;
/// The most yields the ticker makes at one time while waiting for calls.
const TICK_YIELDS_AT_MOST: usize = 1_000;
/// Refill in the bound test: one token a microsecond, so a token appears at
/// almost every step and callers race for it.
const BOUND_RATE: u64 = 1_000_000;
const BOUND_CAPACITY: u64 = 3;

const LINEARIZABLE: Property = Property {
    name: "every concurrent history of try_acquire calls and clock steps is linearizable against the exact sequential token bucket",
    cause: "a call is not one atomic step: the check and the take, or the clock reading and the refill, happen in different critical sections",
    book: "rate-limiter",
};

const BOUNDED: Property = Property {
    name: "over any interval, the tokens granted are at most capacity + per_second x elapsed",
    cause: "two callers both took the same token (check and take are not one atomic step), or a stretch of time was credited twice",
    book: "rate-limiter",
};

#[test]
fn concurrent_histories_are_linearizable() {
    let check = kata_test::check(&LINEARIZABLE);
    // Two tokens a second: a step of a third of a second leaves a fraction.
    let (capacity, per_second) = (2, 2);
    for seed in 0..HISTORIES {
        let mut rng = Jitter::new(seed);
        let start = Duration::from_nanos(rng.below(1 << 40));
        let (bucket, clock) = bucket_at(capacity, per_second, start);
        let bucket = Arc::new(bucket);
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let plans: Vec<Vec<Op>> = (0..THREADS)
            .map(|_| {
                (0..OPS_PER_THREAD)
                    .map(|_| match rng.below(10) {
                        0..=2 => Op::Advance(NANO as u64 / 3 + rng.below(2)),
                        3..=7 => Op::Acquire(1),
                        _ => Op::Acquire(2),
                    })
                    .collect()
            })
            .collect();
        let go = Arc::new(Barrier::new(THREADS));
        let handles: Vec<_> = plans
            .into_iter()
            .enumerate()
            .map(|(t, plan)| {
                let (bucket, clock, recorder, log, go) = (
                    Arc::clone(&bucket),
                    Arc::clone(&clock),
                    Arc::clone(&recorder),
                    Arc::clone(check.log()),
                    Arc::clone(&go),
                );
                let name = format!("thread-{t}");
                spawn(name.clone(), move || {
                    let w = log.worker(name);
                    let r = recorder.thread(t);
                    go.wait();
                    for op in plan {
                        let call = w.call(format_args!("{op:?}"));
                        let got = r.call(op, |op| apply(&bucket, &clock, op));
                        call.returned(format_args!("{got:?}"));
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(kata_test::join);
        let initial = Tb::new(capacity, per_second, start);
        if let Err(v) = lincheck::check(&initial, &recorder.history()) {
            panic!("history {seed} (capacity {capacity}, {per_second}/s) is not linearizable: {v}");
        }
    }
}

#[test]
fn grants_in_any_interval_stay_within_capacity_plus_refill() {
    let check = kata_test::check(&BOUNDED);
    let (bucket, clock) = bucket_at(BOUND_CAPACITY, BOUND_RATE, Duration::from_secs(3));
    let bucket = Arc::new(bucket);
    // Each grant with the clock offsets read just before and just after it:
    // the grant happened at some time in between.
    let grants = Arc::new(Mutex::new(Vec::<(u64, u64)>::new()));
    let go = Arc::new(Barrier::new(CALLERS + 1));
    // Calls the callers have made, so that the ticker moves the clock on
    // once they have contended at this time (an event), not after a number
    // of yields, each of which can cost a whole time slice on a busy machine.
    let calls = Arc::new(AtomicU64::new(0));
    let callers: Vec<_> = (0..CALLERS)
        .map(|c| {
            let (bucket, clock, grants, log, go, calls) = (
                Arc::clone(&bucket),
                Arc::clone(&clock),
                Arc::clone(&grants),
                Arc::clone(check.log()),
                Arc::clone(&go),
                Arc::clone(&calls),
            );
            let name = format!("caller-{c}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                go.wait();
                let mut mine = Vec::new();
                while clock.offset() < STEPS * STEP_NS {
                    let before = clock.offset();
                    let call = w.call("try_acquire(1)");
                    let got = bucket.try_acquire(1);
                    drop(call);
                    calls.fetch_add(1, Ordering::SeqCst);
                    if got {
                        mine.push((before, clock.offset()));
                    }
                }
                grants.lock().unwrap().extend(mine);
            })
        })
        .collect();
    let ticker = {
        let (clock, go, log, calls) = (
            Arc::clone(&clock),
            Arc::clone(&go),
            Arc::clone(check.log()),
            Arc::clone(&calls),
        );
        spawn("ticker", move || {
            let w = log.worker("ticker");
            go.wait();
            for step in 0..STEPS {
                let call = w.call(format_args!("advance step {step}"));
                let target = calls.load(Ordering::SeqCst) + 2 * CALLERS as u64;
                clock.advance(STEP_NS);
                // Let the callers contend at this time before moving on:
                // until they have made two calls each on average. Bounded,
                // so that callers stuck in the kata do not hold the ticker
                // (they are then reported blocked once it has finished).
                for _ in 0..TICK_YIELDS_AT_MOST {
                    if calls.load(Ordering::SeqCst) >= target {
                        break;
                    }
                    std::thread::yield_now();
                }
                drop(call);
            }
        })
    };
    kata_test::join(ticker);
    callers.into_iter().for_each(kata_test::join);
    let mut grants = grants.lock().unwrap().clone();
    grants.sort_unstable();
    let allowed = |from: u64, to: u64| {
        u128::from(BOUND_CAPACITY) + u128::from(BOUND_RATE) * u128::from(to - from) / NANO
    };
    // Every window [a, b] that starts where a grant's call did: the grants
    // that certainly fell inside it (read no earlier than a, returned no
    // later than b). Walking the starts from the last, `afters` holds the
    // sorted return readings of the grants that started at or after a.
    let mut afters: Vec<u64> = Vec::with_capacity(grants.len());
    for &(a, after) in grants.iter().rev() {
        let at = afters.partition_point(|&x| x < after);
        afters.insert(at, after);
        for (k, &b) in afters.iter().enumerate() {
            let inside = k as u128 + 1;
            assert!(
                inside <= allowed(a, b),
                "{inside} tokens granted while the clock went from +{a} ns to +{b} ns, but a bucket of {BOUND_CAPACITY} gaining {BOUND_RATE}/s can grant at most {}",
                allowed(a, b)
            );
        }
    }
    let total = grants.len() as u128;
    assert!(
        total <= allowed(0, STEPS * STEP_NS),
        "{total} tokens granted in all, at most {} allowed",
        allowed(0, STEPS * STEP_NS)
    );
}
