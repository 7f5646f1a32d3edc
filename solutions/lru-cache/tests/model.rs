//! Stage 6 of 6, model: every interleaving of small scenarios under loom, each
//! execution's history checked for linearizability.
#![cfg(loom)]

mod common;

use common::{Lru, Op, Ret, apply};
use kata_sync::Arc;
use kata_test::{Property, model, spawn};
use lru_cache::LruCache;

const LINEARIZABLE: Property = Property {
    name: "in every interleaving, the history is linearizable and len() stays within capacity()",
    cause: "an operation is not atomic: a lock released between its check and its act, or state read outside the lock",
    book: "check-then-act",
};

/// Runs `plans[t]` on thread t (thread 0 is main) and checks the history.
fn scenario(capacity: usize, prefill: &'static [(u8, u32)], plans: &'static [&'static [Op]]) {
    model::run(move || {
        let cache = Arc::new(LruCache::new(capacity));
        let mut initial = Lru::new(capacity);
        for &(k, v) in prefill {
            cache.put(k, v);
            lincheck::Model::step(&mut initial, &Op::Put(k, v));
        }
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let handles: Vec<_> = plans[1..]
            .iter()
            .enumerate()
            .map(|(i, plan)| {
                let (cache, recorder) = (Arc::clone(&cache), Arc::clone(&recorder));
                spawn(format!("thread-{}", i + 1), move || {
                    let r = recorder.thread(i + 1);
                    for op in plan.iter() {
                        r.call(op.clone(), |op| apply(&cache, op));
                    }
                })
            })
            .collect();
        let r = recorder.thread(0);
        for op in plans[0] {
            r.call(op.clone(), |op| apply(&cache, op));
        }
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&initial, &recorder.history()) {
            panic!("not linearizable (capacity {capacity}, prefilled {prefill:?}): {v}");
        }
        let len = cache.len();
        assert!(
            len <= capacity,
            "len() is {len} at the end, but the capacity is {capacity}"
        );
    });
}

#[test]
fn two_new_keys_racing_into_a_full_cache() {
    let _check = kata_test::check(&LINEARIZABLE);
    scenario(
        1,
        &[],
        &[&[Op::Len, Op::Len], &[Op::Put(1, 10)], &[Op::Put(2, 20)]],
    );
}

#[test]
fn a_get_racing_an_eviction() {
    let _check = kata_test::check(&LINEARIZABLE);
    scenario(
        2,
        &[(1, 10), (2, 20)],
        &[
            &[Op::Get(2), Op::Len],
            &[Op::Get(1)],
            &[Op::Put(3, 30), Op::Get(1)],
        ],
    );
}
