//! Stage 6 of 6, model: every interleaving of three callers on one key under
//! loom: f runs once (or, after a panic, exactly once more), every caller
//! gets that run's value, and the value reaches them through a
//! happens-before edge (loom reports a data race otherwise).
#![cfg(loom)]

mod common;

use common::{Ledger, Outcome, Run, outcome};
use idempotency_store::IdempotencyStore;
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const EXACTLY_ONCE: Property = Property {
    name: "in every interleaving of three callers on one key, f runs once and every caller gets that run's value",
    cause: "the key is checked and claimed in different critical sections, or the result is published without a happens-before edge to the callers that read it",
    book: "exactly-once",
};

const ONE_RETRY: Property = Property {
    name: "in every interleaving, a panicking f reaches its caller, exactly one other caller runs its own f, and both others get that value",
    cause: "a panic in f leaves the key marked as running, or lets two callers retry",
    book: "panic-safety",
};

/// Three callers of `execute(1, ...)`: the main thread and two spawned
/// ones. Caller i's f returns `10 + i`, or panics if `panics[i]`.
fn three_callers(panics: [bool; 3]) -> (Ledger, [Outcome; 3]) {
    let store = Arc::new(IdempotencyStore::new());
    let ledger = Ledger::new();
    let call = move |store: &IdempotencyStore<u64, u64>, ledger: &Ledger, i: usize| {
        let name = format!("caller-{i}");
        if panics[i] {
            outcome("execute(1, f) where f panics", || {
                ledger.execute(store, &name, 1, || panic!("{name}'s f failed"))
            })
        } else {
            Ok(ledger.execute(store, &name, 1, || 10 + i as u64))
        }
    };
    let handles: Vec<_> = (1..3)
        .map(|i| {
            let (store, ledger) = (Arc::clone(&store), ledger.clone());
            spawn(format!("caller-{i}"), move || call(&store, &ledger, i))
        })
        .collect();
    let first = call(&store, &ledger, 0);
    let mut rest = handles.into_iter().map(kata_test::join);
    let results = [first, rest.next().unwrap(), rest.next().unwrap()];
    (ledger, results)
}

#[test]
fn three_callers_on_one_key_run_f_once() {
    let _check = kata_test::check(&EXACTLY_ONCE);
    model::run(|| {
        let (ledger, results) = three_callers([false; 3]);
        let runs = ledger.runs(1);
        assert_eq!(
            runs.len(),
            1,
            "key 1's f ran {} times: {runs:?}",
            runs.len()
        );
        let Run::Returned(value) = runs[0].1 else {
            panic!("key 1's only run did not return: {runs:?}")
        };
        for (i, got) in results.iter().enumerate() {
            assert_eq!(
                got,
                &Ok(value),
                "caller-{i}: the only run ({}) returned {value}",
                runs[0].0
            );
        }
    });
}

#[test]
fn a_panic_is_retried_exactly_once() {
    let _check = kata_test::check(&ONE_RETRY);
    model::run(|| {
        // caller-1's f panics; the others' return.
        let (ledger, results) = three_callers([false, true, false]);
        let runs = ledger.runs(1);
        let panicked = runs.iter().any(|(_, r)| *r == Run::Panicked);
        assert_eq!(
            runs.len(),
            if panicked { 2 } else { 1 },
            "key 1's runs: {runs:?}"
        );
        let Some((winner, Run::Returned(value))) = runs.last().cloned() else {
            panic!("key 1's last run did not return: {runs:?}")
        };
        for (i, got) in results.iter().enumerate() {
            let ran_and_panicked = runs
                .iter()
                .any(|(who, r)| *who == format!("caller-{i}") && *r == Run::Panicked);
            if ran_and_panicked {
                assert!(got.is_err(), "caller-{i}'s f panicked, but it got {got:?}");
            } else {
                assert_eq!(
                    got,
                    &Ok(value),
                    "caller-{i}: the run that returned ({winner}) returned {value}"
                );
            }
        }
    });
}
