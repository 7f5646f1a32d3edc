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
    name: "new(0) panics with a message that contains the word \"capacity\" and the value 0",
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
        names(&message, "capacity", "0"),
        "new(0) panicked, but its message does not contain both the word \"capacity\" and the value 0: {message:?}"
    );
}

/// Whether `message` contains `word` (in any case) and `value` as a number of
/// its own (so "10" does not count as naming 0).
fn names(message: &str, word: &str, value: &str) -> bool {
    message.to_lowercase().contains(word)
        && message
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|token| token == value)
}

// ---- Large and extreme inputs -------------------------------------------

/// The long differential run: one cache, this many operations.
const LONG_RUN_OPS: usize = 100_000;
const LONG_RUN_CAPACITY: usize = 1_000;
/// Random sequences proptest tries (each up to `MAX_SEQUENCE` operations).
const PROPTEST_CASES: u32 = 96;
const MAX_SEQUENCE: usize = 600;

const LARGE: Property = Property {
    name: "get and put follow LRU semantics over long sequences, large capacities and many keys",
    cause: "a counter that wraps (e.g. u16 recency stamps), sharding that splits the capacity so eviction is no longer global LRU, or state that only works for small capacities",
    book: "lru-cache",
};

const HUGE_CAPACITY: Property = Property {
    name: "new(capacity) allocates nothing in proportion to the capacity: new(1 << 40) and new(usize::MAX) work",
    cause: "a with_capacity(capacity) (or capacity + 1) in new: the capacity is a bound, not a size hint, so allocate as entries arrive",
    book: "lru-cache",
};

/// An operation on a `LruCache<u32, u32>`, for the large tests.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Big {
    Get(u32),
    Put(u32, u32),
    Len,
}

/// A plain LRU for the differential tests: O(log n) per operation, so it
/// keeps up with 100,000 operations at capacity 1,000. Recency is a u64
/// stamp that never wraps.
struct Plain {
    capacity: usize,
    clock: u64,
    entries: std::collections::HashMap<u32, (u32, u64)>,
    by_age: std::collections::BTreeMap<u64, u32>,
}

impl Plain {
    fn new(capacity: usize) -> Self {
        Plain {
            capacity,
            clock: 0,
            entries: Default::default(),
            by_age: Default::default(),
        }
    }

    fn touch(&mut self, k: u32) {
        self.clock += 1;
        let e = self.entries.get_mut(&k).expect("touch a present key");
        self.by_age.remove(&e.1);
        e.1 = self.clock;
        self.by_age.insert(self.clock, k);
    }

    fn step(&mut self, op: Big) -> Ret {
        match op {
            Big::Get(k) => {
                let v = self.entries.get(&k).map(|e| e.0);
                if v.is_some() {
                    self.touch(k);
                }
                Ret::Value(v)
            }
            Big::Put(k, v) => {
                if let Some(e) = self.entries.get_mut(&k) {
                    e.0 = v;
                } else {
                    if self.entries.len() == self.capacity {
                        let (_, old) = self.by_age.pop_first().expect("a full cache");
                        self.entries.remove(&old);
                    }
                    self.entries.insert(k, (v, 0));
                    self.by_age.insert(0, k);
                }
                self.touch(k);
                Ret::Done
            }
            Big::Len => Ret::Len(self.entries.len()),
        }
    }
}

fn apply_big(cache: &LruCache<u32, u32>, op: Big) -> Ret {
    match op {
        Big::Get(k) => Ret::Value(cache.get(&k)),
        Big::Put(k, v) => {
            cache.put(k, v);
            Ret::Done
        }
        Big::Len => Ret::Len(cache.len()),
    }
}

/// A random operation on keys `0..keys`, mostly puts and gets.
fn random_big(rng: &mut Jitter, keys: u32) -> Big {
    let k = rng.below(u64::from(keys)) as u32;
    match rng.below(20) {
        0..=8 => Big::Get(k),
        9..=18 => Big::Put(k, rng.next_u64() as u32),
        _ => Big::Len,
    }
}

/// Runs `ops` on a fresh cache and a fresh model; the first disagreement.
fn replay(capacity: usize, ops: &[Big]) -> Result<(), String> {
    let cache = LruCache::new(capacity);
    let mut model = Plain::new(capacity);
    for (i, &op) in ops.iter().enumerate() {
        let (got, want) = (apply_big(&cache, op), model.step(op));
        if got != want {
            return Err(format!(
                "step {i}, {op:?}, with capacity {capacity}: got {got:?}, a plain LRU gives {want:?}"
            ));
        }
    }
    Ok(())
}

