//! Stage 5 of 6, stress: linearizable histories, per-key independence, no lost
//! updates and no lost first inserts, on real threads.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};

use common::{Op, Ret, Tm, apply, random_op};
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use rstest::rstest;
use time_map::TimeMap;

const HISTORIES: u64 = 300;
const THREADS: usize = 3;
const OPS_PER_THREAD: usize = 6;
const INCREMENTS_PER_THREAD: u32 = 2_000;
const FIRST_INSERT_ROUNDS: u64 = 300;
/// Distinct keys probed while `f` blocks on another key: enough that a lock
/// shared by several keys (striping, even over a thousand stripes) is all but
/// certain to be hit.
const PROBE_KEYS: u32 = 4_096;
/// How long a call on the blocked key is given to reach its lock.
const GRACE: std::time::Duration = std::time::Duration::from_millis(200);

const LINEARIZABLE: Property = Property {
    name: "every concurrent history is linearizable: some one-at-a-time order of the calls explains every result",
    cause: "an operation on a key is not atomic: a lock released between reading and writing the key's versions",
    book: "check-then-act",
};

const PER_KEY: Property = Property {
    name: "while update on one key is blocked inside f, set, get and update on every other key complete, new keys included, and with another call on the same key queued behind f",
    cause: "a lock shared between keys: a table lock held while f runs (also in a key's first update) or while waiting for a key's lock, or striped locks shared by several keys. Hold only that key's own lock across f",
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

/// Where the key `update` blocks on stands before the probe starts.
#[derive(Clone, Copy, Debug)]
enum Blocked {
    /// The key has versions already.
    ExistingKey,
    /// The key is new: this `update` is its first write.
    FirstUpdateOfANewKey,
}

/// An operation on key `BLOCKED_KEY`, queued behind the blocked `f`.
#[derive(Clone, Copy, Debug)]
enum Queued {
    Nothing,
    Set,
    Update,
}

/// The key whose `update` blocks in `f`.
const BLOCKED_KEY: u32 = 0;

#[rstest]
#[case::existing_key_nothing_queued(Blocked::ExistingKey, Queued::Nothing)]
#[case::existing_key_a_set_queued(Blocked::ExistingKey, Queued::Set)]
#[case::existing_key_an_update_queued(Blocked::ExistingKey, Queued::Update)]
#[case::first_update_of_a_new_key(Blocked::FirstUpdateOfANewKey, Queued::Nothing)]
#[case::first_update_of_a_new_key_a_set_queued(Blocked::FirstUpdateOfANewKey, Queued::Set)]
fn every_other_key_goes_on_while_f_blocks(#[case] blocked: Blocked, #[case] queued: Queued) {
    let check = kata_test::check(&PER_KEY);
    let map = Arc::new(TimeMap::<u32, u32>::new());
    // Keys 1..=PROBE_KEYS/2 exist before f blocks; the rest are new to the
    // map when the probe reaches them.
    let existing = PROBE_KEYS / 2;
    for k in 1..=existing {
        map.set(k, k, 1);
    }
    if let Blocked::ExistingKey = blocked {
        map.set(BLOCKED_KEY, 1, 1);
    }
    let (entered, in_f) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let blocker = {
        let (map, log) = (Arc::clone(&map), Arc::clone(check.log()));
        spawn("update-blocked-key", move || {
            let w = log.worker("update-blocked-key");
            let _call = w.call(format_args!("update({BLOCKED_KEY}, 2, f), f blocks"));
            map.update(BLOCKED_KEY, 2, |v| {
                entered.send(()).unwrap();
                // Blocks until the main thread lets go (or gives up).
                let _ = released.recv();
                v.copied().unwrap_or(0) + 1
            });
        })
    };
    kata_test::wait::recv(&in_f)
        .ok_or(kata_test::wait::NeverCame)
        .expect("update(0, 2, f) never called f");

    // An operation on the same key: it must wait for f (the key's operations
    // are atomic), and while it waits, other keys must still go on.
    let queued_thread = match queued {
        Queued::Nothing => None,
        op => {
            let (map, log) = (Arc::clone(&map), Arc::clone(check.log()));
            let name = "queued-behind-f";
            let handle = spawn(name, move || {
                let w = log.worker(name);
                let _call = w.call(format_args!("{op:?} on key {BLOCKED_KEY}, queued behind f"));
                match op {
                    Queued::Set => map.set(BLOCKED_KEY, 50, 5),
                    _ => map.update(BLOCKED_KEY, 5, |v| v.copied().unwrap_or(0) + 100),
                }
            });
            // Give it time to reach the key's lock (and, if it is wrong, to
            // take something else on the way).
            kata_test::wait::until_blocked(name, GRACE);
            Some(handle)
        }
    };

    let (progress_tx, progress) = mpsc::channel::<String>();
    let prober = {
        let (map, log) = (Arc::clone(&map), Arc::clone(check.log()));
        spawn("other-keys", move || {
            let w = log.worker("other-keys");
            for k in 1..=PROBE_KEYS {
                let what = if k <= existing { "existing" } else { "new" };
                for step in 0..3 {
                    let desc = match step {
                        0 => format!("set({k}, {}, 3) on a {what} key", k + 1000),
                        1 => format!("get({k}, 3) on a {what} key"),
                        _ => format!("update({k}, 4, +1) on a {what} key"),
                    };
                    let _ = progress_tx.send(desc.clone());
                    let call = w.call(&desc);
                    match step {
                        0 => map.set(k, k + 1000, 3),
                        1 => assert_eq!(
                            map.get(&k, 3),
                            Some(k + 1000),
                            "{desc}, right after set({k}, {}, 3)",
                            k + 1000
                        ),
                        _ => map.update(k, 4, |v| v.copied().unwrap_or(0) + 1),
                    }
                    drop(call);
                }
            }
            let _ = progress_tx.send(String::from("done"));
        })
    };
    // Wait for the probe to finish while f is still blocked: step by step,
    // giving up only when nothing can move any more (every other thread
    // asleep for a second), so a busy machine is never mistaken for a lock.
    let mut last = String::from("(nothing yet)");
    let mut finished = false;
    while let Some(step) = kata_test::wait::recv(&progress) {
        if step == "done" {
            finished = true;
            break;
        }
        last = step;
    }
    drop(release);
    assert!(
        finished,
        "while update({BLOCKED_KEY}, 2, f) was blocked inside f ({blocked:?}; queued on the same key: {queued:?}), \
         {last} did not complete. Operations on other keys must not wait for f: \
         a lock shared between keys (a table lock held while f runs or while waiting for a key's lock, or a stripe shared by several keys) makes them wait"
    );
    kata_test::join(prober);
    kata_test::join(blocker);
    if let Some(h) = queued_thread {
        kata_test::join(h);
    }
    let before = match blocked {
        Blocked::ExistingKey => 1,
        Blocked::FirstUpdateOfANewKey => 0,
    };
    assert_eq!(
        map.get(&BLOCKED_KEY, 2),
        Some(before + 1),
        "update({BLOCKED_KEY}, 2) once f returned"
    );
    let at_5 = match queued {
        Queued::Nothing => before + 1,
        Queued::Set => 50,
        Queued::Update => before + 101,
    };
    assert_eq!(
        map.get(&BLOCKED_KEY, 5),
        Some(at_5),
        "get({BLOCKED_KEY}, 5) after {queued:?} queued behind update({BLOCKED_KEY}, 2)"
    );
    for k in [1, existing, existing + 1, PROBE_KEYS] {
        assert_eq!(
            map.get(&k, 4),
            Some(k + 1001),
            "get({k}, 4) after set({k}, {}, 3) and update({k}, 4, +1)",
            k + 1000
        );
        let at_1 = (k <= existing).then_some(k);
        assert_eq!(map.get(&k, 1), at_1, "get({k}, 1)");
    }
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
