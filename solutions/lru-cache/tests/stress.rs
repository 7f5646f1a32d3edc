//! Stage 5 of 6, stress: many short concurrent histories, each checked for
//! linearizability, and `len() <= capacity()` watched under load.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Lru, Op, Ret, apply, random_op};
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use lru_cache::LruCache;

const HISTORIES: u64 = 300;
const THREADS: usize = 3;
const OPS_PER_THREAD: usize = 6;
const LOAD_OPS_PER_THREAD: u32 = 20_000;

const LINEARIZABLE: Property = Property {
    name: "every concurrent history is linearizable: some one-at-a-time order of the calls explains every result",
    cause: "an operation is not atomic: a lock released between its check and its act, or state read outside the lock",
    book: "check-then-act",
};

const BOUNDED: Property = Property {
    name: "len() never exceeds capacity(), whenever it is observed",
    cause: "a put that checks the size and inserts in separate critical sections, or a len() that reads a counter updated outside the lock",
    book: "check-then-act",
};

#[test]
fn concurrent_histories_are_linearizable() {
    let check = kata_test::check(&LINEARIZABLE);
    for seed in 0..HISTORIES {
        let mut rng = Jitter::new(seed);
        let capacity = 1 + rng.below(3) as usize;
        let cache = Arc::new(LruCache::new(capacity));
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let mut value = 0;
        let plans: Vec<Vec<Op>> = (0..THREADS)
            .map(|_| {
                (0..OPS_PER_THREAD)
                    .map(|_| random_op(&mut rng, 4, &mut value))
                    .collect()
            })
            .collect();
        let handles: Vec<_> = plans
            .into_iter()
            .enumerate()
            .map(|(t, plan)| {
                let (cache, recorder, log) = (
                    Arc::clone(&cache),
                    Arc::clone(&recorder),
                    Arc::clone(check.log()),
                );
                let name = format!("thread-{t}");
                spawn(name.clone(), move || {
                    let w = log.worker(name);
                    let r = recorder.thread(t);
                    for op in plan {
                        let call = w.call(format_args!("{op:?}"));
                        let got = r.call(op, |op| apply(&cache, op));
                        call.returned(format_args!("{got:?}"));
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&Lru::new(capacity), &recorder.history()) {
            panic!("history {seed} (capacity {capacity}) is not linearizable: {v}");
        }
    }
}

#[test]
fn len_never_exceeds_capacity_under_load() {
    let check = kata_test::check(&BOUNDED);
    let capacity = 4;
    let cache = Arc::new(LruCache::new(capacity));
    let done = Arc::new(AtomicBool::new(false));
    let monitor = {
        let (cache, done) = (Arc::clone(&cache), Arc::clone(&done));
        spawn("len-monitor", move || {
            while !done.load(Ordering::SeqCst) {
                let len = cache.len();
                assert!(
                    len <= capacity,
                    "len() returned {len} but the capacity is {capacity}"
                );
                kata_sync::thread::yield_now();
            }
        })
    };
    let writers: Vec<_> = (0..3_u32)
        .map(|t| {
            let (cache, log) = (Arc::clone(&cache), Arc::clone(check.log()));
            let name = format!("writer-{t}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                for i in 0..LOAD_OPS_PER_THREAD {
                    // Mostly new keys, so nearly every put evicts.
                    let key = ((i * 3 + t) % 251) as u8;
                    let call = w.call(format_args!("put({key}, {i})"));
                    cache.put(key, i);
                    drop(call);
                    let len = cache.len();
                    assert!(
                        len <= capacity,
                        "len() returned {len} right after a put, but the capacity is {capacity}"
                    );
                }
            })
        })
        .collect();
    writers.into_iter().for_each(kata_test::join);
    done.store(true, Ordering::SeqCst);
    kata_test::join(monitor);
    assert_eq!(cache.len(), capacity, "len() once the writers are done");
}
