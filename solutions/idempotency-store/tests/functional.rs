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
