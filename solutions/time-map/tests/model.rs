//! Stage 6 of 6, model: every interleaving of small scenarios under loom.
#![cfg(loom)]

mod common;

use common::{Op, Ret, Tm, apply};
use kata_sync::Arc;
use kata_test::{Property, model, spawn};
use time_map::TimeMap;

const ATOMIC_PER_KEY: Property = Property {
    name: "in every interleaving, operations on one key are atomic: no update and no first insert is lost, and the history is linearizable",
    cause: "a key's lock released between read and write in update, or a racy first insert that replaces another writer's entry",
    book: "check-then-act",
};

fn scenario(plans: &'static [&'static [Op]]) {
    model::run(move || {
        let map = Arc::new(TimeMap::new());
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let handles: Vec<_> = plans[1..]
            .iter()
            .enumerate()
            .map(|(i, plan)| {
                let (map, recorder) = (Arc::clone(&map), Arc::clone(&recorder));
                spawn(format!("thread-{}", i + 1), move || {
                    let r = recorder.thread(i + 1);
                    for op in plan.iter() {
                        r.call(op.clone(), |op| apply(&map, op));
                    }
                })
            })
            .collect();
        let r = recorder.thread(0);
        for op in plans[0] {
            r.call(op.clone(), |op| apply(&map, op));
        }
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&Tm::default(), &recorder.history()) {
            panic!("not linearizable: {v}");
        }
    });
}

#[test]
fn two_increments_of_one_key() {
    let _check = kata_test::check(&ATOMIC_PER_KEY);
    // Each thread reads after its increment, so a lost update shows as a
    // result no order explains.
    scenario(&[
        &[],
        &[Op::Incr(1, 1), Op::Get(1, 1)],
        &[Op::Incr(1, 1), Op::Get(1, 1)],
    ]);
}

#[test]
fn two_first_writes_to_a_new_key() {
    let _check = kata_test::check(&ATOMIC_PER_KEY);
    scenario(&[
        &[],
        &[Op::Set(1, 10, 1), Op::Get(1, 2)],
        &[Op::Set(1, 20, 2), Op::Get(1, 1)],
    ]);
}
