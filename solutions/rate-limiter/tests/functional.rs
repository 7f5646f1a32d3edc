//! Stage 4 of 7, functional: the token bucket's arithmetic, one thread at a time,
//! against the statement's exact integer model.

mod common;

use std::time::Duration;

use common::{NANO, Op, Ret, Tb, apply, bucket_at};
use kata_test::jitter::Jitter;
use kata_test::{Property, expect_panic};
use lincheck::Model;
use rstest::rstest;

const SEQUENCES: u64 = 300;
const OPS_PER_SEQUENCE: usize = 60;
/// Calls in the drift test, one nanosecond apart.
const DRIFT_CALLS: u64 = 1_000_000;

const SEMANTICS: Property = Property {
    name: "try_acquire grants exactly when the bucket holds n tokens, refilled continuously and capped at capacity",
    cause: "the refill or the cap is computed differently from the statement: refill by per_second x elapsed, cap at capacity, then take n if there are n",
    book: "rate-limiter",
};

const NO_DRIFT: Property = Property {
    name: "no drift: fractions of a token carry over between calls, so a million calls 1 ns apart are granted exactly what continuous refill allows",
    cause: "the refill rounds down to whole tokens and then moves its timestamp to now, which throws the fraction away at every call",
    book: "rate-limiter-exact",
};

const EXTREMES: Property = Property {
    name: "n = 0, n > capacity, per_second = u64::MAX, capacity = u64::MAX and a clock near Duration::MAX neither overflow nor panic",
    cause: "an intermediate product overflows: count in u128, and saturate per_second x elapsed, which is only ever compared with the capacity",
    book: "rate-limiter-exact",
};

const ZERO_ARGUMENTS: Property = Property {
    name: "new panics when capacity or per_second is 0, and its message names which",
    cause: "new accepts a zero, or its panic message does not say which argument was 0",
    book: "rate-limiter",
};

use Op::{Acquire, Advance};

/// One second, in nanoseconds.
const S: u64 = 1_000_000_000;

#[rstest]
#[case::starts_full_and_refuses_when_empty(3, 1, &[Acquire(2), Acquire(1), Acquire(1)],
    &[true, true, false])]
#[case::refills_over_time(2, 1, &[Acquire(2), Advance(S), Acquire(1), Acquire(1), Advance(S), Acquire(1)],
    &[true, true, false, true])]
#[case::never_more_than_capacity(2, 10, &[Advance(60 * S), Acquire(2), Acquire(1)],
    &[true, false])]
#[case::a_refused_call_takes_nothing(5, 1, &[Acquire(4), Acquire(2), Acquire(1)],
    &[true, false, true])]
#[case::fractions_add_up(1, 3, &[Acquire(1), Advance(S / 3), Acquire(1), Advance(1), Acquire(1), Advance(S / 3), Advance(S / 3 + 1), Acquire(1)],
    &[true, false, true, true])]
#[case::zero_is_always_granted(1, 1, &[Acquire(1), Acquire(0), Acquire(1)],
    &[true, true, false])]
#[case::more_than_capacity_is_never_granted(3, 1, &[Acquire(4), Advance(100 * S), Acquire(4), Acquire(3)],
    &[false, false, true])]
fn follows_token_bucket_semantics(
    #[case] capacity: u64,
    #[case] per_second: u64,
    #[case] ops: &[Op],
    #[case] expected: &[bool],
) {
    let _check = kata_test::check(&SEMANTICS);
    let (bucket, clock) = bucket_at(capacity, per_second, Duration::ZERO);
    let mut grants = expected.iter();
    for (i, op) in ops.iter().enumerate() {
        if let Ret::Granted(got) = apply(&bucket, &clock, op) {
            let want = *grants.next().expect("one expectation per Acquire");
            assert_eq!(
                got,
                want,
                "capacity {capacity}, {per_second}/s: step {i}, {op:?}, after {:?}",
                &ops[..i]
            );
        }
    }
}

#[test]
fn matches_the_exact_model_on_random_sequences() {
    let _check = kata_test::check(&SEMANTICS);
    for seed in 0..SEQUENCES {
        let mut rng = Jitter::new(seed);
        let capacity = 1 + rng.below(5);
        let per_second = 1 + rng.below(3 * S);
        let start = Duration::from_nanos(rng.below(S));
        let (bucket, clock) = bucket_at(capacity, per_second, start);
        let mut model = Tb::new(capacity, per_second, start);
        let mut done = Vec::new();
        for _ in 0..OPS_PER_SEQUENCE {
            let op = if rng.below(2) == 0 {
                Acquire(rng.below(capacity + 2))
            } else {
                // Around the time one token takes, and odd nanoseconds.
                Advance(rng.below(4) * (S / per_second).max(1) + rng.below(3))
            };
            let got = apply(&bucket, &clock, &op);
            let want = model.step(&op);
            assert_eq!(
                got, want,
                "seed {seed}, capacity {capacity}, {per_second}/s: {op:?} after {done:?}"
            );
            done.push(op);
        }
    }
}

