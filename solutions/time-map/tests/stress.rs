//! Stage 5 of 6, stress: linearizable histories, per-key independence, no lost
//! updates and no lost first inserts, on real threads.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};

use common::{Op, Ret, Tm, apply, random_op};
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use time_map::TimeMap;

const HISTORIES: u64 = 300;
const THREADS: usize = 3;
const OPS_PER_THREAD: usize = 6;
const INCREMENTS_PER_THREAD: u32 = 2_000;
const FIRST_INSERT_ROUNDS: u64 = 300;

const LINEARIZABLE: Property = Property {
    name: "every concurrent history is linearizable: some one-at-a-time order of the calls explains every result",
    cause: "an operation on a key is not atomic: a lock released between reading and writing the key's versions",
    book: "check-then-act",
};

const PER_KEY: Property = Property {
    name: "while update on one key is inside f, set, get and update on another key complete",
    cause: "a global lock is held while f runs: hold only that key's lock across f, and release the table lock first",
    book: "per-key-locks",
};

const NO_LOST_UPDATE: Property = Property {
    name: "concurrent updates that increment one key lose nothing",
    cause: "update reads, unlocks, calls f, then relocks to write: hold the key's lock across all three",
    book: "check-then-act",
};

const NO_LOST_INSERT: Property = Property {
    name: "two threads that write the same new key at once both survive",
    cause: "the first insert of a key checks for it and creates its entry in separate critical sections, so a concurrent writer's entry is replaced",
    book: "check-then-act",
};

#[test]
fn concurrent_histories_are_linearizable() {
    let check = kata_test::check(&LINEARIZABLE);
    for seed in 0..HISTORIES {
        let mut rng = Jitter::new(seed);
        let map = Arc::new(TimeMap::new());
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let mut value = 0;
        let plans: Vec<Vec<Op>> = (0..THREADS)
            .map(|_| {
                (0..OPS_PER_THREAD)
                    .map(|_| random_op(&mut rng, 2, 4, &mut value))
                    .collect()
            })
            .collect();
        let handles: Vec<_> = plans
            .into_iter()
            .enumerate()
            .map(|(t, plan)| {
                let (map, recorder, log) = (
                    Arc::clone(&map),
                    Arc::clone(&recorder),
                    Arc::clone(check.log()),
                );
                let name = format!("thread-{t}");
                spawn(name.clone(), move || {
                    let w = log.worker(name);
                    let r = recorder.thread(t);
                    for op in plan {
                        let call = w.call(format_args!("{op:?}"));
                        let got = r.call(op, |op| apply(&map, op));
                        call.returned(format_args!("{got:?}"));
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&Tm::default(), &recorder.history()) {
            panic!("history {seed} is not linearizable: {v}");
        }
    }
}

#[test]
fn other_keys_proceed_while_f_runs() {
    let _check = kata_test::check(&PER_KEY);
    let map = Arc::new(TimeMap::<&'static str, u32>::new());
    map.set("a", 1, 1);
    map.set("b", 1, 1);
    let (entered, in_f) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let blocker = {
        let map = Arc::clone(&map);
        spawn("update-a", move || {
            map.update("a", 2, |v| {
                entered.send(()).unwrap();
                // Blocks until the main thread lets go (or gives up).
                let _ = released.recv();
                v.copied().unwrap_or(0) + 1
            });
        })
    };
    kata_test::wait::recv(&in_f).unwrap_or_else(|| panic!("update(\"a\", ...) never called f"));
    let (done, finished) = mpsc::channel();
    let other = {
        let map = Arc::clone(&map);
        spawn("key-b", move || {
            map.set("b", 2, 2);
            let got = map.get(&"b", 2);
            map.update("b", 3, |v| v.copied().unwrap_or(0) + 10);
            map.set("c", 1, 1);
            done.send(got).unwrap();
        })
    };
    let got = kata_test::wait::recv(&finished);
    drop(release);
    let got = got.unwrap_or_else(|| panic!(
        "a global lock is held while f runs: set, get and update on key \"b\" did not complete while update on key \"a\" was inside f",
    ));
    assert_eq!(got, Some(2), "get(\"b\", 2) right after set(\"b\", 2, 2)");
    kata_test::join(other);
    kata_test::join(blocker);
    assert_eq!(map.get(&"a", 2), Some(2), "update(\"a\") after f returned");
    assert_eq!(
        map.get(&"b", 3),
        Some(12),
        "update(\"b\") on top of set(\"b\", 2, 2)"
    );
}

#[test]
fn concurrent_increments_lose_nothing() {
    let check = kata_test::check(&NO_LOST_UPDATE);
    let map = Arc::new(TimeMap::<u8, u32>::new());
    let threads = 4;
    // All start together, or on a busy machine each thread can finish its
    // increments before the next one is running, and nothing overlaps.
    let start = Arc::new(Barrier::new(threads as usize));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (map, log) = (Arc::clone(&map), Arc::clone(check.log()));
            let start = Arc::clone(&start);
            let name = format!("incrementer-{t}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                start.wait();
                for i in 0..INCREMENTS_PER_THREAD {
                    let call = w.call("update(7, 1, +1)");
                    map.update(7, 1, |v| {
                        // `f` may take a while: now and then, give up the
                        // core inside it, where an update that lets go of
                        // the key's lock around `f` is exposed.
                        if i % 8 == 0 {
                            std::thread::yield_now();
                        }
                        v.copied().unwrap_or(0) + 1
                    });
                    drop(call);
                }
            })
        })
        .collect();
    handles.into_iter().for_each(kata_test::join);
    let total = map.get(&7, 1);
    assert_eq!(
        total,
        Some(threads * INCREMENTS_PER_THREAD),
        "{threads} threads each incremented key 7 {INCREMENTS_PER_THREAD} times; {} updates were lost",
        (threads * INCREMENTS_PER_THREAD).saturating_sub(total.unwrap_or(0))
    );
}

#[test]
fn racing_first_writes_to_a_key_both_survive() {
    let check = kata_test::check(&NO_LOST_INSERT);
    let lost = Arc::new(AtomicUsize::new(0));
    for round in 0..FIRST_INSERT_ROUNDS {
        let map = Arc::new(TimeMap::<u64, u64>::new());
        let start = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2_u64)
            .map(|t| {
                let (map, start, log) = (
                    Arc::clone(&map),
                    Arc::clone(&start),
                    Arc::clone(check.log()),
                );
                let name = format!("writer-{t}");
                spawn(name.clone(), move || {
                    let w = log.worker(name);
                    start.wait();
                    let call = w.call(format_args!("set({round}, {t}, {t})"));
                    map.set(round, t, t);
                    drop(call);
                })
            })
            .collect();
        handles.into_iter().for_each(kata_test::join);
        for t in 0..2 {
            if map.get(&round, t) != Some(t) {
                lost.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    let lost = lost.load(Ordering::Relaxed);
    assert_eq!(
        lost,
        0,
        "{lost} of {} first writes to a new key vanished: a concurrent writer's entry replaced them",
        2 * FIRST_INSERT_ROUNDS
    );
}
