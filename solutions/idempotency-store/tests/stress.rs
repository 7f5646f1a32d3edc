//! Stage 5 of 6, stress: exactly once under races on many keys, per-key
//! independence, and waiters queued on one key, on real threads. A stall
//! report names, for every caller still inside `execute`, which key's work
//! it is stuck behind.
#![cfg(not(loom))]

mod common;

use std::sync::{Arc, Barrier, mpsc};
use std::time::Duration;

use common::{Ledger, Run, outcome};
use idempotency_store::IdempotencyStore;
use kata_test::jitter::Jitter;
use kata_test::{EventLog, Property, spawn, wait};

const ROUNDS: u64 = 40;
const KEYS: u64 = 64;
const CALLERS: usize = 6;
/// Keys probed while another key's `f` blocks; at least 64.
const PROBED_KEYS: u64 = 64;
/// Callers queued on one key while its `f` runs.
const WAITERS: usize = 3;
/// How long a waiter may take to be seen blocked before its key's `f` is
/// let go anyway (a spinning answer is never seen blocked).
const QUEUE_GRACE: Duration = Duration::from_secs(2);

const EXACTLY_ONCE: Property = Property {
    name: "however many callers race on a key, its f runs once and every caller gets that run's value",
    cause: "the key is checked and claimed in different critical sections, so two callers both find it free and both run f",
    book: "exactly-once",
};

const PER_KEY: Property = Property {
    name: "while one key's f runs, execute on any other key, new or already done, completes",
    cause: "a lock shared by all keys (the table's) is held while f runs: hold it only to find or create the key's entry",
    book: "idempotency-store",
};

const ALL_WAITERS_WAKE: Property = Property {
    name: "every caller waiting on a key gets the result when its f returns",
    cause: "waiters are woken with notify_one: one wakes, the others sleep on although the result is there; use notify_all",
    book: "idempotency-store",
};

const ONE_RETRY: Property = Property {
    name: "when f panics with callers waiting on its key, the panic reaches its caller, exactly one waiter runs its own f, and every waiter gets that value",
    cause: "a panic in f leaves the key marked as running, or wakes no waiter, or lets several waiters run f: free the key and notify_all in a guard's Drop",
    book: "panic-safety",
};

/// Adds the ledger's account of who waits on what to every stall report.
fn explain_stalls(log: &EventLog, ledger: &Ledger) {
    let ledger = ledger.clone();
    log.add_context(move || ledger.describe());
}