#[test]
fn a_million_calls_one_nanosecond_apart_do_not_drift() {
    let _check = kata_test::check(&NO_DRIFT);
    // A third of a token every nanosecond (not a whole number of tokens in
    // any nanosecond), against a caller asking for one every nanosecond.
    let (capacity, per_second) = (10, 333_333_333);
    let (bucket, clock) = bucket_at(capacity, per_second, Duration::from_secs(7));
    let mut model = Tb::new(capacity, per_second, Duration::from_secs(7));
    let mut granted = 0_u64;
    for call in 0..DRIFT_CALLS {
        if call > 0 {
            clock.advance(1);
            model.now += 1;
        }
        let got = bucket.try_acquire(1);
        let want = model.try_acquire(1);
        assert_eq!(
            got, want,
            "call {call} (at +{call} ns, after {granted} grants): the exact model says {want}"
        );
        granted += u64::from(got);
    }
    // The bucket starts full and the caller always outpaces the refill, so
    // the total is the capacity plus every whole token refilled.
    let refilled = u128::from(per_second) * u128::from(DRIFT_CALLS - 1) / NANO;
    assert_eq!(
        u128::from(granted),
        u128::from(capacity) + refilled,
        "{DRIFT_CALLS} calls 1 ns apart at {per_second}/s"
    );
}

#[test]
fn extreme_values_neither_overflow_nor_panic() {
    let _check = kata_test::check(&EXTREMES);
    let near_max = Duration::MAX - Duration::from_secs(1);
    let cases: &[(u64, u64, Duration, &[Op])] = &[
        // The fastest refill: full again after one nanosecond.
        (
            5,
            u64::MAX,
            Duration::ZERO,
            &[
                Acquire(5),
                Acquire(1),
                Advance(1),
                Acquire(5),
                Advance(S),
                Acquire(6),
                Acquire(0),
            ],
        ),
        // The biggest bucket and the biggest request it can grant.
        (
            u64::MAX,
            u64::MAX,
            Duration::ZERO,
            &[
                Acquire(u64::MAX),
                Acquire(1),
                Advance(1),
                Acquire(u64::MAX),
                Acquire(0),
            ],
        ),
        (
            u64::MAX,
            1,
            Duration::ZERO,
            &[
                Acquire(u64::MAX - 1),
                Acquire(2),
                Acquire(1),
                Acquire(1),
                Advance(S),
                Acquire(1),
            ],
        ),
        // A clock near its end, stepping up to Duration::MAX itself.
        (
            3,
            2,
            near_max,
            &[
                Acquire(3),
                Advance(S / 2),
                Acquire(1),
                Acquire(1),
                Advance(S / 2),
                Acquire(1),
                Acquire(2),
            ],
        ),
        (
            u64::MAX,
            u64::MAX,
            near_max,
            &[
                Acquire(u64::MAX),
                Advance(S),
                Acquire(u64::MAX),
                Acquire(0),
                Acquire(1),
            ],
        ),
        // Requests beyond the capacity, and of nothing, on an empty bucket.
        (
            1,
            1,
            Duration::ZERO,
            &[
                Acquire(1),
                Acquire(0),
                Acquire(2),
                Acquire(u64::MAX),
                Advance(u64::MAX),
                Acquire(u64::MAX),
                Acquire(1),
            ],
        ),
    ];
    for (capacity, per_second, start, ops) in cases {
        let (bucket, clock) = bucket_at(*capacity, *per_second, *start);
        let mut model = Tb::new(*capacity, *per_second, *start);
        for (i, op) in ops.iter().enumerate() {
            let got = apply(&bucket, &clock, op);
            let want = model.step(op);
            assert_eq!(
                got,
                want,
                "capacity {capacity}, {per_second}/s, clock from {start:?}: step {i}, {op:?}, after {:?}",
                &ops[..i]
            );
        }
    }
}

#[rstest]
#[case::capacity(0, 1, "capacity")]
#[case::per_second(1, 0, "per_second")]
fn new_panics_on_zero_naming_the_argument(
    #[case] capacity: u64,
    #[case] per_second: u64,
    #[case] name: &str,
) {
    let _check = kata_test::check(&ZERO_ARGUMENTS);
    let message = expect_panic(
        &format!("TokenBucket::new({capacity}, {per_second}, clock)"),
        || bucket_at(capacity, per_second, Duration::ZERO),
    );
    assert!(
        message.contains(name),
        "new({capacity}, {per_second}, clock) panicked, but its message does not name `{name}`: {message:?}"
    );
}
