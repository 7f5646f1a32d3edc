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

// ---- Large and extreme inputs -------------------------------------------

/// The long differential run: one map, this many operations.
const LONG_RUN_OPS: usize = 100_000;
const LONG_RUN_KEYS: u32 = 1_000;
/// Random sequences proptest tries (each up to `MAX_SEQUENCE` operations).
const PROPTEST_CASES: u32 = 96;
const MAX_SEQUENCE: usize = 400;

const LARGE: Property = Property {
    name: "set, get and update follow LeetCode 981 over long sequences, many keys and the whole range of timestamps",
    cause: "arithmetic on timestamps that overflows or truncates (t + 1 at u64::MAX, a cast to u32), a counter that wraps, or state that only works for a few keys",
    book: "time-map",
};

const EXTREMES: Property = Property {
    name: "timestamps 0 and u64::MAX are ordinary timestamps",
    cause: "a range written as ..t + 1 (it overflows at u64::MAX): use ..=t; or a timestamp cast to a smaller type",
    book: "time-map",
};

/// An operation on a `TimeMap<u32, u32>`, for the large tests.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Big {
    Set(u32, u32, u64),
    Get(u32, u64),
    /// `update(key, t, |v| v.unwrap_or(0) + add)`; returns what `f` saw.
    Update(u32, u64, u32),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum BigRet {
    Done,
    Value(Option<u32>),
    /// What `f` was called with, and how many times.
    Saw(Option<u32>, u32),
}

/// The plain model: per key, versions by timestamp.
#[derive(Default)]
struct Plain {
    keys: std::collections::HashMap<u32, std::collections::BTreeMap<u64, u32>>,
}

impl Plain {
    fn step(&mut self, op: Big) -> BigRet {
        match op {
            Big::Set(k, v, t) => {
                self.keys.entry(k).or_default().insert(t, v);
                BigRet::Done
            }
            Big::Get(k, t) => BigRet::Value(
                self.keys
                    .get(&k)
                    .and_then(|vs| vs.range(..=t).next_back().map(|(_, v)| *v)),
            ),
            Big::Update(k, t, add) => {
                let vs = self.keys.entry(k).or_default();
                let saw = vs.range(..=t).next_back().map(|(_, v)| *v);
                vs.insert(t, saw.unwrap_or(0).wrapping_add(add));
                BigRet::Saw(saw, 1)
            }
        }
    }
}

fn apply_big(map: &TimeMap<u32, u32>, op: Big) -> BigRet {
    match op {
        Big::Set(k, v, t) => {
            map.set(k, v, t);
            BigRet::Done
        }
        Big::Get(k, t) => BigRet::Value(map.get(&k, t)),
        Big::Update(k, t, add) => {
            let (mut saw, mut calls) = (None, 0);
            map.update(k, t, |v| {
                saw = v.copied();
                calls += 1;
                v.copied().unwrap_or(0).wrapping_add(add)
            });
            BigRet::Saw(saw, calls)
        }
    }
}

/// Runs `ops` on a fresh map and a fresh model; the first disagreement.
fn replay(ops: &[Big]) -> Result<(), String> {
    let map = TimeMap::new();
    let mut model = Plain::default();
    for (i, &op) in ops.iter().enumerate() {
        let (got, want) = (apply_big(&map, op), model.step(op));
        if got != want {
            return Err(format!(
                "step {i}, {op:?}: got {got:?}, the plain model gives {want:?}"
            ));
        }
    }
    Ok(())
}

/// A timestamp: small ones (where versions collide and interleave), the
/// extremes, and anything at all.
fn random_time(rng: &mut Jitter) -> u64 {
    match rng.below(8) {
        0..=4 => rng.below(64),
        5 => [0, 1, u64::MAX - 1, u64::MAX][rng.below(4) as usize],
        6 => u64::MAX - rng.below(64),
        _ => rng.next_u64(),
    }
}

fn random_big(rng: &mut Jitter, keys: u32) -> Big {
    let k = rng.below(u64::from(keys)) as u32;
    let t = random_time(rng);
    match rng.below(10) {
        0..=3 => Big::Set(k, rng.next_u64() as u32, t),
        4..=7 => Big::Get(k, t),
        _ => Big::Update(k, t, 1 + rng.below(1_000) as u32),
    }
}

#[test]
fn matches_a_plain_model_on_shrinkable_random_sequences() {
    use proptest::prelude::*;
    let _check = kata_test::check(&LARGE);
    let time = prop_oneof![
        5 => 0..64_u64,
        1 => prop::sample::select(vec![0, 1, u64::MAX - 1, u64::MAX]),
        1 => (u64::MAX - 64)..=u64::MAX,
        1 => any::<u64>(),
    ];
    let keys = prop_oneof![1..=4_u32, 1..=1_000_u32];
    let sequences = keys.prop_flat_map(move |keys| {
        let op = prop_oneof![
            4 => (0..keys, any::<u32>(), time.clone()).prop_map(|(k, v, t)| Big::Set(k, v, t)),
            4 => (0..keys, time.clone()).prop_map(|(k, t)| Big::Get(k, t)),
            2 => (0..keys, time.clone(), 1..=1_000_u32).prop_map(|(k, t, a)| Big::Update(k, t, a)),
        ];
        prop::collection::vec(op, 1..MAX_SEQUENCE)
    });
    kata_test::sequences::check_sequences(
        "TimeMap against a plain model, as operations",
        PROPTEST_CASES,
        sequences,
        |ops| replay(ops),
    );
}