#[test]
fn every_key_runs_once_whatever_the_race() {
    let check = kata_test::check(&EXACTLY_ONCE);
    for round in 0..ROUNDS {
        let store = Arc::new(IdempotencyStore::new());
        let ledger = Ledger::new();
        explain_stalls(check.log(), &ledger);
        let start = Arc::new(Barrier::new(CALLERS));
        let handles: Vec<_> = (0..CALLERS)
            .map(|c| {
                let (store, ledger, start, log) = (
                    Arc::clone(&store),
                    ledger.clone(),
                    Arc::clone(&start),
                    Arc::clone(check.log()),
                );
                let name = format!("caller-{c}");
                spawn(name.clone(), move || {
                    let w = log.worker(name.clone());
                    let mut keys: Vec<u64> = (0..KEYS).collect();
                    Jitter::new(round * 100 + c as u64).shuffle(&mut keys);
                    start.wait();
                    keys.into_iter()
                        .map(|key| {
                            let call = w.call(format_args!("execute({key}, f)"));
                            // Each caller's f returns a value of its own, so
                            // a caller given another run's value shows.
                            let got = ledger.execute(&store, &name, key, || key * 1_000 + c as u64);
                            call.returned(got);
                            (key, got)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let results: Vec<Vec<(u64, u64)>> = handles.into_iter().map(kata_test::join).collect();
        for key in 0..KEYS {
            let runs = ledger.runs(key);
            assert_eq!(
                runs.len(),
                1,
                "round {round}: key {key}'s f ran {} times, on {:?}",
                runs.len(),
                runs
            );
            let Run::Returned(value) = runs[0].1 else {
                panic!("round {round}: key {key}'s run did not return: {runs:?}")
            };
            for (c, got) in results.iter().enumerate() {
                let got = got.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
                assert_eq!(
                    got,
                    Some(value),
                    "round {round}: caller-{c} got {got:?} for key {key}, whose only run ({}) returned {value}",
                    runs[0].0
                );
            }
        }
    }
}

#[test]
fn other_keys_complete_while_one_keys_f_blocks() {
    let check = kata_test::check(&PER_KEY);
    let store = Arc::new(IdempotencyStore::new());
    let ledger = Ledger::new();
    explain_stalls(check.log(), &ledger);
    // A key already done before the slow run starts.
    assert_eq!(ledger.execute(&store, "setup", 1_000, || 7), 7);
    let (entered, in_f) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let blocker = {
        let (store, ledger, log) = (Arc::clone(&store), ledger.clone(), Arc::clone(check.log()));
        spawn("slow-0", move || {
            let w = log.worker("slow-0");
            let _call = w.call("execute(0, f), f blocks until released");
            ledger.execute(&store, "slow-0", 0, || {
                entered.send(()).unwrap();
                // Blocks until the main thread lets go (or gives up).
                let _ = released.recv();
                1
            })
        })
    };
    kata_test::wait::recv(&in_f)
        .ok_or(kata_test::wait::NeverCame)
        .expect("execute(0, f) never called f");
    let (done, finished) = mpsc::channel();
    let prober = {
        let (store, ledger, log) = (Arc::clone(&store), ledger.clone(), Arc::clone(check.log()));
        spawn("prober", move || {
            let w = log.worker("prober");
            for key in 1..=PROBED_KEYS {
                let call = w.call(format_args!("execute({key}, f), a new key"));
                let got = ledger.execute(&store, "prober", key, || key + 1);
                assert_eq!(got, key + 1, "execute({key}, || {}) on a new key", key + 1);
                drop(call);
                let call = w.call(format_args!("execute({key}, f), done"));
                let again = ledger.execute(&store, "prober", key, || 0);
                assert_eq!(again, key + 1, "execute({key}) again");
                drop(call);
            }
            let call = w.call("execute(1000, f), done before key 0 started");
            let old = ledger.execute(&store, "prober", 1_000, || 0);
            drop(call);
            done.send(old).unwrap();
        })
    };
    let got = kata_test::wait::recv(&finished);
    drop(release);
    let got = got.unwrap_or_else(|| {
        panic!(
            "execute on other keys did not complete while key 0's f was running: a lock shared by all keys is held across f.\n{}",
            ledger.describe()
        )
    });
    assert_eq!(got, 7, "execute(1000) after it returned 7");
    kata_test::join(prober);
    assert_eq!(kata_test::join(blocker), 1, "execute(0)");
}

/// Starts `WAITERS` callers of `execute(key, ...)`, each of whose `f`
/// returns `100 + its number`, once `key`'s first run is inside its `f`.
fn queue_waiters(
    store: &Arc<IdempotencyStore<u64, u64>>,
    ledger: &Ledger,
    log: &Arc<EventLog>,
    key: u64,
) -> Vec<kata_sync::thread::JoinHandle<u64>> {
    (0..WAITERS)
        .map(|i| {
            let (store, ledger, log) = (Arc::clone(store), ledger.clone(), Arc::clone(log));
            let name = format!("waiter-{i}");
            let thread = name.clone();
            let handle = spawn(name.clone(), move || {
                let w = log.worker(thread.clone());
                let call = w.call(format_args!("execute({key}, f)"));
                let got = ledger.execute(&store, &thread, key, || 100 + i as u64);
                call.returned(got);
                got
            });
            // Give it time to queue; the verdict comes from what follows.
            wait::settle(&name, 5, QUEUE_GRACE, || false);
            handle
        })
        .collect()
}

#[test]
fn every_waiter_on_a_key_gets_the_result() {
    let check = kata_test::check(&ALL_WAITERS_WAKE);
    let store = Arc::new(IdempotencyStore::new());
    let ledger = Ledger::new();
    explain_stalls(check.log(), &ledger);
    let (entered, in_f) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let runner = {
        let (store, ledger, log) = (Arc::clone(&store), ledger.clone(), Arc::clone(check.log()));
        spawn("runner", move || {
            let w = log.worker("runner");
            let _call = w.call("execute(7, f), f waits for the waiters");
            ledger.execute(&store, "runner", 7, || {
                entered.send(()).unwrap();
                let _ = released.recv();
                70
            })
        })
    };
    kata_test::wait::recv(&in_f)
        .ok_or(kata_test::wait::NeverCame)
        .expect("execute(7, f) never called f");
    let waiters = queue_waiters(&store, &ledger, check.log(), 7);
    drop(release);
    assert_eq!(
        kata_test::join(runner),
        70,
        "execute(7) whose f returned 70"
    );
    for (i, got) in kata_test::join_as_they_finish(waiters)
        .into_iter()
        .enumerate()
    {
        assert_eq!(got, 70, "waiter-{i}, queued while key 7's f ran");
    }
    assert_eq!(ledger.run_count(7), 1, "key 7's runs: {:?}", ledger.runs(7));
}

#[test]
fn a_panic_with_waiters_queued_runs_exactly_one_retry() {
    let check = kata_test::check(&ONE_RETRY);
    let store = Arc::new(IdempotencyStore::new());
    let ledger = Ledger::new();
    explain_stalls(check.log(), &ledger);
    let (entered, in_f) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let runner = {
        let (store, ledger, log) = (Arc::clone(&store), ledger.clone(), Arc::clone(check.log()));
        spawn("runner", move || {
            let w = log.worker("runner");
            let _call = w.call("execute(9, f), f panics once the waiters queue");
            outcome("execute(9, f) where f panics", || {
                ledger.execute(&store, "runner", 9, || {
                    entered.send(()).unwrap();
                    let _ = released.recv();
                    panic!("card declined")
                })
            })
        })
    };
    kata_test::wait::recv(&in_f)
        .ok_or(kata_test::wait::NeverCame)
        .expect("execute(9, f) never called f");
    let waiters = queue_waiters(&store, &ledger, check.log(), 9);
    drop(release);
    let first = kata_test::join(runner);
    assert!(
        matches!(&first, Err(m) if m.contains("card declined")),
        "execute(9, f) where f panics with \"card declined\": {first:?}"
    );
    let results = kata_test::join_as_they_finish(waiters);
    let runs = ledger.runs(9);
    assert_eq!(
        runs.len(),
        2,
        "key 9's f must run twice, the panicked run and one retry: {runs:?}"
    );
    let Run::Returned(value) = runs[1].1 else {
        panic!("key 9's retry did not return: {runs:?}")
    };
    for (i, got) in results.into_iter().enumerate() {
        assert_eq!(
            got, value,
            "waiter-{i}: the retry ({}) returned {value}",
            runs[1].0
        );
    }
    assert_eq!(
        ledger.execute(&store, "later", 9, || 0),
        value,
        "execute(9) after the retry stored {value}"
    );
}
