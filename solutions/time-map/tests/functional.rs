//! Stage 4 of 6, functional: LeetCode 981's semantics, one thread at a time.

mod common;

use common::{Op, Ret, Tm, apply, random_op};
use kata_test::Property;
use kata_test::jitter::Jitter;
use lincheck::Model;
use rstest::rstest;
use time_map::TimeMap;

const SEQUENCES: u64 = 300;
const OPS_PER_SEQUENCE: usize = 60;

const SEMANTICS: Property = Property {
    name: "get returns the value with the largest timestamp <= t (LeetCode 981), whatever order the sets came in",
    cause: "keep each key's versions ordered by timestamp (a BTreeMap, or insert in sorted position) and search for the largest <= t",
    book: "time-map",
};

use Op::{Get, Incr, Set};

#[rstest]
#[case::leetcode_example(&[Set(1, 10, 1), Get(1, 1), Get(1, 3), Set(1, 40, 4), Get(1, 4), Get(1, 5)],
    &[Ret::Done, Ret::Value(Some(10)), Ret::Value(Some(10)), Ret::Done, Ret::Value(Some(40)), Ret::Value(Some(40))])]
#[case::get_before_any_set(&[Get(1, 5)], &[Ret::Value(None)])]
#[case::get_before_the_first_timestamp(&[Set(1, 10, 5), Get(1, 4), Get(1, 5)],
    &[Ret::Done, Ret::Value(None), Ret::Value(Some(10))])]
#[case::out_of_order_timestamps(&[Set(1, 50, 5), Set(1, 20, 2), Set(1, 90, 9), Get(1, 3), Get(1, 6), Get(1, 1), Get(1, 100)],
    &[Ret::Done, Ret::Done, Ret::Done, Ret::Value(Some(20)), Ret::Value(Some(50)), Ret::Value(None), Ret::Value(Some(90))])]
#[case::equal_timestamp_overwrites(&[Set(1, 10, 3), Set(1, 11, 3), Get(1, 3), Get(1, 7)],
    &[Ret::Done, Ret::Done, Ret::Value(Some(11)), Ret::Value(Some(11))])]
#[case::keys_are_independent(&[Set(1, 10, 1), Set(2, 20, 2), Get(1, 2), Get(2, 1)],
    &[Ret::Done, Ret::Done, Ret::Value(Some(10)), Ret::Value(None)])]
#[case::update_sees_the_value_at_its_timestamp(&[Set(1, 10, 2), Set(1, 50, 8), Incr(1, 5), Get(1, 5), Get(1, 9), Incr(2, 1), Get(2, 1)],
    &[Ret::Done, Ret::Done, Ret::Done, Ret::Value(Some(11)), Ret::Value(Some(50)), Ret::Done, Ret::Value(Some(1))])]
fn follows_time_map_semantics(#[case] ops: &[Op], #[case] expected: &[Ret]) {
    let _check = kata_test::check(&SEMANTICS);
    let map = TimeMap::new();
    for (i, (op, want)) in ops.iter().zip(expected).enumerate() {
        let got = apply(&map, op);
        assert_eq!(&got, want, "step {i}, {op:?}, after {:?}", &ops[..i]);
    }
}

#[test]
fn matches_a_sequential_model_on_random_sequences() {
    let _check = kata_test::check(&SEMANTICS);
    for seed in 0..SEQUENCES {
        let mut rng = Jitter::new(seed);
        let map = TimeMap::new();
        let mut model = Tm::default();
        let mut value = 0;
        let mut done = Vec::new();
        for _ in 0..OPS_PER_SEQUENCE {
            let op = random_op(&mut rng, 3, 12, &mut value);
            let got = apply(&map, &op);
            let want = model.step(&op);
            assert_eq!(got, want, "seed {seed}: {op:?} after {done:?}");
            done.push(op);
        }
    }
}