#[test]
fn matches_a_plain_model_over_100_000_operations() {
    let _check = kata_test::check(&LARGE);
    let seed = 1;
    let mut rng = Jitter::new(seed);
    let map = TimeMap::new();
    let mut model = Plain::default();
    let mut recent = std::collections::VecDeque::new();
    for i in 0..LONG_RUN_OPS {
        if i % 1_000 == 0 {
            // Slow is not hung: a kata that takes O(n) per operation
            // still finishes, and the watchdog must not call it a deadlock.
            kata_test::progress();
        }
        let op = random_big(&mut rng, LONG_RUN_KEYS);
        let (got, want) = (apply_big(&map, op), model.step(op));
        if recent.len() == 8 {
            recent.pop_front();
        }
        recent.push_back(op);
        assert_eq!(
            got, want,
            "operation {i} of a seeded run (seed {seed}, keys 0..{LONG_RUN_KEYS}), {op:?}: \
             the map disagrees with a plain model after {i} operations (the last few: {recent:?})"
        );
    }
}

#[rstest]
#[case::max(u64::MAX)]
#[case::zero(0)]
#[case::max_minus_one(u64::MAX - 1)]
fn extreme_timestamps_are_ordinary(#[case] t: u64) {
    let _check = kata_test::check(&EXTREMES);
    let map = TimeMap::<u32, u32>::new();
    map.set(1, 10, t);
    assert_eq!(
        map.get(&1, t),
        Some(10),
        "get(1, {t}) after set(1, 10, {t})"
    );
    assert_eq!(
        map.get(&1, u64::MAX),
        Some(10),
        "get(1, u64::MAX) after set(1, 10, {t})"
    );
    if t > 0 {
        assert_eq!(
            map.get(&1, t - 1),
            None,
            "get(1, {}) before the only version, at {t}",
            t - 1
        );
    }
    let mut saw = None;
    map.update(1, t, |v| {
        saw = v.copied();
        11
    });
    assert_eq!(
        saw,
        Some(10),
        "update(1, {t}, f) called f with the wrong value"
    );
    assert_eq!(
        map.get(&1, t),
        Some(11),
        "get(1, {t}) after update(1, {t}, ..) stored 11"
    );
    map.update(2, t, |v| {
        saw = v.copied();
        20
    });
    assert_eq!(
        saw, None,
        "update(2, {t}, f) on a new key called f with a value"
    );
    assert_eq!(
        map.get(&2, t),
        Some(20),
        "get(2, {t}) after update of a new key"
    );
    map.set(1, 12, u64::MAX);
    map.set(1, 13, 0);
    assert_eq!(map.get(&1, 0), Some(13), "get(1, 0) after set(1, 13, 0)");
    assert_eq!(
        map.get(&1, u64::MAX),
        Some(12),
        "get(1, u64::MAX) after set(1, 12, u64::MAX)"
    );
}

const KEYS_BY_EQ: Property = Property {
    name: "distinct keys whose hashes are equal are distinct keys",
    cause: "the map takes a key's hash for the key (a table keyed by the hash), so keys with one hash share one history: the hash picks where to look, Eq decides whether it is the key",
    book: "keys-by-eq",
};

#[test]
fn keys_with_one_hash_keep_their_own_histories() {
    use kata_test::keys::SameHash;
    let _check = kata_test::check(&KEYS_BY_EQ);
    const KEYS: u64 = 16;
    let map = TimeMap::new();
    for k in 0..KEYS {
        map.set(SameHash(k), k * 10, k + 1);
    }
    for k in 0..KEYS {
        let mut saw = None;
        map.update(SameHash(k), KEYS + 1, |v| {
            saw = v.copied();
            k * 10 + 1
        });
        assert_eq!(
            saw,
            Some(k * 10),
            "update({:?}, {}, f) called f with the wrong value, after set(SameHash(k), k * 10, k + 1) for k in 0..{KEYS}",
            SameHash(k),
            KEYS + 1
        );
    }
    for k in 0..KEYS {
        let key = SameHash(k);
        assert_eq!(
            map.get(&key, k),
            None,
            "get({key:?}, {k}): it was set at {}",
            k + 1
        );
        assert_eq!(
            map.get(&key, k + 1),
            Some(k * 10),
            "get({key:?}, {})",
            k + 1
        );
        assert_eq!(
            map.get(&key, u64::MAX),
            Some(k * 10 + 1),
            "get({key:?}, u64::MAX)"
        );
    }
}
