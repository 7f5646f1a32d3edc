//! Stage 4 of 6, functional: run once, remember, and recover from a panic, one
//! caller at a time.

mod common;

use std::sync::Arc;

use common::{Ledger, Run, outcome};
use idempotency_store::IdempotencyStore;
use kata_test::Property;

const ONCE: Property = Property {
    name: "execute runs f the first time a key is seen, and returns the stored result, without running f, every time after",
    cause: "the result is not stored per key, or a later call runs its own f instead of returning the stored value",
    book: "idempotency-store",
};

const PANIC_FREES_THE_KEY: Property = Property {
    name: "a panicking f reaches its caller, nothing is stored, and the next caller with that key runs its own f",
    cause: "a panic in f leaves the key marked as running (so the next caller waits forever) or stores something for it: free the key in a guard's Drop, which runs while the panic unwinds",
    book: "panic-safety",
};

const MANY_KEYS: Property = Property {
    name: "over long random sequences (100,000 calls on up to 50,000 keys, u64::MAX and 0 among them), each key's f runs once and every call returns that key's first result",
    cause: "the store forgets keys (a bounded table that evicts, or stops storing when full), or distinct keys share an entry (a key narrowed to a smaller integer or to its hash): keep every key, and compare whole keys",
    book: "exactly-once",
};

/// Random sequences proptest tries, and the longest of them.
const PROPTEST_CASES: u32 = 96;
const MAX_SEQUENCE: usize = 600;
const LONG_RUN_OPS: usize = 100_000;
const LONG_RUN_KEYS: u64 = 50_000;

fn caller() -> String {
    std::thread::current().name().unwrap_or("main").to_owned()
}

#[test]
fn runs_f_once_per_key_and_returns_the_stored_result_after() {
    let _check = kata_test::check(&ONCE);
    let store = IdempotencyStore::new();
    let ledger = Ledger::new();
    let me = caller();
    assert_eq!(
        ledger.execute(&store, &me, 1, || 10),
        10,
        "first execute(1)"
    );
    assert_eq!(
        ledger.execute(&store, &me, 2, || 20),
        20,
        "first execute(2)"
    );
    assert_eq!(
        ledger.execute(&store, &me, 1, || 11),
        10,
        "execute(1) after it returned 10"
    );
    assert_eq!(
        ledger.execute(&store, &me, 2, || 21),
        20,
        "execute(2) after it returned 20"
    );
    assert_eq!(ledger.run_count(1), 1, "key 1's f ran {:?}", ledger.runs(1));
    assert_eq!(ledger.run_count(2), 1, "key 2's f ran {:?}", ledger.runs(2));
}

#[test]
fn other_key_and_value_types_work() {
    let _check = kata_test::check(&ONCE);
    let store = IdempotencyStore::<String, Vec<u8>>::new();
    assert_eq!(store.execute("charge-7".to_owned(), || vec![7]), vec![7]);
    assert_eq!(
        store.execute("charge-7".to_owned(), || panic!("ran twice")),
        vec![7]
    );
}

#[test]
fn a_panic_reaches_its_caller_and_frees_the_key() {
    let check = kata_test::check(&PANIC_FREES_THE_KEY);
    let store = IdempotencyStore::new();
    let ledger = Ledger::new();
    let me = caller();
    check.log().add_context({
        let ledger = ledger.clone();
        move || ledger.describe()
    });
    let w = check.log().worker(me.clone());
    let first = {
        let _call = w.call("execute(1, f), f panics");
        outcome("execute(1, f) where f panics", || {
            ledger.execute(&store, &me, 1, || panic!("payment service unavailable"))
        })
    };
    assert!(
        matches!(&first, Err(m) if m.contains("payment service unavailable")),
        "execute(1, f) where f panics with \"payment service unavailable\": {first:?}"
    );
    let retry = {
        let _call = w.call("execute(1, f) after a panic, f returns 5");
        ledger.execute(&store, &me, 1, || 5)
    };
    assert_eq!(retry, 5, "execute(1, || 5) after the first f panicked");
    let later = {
        let _call = w.call("execute(1, f) after 5 was stored");
        ledger.execute(&store, &me, 1, || 6)
    };
    assert_eq!(later, 5, "execute(1, || 6) after 5 was stored");
    assert_eq!(
        ledger
            .runs(1)
            .iter()
            .map(|(_, r)| r.clone())
            .collect::<Vec<_>>(),
        vec![Run::Panicked, Run::Returned(5)],
        "key 1's runs"
    );
}