#[test]
fn matches_a_plain_lru_on_shrinkable_random_sequences() {
    use proptest::prelude::*;
    let _check = kata_test::check(&LARGE);
    // Capacities from 1 to 1,000 (small ones often, where eviction is
    // frequent), keys from a range a little larger than the capacity so
    // that puts both overwrite and evict, values anything.
    let capacity = prop_oneof![1..=16_usize, 1..=1_000_usize];
    let sequences = capacity.prop_flat_map(|capacity| {
        let keys = (capacity as u32 + capacity as u32 / 2).max(3);
        let op = prop_oneof![
            9 => (0..keys).prop_map(Big::Get),
            10 => (0..keys, any::<u32>()).prop_map(|(k, v)| Big::Put(k, v)),
            1 => Just(Big::Len),
        ];
        (Just(capacity), prop::collection::vec(op, 1..MAX_SEQUENCE))
    });
    kata_test::sequences::check_sequences(
        "LruCache against a plain LRU, as (capacity, operations)",
        PROPTEST_CASES,
        sequences,
        |(capacity, ops)| replay(*capacity, ops),
    );
}

#[test]
fn matches_a_plain_lru_over_100_000_operations() {
    let _check = kata_test::check(&LARGE);
    // Keys from a range half again as large as the capacity: puts both
    // overwrite and evict. Small capacities are the proptest's job.
    for (seed, capacity, keys) in [(1, LONG_RUN_CAPACITY, 1_500)] {
        let mut rng = Jitter::new(seed);
        let cache = LruCache::new(capacity);
        let mut model = Plain::new(capacity);
        let mut recent = std::collections::VecDeque::new();
        for i in 0..LONG_RUN_OPS {
            if i % 1_000 == 0 {
                // Slow is not hung: a kata that takes O(n) per operation
                // still finishes, and the watchdog must not call it a deadlock.
                kata_test::progress();
            }
            let op = random_big(&mut rng, keys);
            let (got, want) = (apply_big(&cache, op), model.step(op));
            if recent.len() == 8 {
                recent.pop_front();
            }
            recent.push_back(op);
            assert_eq!(
                got, want,
                "operation {i} of a seeded run (seed {seed}, capacity {capacity}, keys 0..{keys}), {op:?}: \
                 the cache disagrees with a plain LRU after {i} operations (the last few: {recent:?}); \
                 a counter that wraps, or eviction that is not global LRU?"
            );
        }
    }
}

#[rstest]
#[case::two_to_the_40(1 << 40)]
#[case::usize_max(usize::MAX)]
fn a_huge_capacity_allocates_nothing_up_front(#[case] capacity: usize) {
    let _check = kata_test::check(&HUGE_CAPACITY);
    let cache = LruCache::new(capacity);
    assert_eq!(
        cache.capacity(),
        capacity,
        "capacity() after new({capacity})"
    );
    assert_eq!(cache.len(), 0, "len() of a new cache");
    for k in [0, 1, u32::MAX] {
        cache.put(k, k ^ 7);
    }
    for k in [0, 1, u32::MAX] {
        assert_eq!(
            cache.get(&k),
            Some(k ^ 7),
            "get({k}) with capacity {capacity}"
        );
    }
    assert_eq!(
        cache.len(),
        3,
        "len() after three puts with capacity {capacity}"
    );
}

const KEYS_BY_EQ: Property = Property {
    name: "distinct keys whose hashes are equal are distinct keys",
    cause: "the cache takes a key's hash for the key (an index keyed by the hash, or a hit that compares hashes and not keys), so keys with one hash share an entry: the hash picks where to look, Eq decides whether it is the key",
    book: "keys-by-eq",
};

#[test]
fn keys_with_one_hash_keep_their_own_entries() {
    use kata_test::keys::SameHash;
    let _check = kata_test::check(&KEYS_BY_EQ);
    const CAPACITY: u64 = 8;
    let cache = LruCache::new(CAPACITY as usize);
    // Twice the capacity, all with one hash: the first half is evicted.
    for k in 0..2 * CAPACITY {
        cache.put(SameHash(k), k * 10);
    }
    assert_eq!(
        cache.len(),
        CAPACITY as usize,
        "len() after putting {} distinct keys (all with one hash) into a cache of capacity {CAPACITY}",
        2 * CAPACITY
    );
    for k in (0..2 * CAPACITY).rev() {
        let want = (k >= CAPACITY).then_some(k * 10);
        assert_eq!(
            cache.get(&SameHash(k)),
            want,
            "get({:?}) after put(SameHash(k), k * 10) for k in 0..{}, capacity {CAPACITY}",
            SameHash(k),
            2 * CAPACITY
        );
    }
}
