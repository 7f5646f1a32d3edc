//! Stage 4 of 6, functional: LeetCode 146's semantics, one thread at a time.

mod common;

use common::{Lru, Op, Ret, apply, random_op};
use kata_test::jitter::Jitter;
use kata_test::{Property, expect_panic};
use lincheck::Model;
use lru_cache::LruCache;
use rstest::rstest;

/// Random sequences for the model-based test, and their length.
const SEQUENCES: u64 = 300;
const OPS_PER_SEQUENCE: usize = 60;

const SEMANTICS: Property = Property {
    name: "get and put follow LRU semantics (LeetCode 146)",
    cause: "a hit must move the key to the most recent end; a put must too; eviction takes the least recent end",
    book: "lru-cache",
};

const ZERO_CAPACITY: Property = Property {
    name: "new(0) panics with a message that names the capacity",
    cause: "assert that capacity > 0 and put the value in the message",
    book: "api",
};

use Op::{Get, Len, Put};

/// (capacity, operations, expected results), checked step by step.
#[rstest]
#[case::leetcode_example(2, &[Put(1, 1), Put(2, 2), Get(1), Put(3, 3), Get(2), Put(4, 4), Get(1), Get(3), Get(4)],
    &[Ret::Done, Ret::Done, Ret::Value(Some(1)), Ret::Done, Ret::Value(None), Ret::Done, Ret::Value(None), Ret::Value(Some(3)), Ret::Value(Some(4))])]
#[case::capacity_1(1, &[Put(1, 10), Put(2, 20), Get(1), Get(2), Len],
    &[Ret::Done, Ret::Done, Ret::Value(None), Ret::Value(Some(20)), Ret::Len(1)])]
#[case::overwrite_refreshes_recency(2, &[Put(1, 10), Put(2, 20), Put(1, 11), Put(3, 30), Get(1), Get(2), Len],
    &[Ret::Done, Ret::Done, Ret::Done, Ret::Done, Ret::Value(Some(11)), Ret::Value(None), Ret::Len(2)])]
#[case::get_hit_refreshes_recency(2, &[Put(1, 10), Put(2, 20), Get(1), Put(3, 30), Get(2), Get(1)],
    &[Ret::Done, Ret::Done, Ret::Value(Some(10)), Ret::Done, Ret::Value(None), Ret::Value(Some(10))])]
#[case::get_miss_changes_nothing(2, &[Put(1, 10), Put(2, 20), Get(9), Put(3, 30), Get(1), Get(2), Len],
    &[Ret::Done, Ret::Done, Ret::Value(None), Ret::Done, Ret::Value(None), Ret::Value(Some(20)), Ret::Len(2)])]
#[case::get_before_any_put(3, &[Get(1), Len],
    &[Ret::Value(None), Ret::Len(0)])]
#[case::overwrite_does_not_grow(2, &[Put(1, 10), Put(1, 11), Put(1, 12), Len, Get(1)],
    &[Ret::Done, Ret::Done, Ret::Done, Ret::Len(1), Ret::Value(Some(12))])]
fn follows_lru_semantics(#[case] capacity: usize, #[case] ops: &[Op], #[case] expected: &[Ret]) {
    let _check = kata_test::check(&SEMANTICS);
    let cache = LruCache::new(capacity);
    assert_eq!(
        cache.capacity(),
        capacity,
        "capacity() after new({capacity})"
    );
    for (i, (op, want)) in ops.iter().zip(expected).enumerate() {
        let got = apply(&cache, op);
        assert_eq!(
            &got,
            want,
            "step {i}, {op:?}, with capacity {capacity}, after {:?}",
            &ops[..i]
        );
    }
}

#[test]
fn matches_a_sequential_model_on_random_sequences() {
    let _check = kata_test::check(&SEMANTICS);
    for seed in 0..SEQUENCES {
        let mut rng = Jitter::new(seed);
        let capacity = 1 + rng.below(4) as usize;
        let cache = LruCache::new(capacity);
        let mut model = Lru::new(capacity);
        let mut value = 0;
        let mut done = Vec::new();
        for _ in 0..OPS_PER_SEQUENCE {
            let op = random_op(&mut rng, 6, &mut value);
            let got = apply(&cache, &op);
            let want = model.step(&op);
            assert_eq!(
                got, want,
                "seed {seed}, capacity {capacity}: {op:?} after {done:?} (the model's order, most recent first: {:?})",
                model.order
            );
            done.push(op);
        }
    }
}

#[test]
fn new_panics_on_zero_capacity_naming_it() {
    let _check = kata_test::check(&ZERO_CAPACITY);
    let message = expect_panic("LruCache::new(0)", || LruCache::<u8, u32>::new(0));
    assert!(
        message.contains('0'),
        "new(0) panicked, but its message does not name the capacity 0: {message:?}"
    );
}