#[test]
fn a_panic_on_one_key_leaves_other_keys_alone() {
    let _check = kata_test::check(&PANIC_FREES_THE_KEY);
    let store = Arc::new(IdempotencyStore::new());
    assert_eq!(store.execute(2, || 20), 20);
    let first = outcome("execute(1, f) where f panics", || {
        store.execute(1, || panic!("boom"))
    });
    assert!(first.is_err(), "execute(1, f) where f panics: {first:?}");
    assert_eq!(store.execute(2, || 21), 20, "key 2 after key 1 panicked");
    assert_eq!(
        store.execute(3, || 30),
        30,
        "a new key after key 1 panicked"
    );
}

/// Runs `calls` (key, value) on a fresh store, `execute(key, || value)`, and
/// on a plain map that keeps each key's first value; the first disagreement.
fn replay(calls: &[(u64, u64)]) -> Result<(), String> {
    let store = IdempotencyStore::new();
    let mut model = std::collections::HashMap::new();
    for (i, &(key, value)) in calls.iter().enumerate() {
        if i % 1_000 == 0 {
            // Slow is not hung: a store that takes O(n) per call still
            // finishes, and the watchdog must not call it a deadlock.
            kata_test::progress();
        }
        let ran = std::cell::Cell::new(false);
        let got = store.execute(key, || {
            ran.set(true);
            value
        });
        let stored = model.get(&key).copied();
        let want = *model.entry(key).or_insert(value);
        if got != want || ran.get() != stored.is_none() {
            let runs = |r: bool| if r { "ran" } else { "did not run" };
            return Err(format!(
                "call {i}, execute({key}, || {value}): returned {got} and f {}; \
                 it should return {want} and f {} ({})",
                runs(ran.get()),
                runs(stored.is_none()),
                match stored {
                    Some(v) => format!("{key} stored {v} earlier"),
                    None => format!("{key} was never seen before"),
                },
            ));
        }
    }
    Ok(())
}

#[test]
fn matches_a_plain_map_on_shrinkable_random_sequences() {
    use proptest::prelude::*;
    let _check = kata_test::check(&MANY_KEYS);
    // Keys from a range of 1 to 1,000 (small ones often, where keys repeat),
    // with the extremes of u64 mixed in; values anything.
    let sequences = prop_oneof![1..=16_u64, 1..=1_000_u64].prop_flat_map(|keys| {
        let key = prop_oneof![
            20 => 0..keys,
            1 => Just(u64::MAX),
            1 => Just(u64::MAX - 1),
            1 => Just(1 << 32),
        ];
        prop::collection::vec((key, any::<u64>()), 1..MAX_SEQUENCE)
    });
    kata_test::sequences::check_sequences(
        "IdempotencyStore against a map that keeps each key's first value, as [(key, value)]",
        PROPTEST_CASES,
        sequences,
        |calls| replay(calls),
    );
}

#[test]
fn matches_a_plain_map_over_100_000_calls() {
    let _check = kata_test::check(&MANY_KEYS);
    let mut rng = kata_test::jitter::Jitter::new(11);
    let calls: Vec<(u64, u64)> = (0..LONG_RUN_OPS)
        .map(|_| {
            let key = match rng.below(100) {
                0 => u64::MAX - rng.below(4),
                _ => rng.below(LONG_RUN_KEYS),
            };
            (key, rng.next_u64())
        })
        .collect();
    if let Err(why) = replay(&calls) {
        panic!("a seeded run of {LONG_RUN_OPS} calls on keys 0..{LONG_RUN_KEYS} (seed 11): {why}");
    }
}

const KEYS_BY_EQ: Property = Property {
    name: "distinct keys whose hashes are equal are distinct keys: each runs its own f once",
    cause: "the store takes a key's hash for the key (a table keyed by the hash), so a key whose hash was seen before returns another key's result without running its f: the hash picks where to look, Eq decides whether it is the key",
    book: "keys-by-eq",
};

#[test]
fn keys_with_one_hash_each_run_their_own_f() {
    use kata_test::keys::SameHash;
    let _check = kata_test::check(&KEYS_BY_EQ);
    const KEYS: u64 = 16;
    let store = IdempotencyStore::new();
    for k in 0..KEYS {
        assert_eq!(
            store.execute(SameHash(k), || k * 10),
            k * 10,
            "first execute({:?}, || {}), after the keys before it (all with one hash)",
            SameHash(k),
            k * 10
        );
    }
    for k in 0..KEYS {
        assert_eq!(
            store.execute(SameHash(k), || panic!("{:?}'s f ran twice", SameHash(k))),
            k * 10,
            "second execute({:?}, f)",
            SameHash(k)
        );
    }
}
