//! Stage 6 of 6, model: every interleaving of small scenarios, under loom.
//!
//! Scenarios stay within loom's limit of 5 threads, the main one included.
//! `kata_test::model::run` uses a preemption bound of 3 (override with
//! `KATA_LOOM_PREEMPTIONS`); `cargo xtask check` builds this in release mode.
//! In check builds every other `Condvar::wait` returns spuriously, starting
//! with the first, so `if` in place of `while` is found on the first wait.
#![cfg(loom)]

mod common;

use bounded_blocking_queue::BoundedBlockingQueue;
use common::{Fifo, Op, Ret, apply};
use kata_sync::Arc;
use kata_test::{Property, model, spawn};

const HANDOFF: Property = Property {
    name: "with capacity 1, a producer and a consumer hand over every item, in order, in every interleaving",
    cause: "a wait that is not in a `while` loop (it woke spuriously and went on), or a notify that is missing so a waiter sleeps forever",
    book: "while-not-if",
};

const TWO_SIDES: Property = Property {
    name: "with two producers and two consumers on capacity 1, every call returns in every interleaving",
    cause: "one condition variable shared by producers and consumers with notify_one: a consumer's wakeup can go to another consumer, and the producer is never woken. Use two condition variables, or notify_all",
    book: "lost-wakeup",
};

fn assert_within_capacity<T>(q: &BoundedBlockingQueue<T>, capacity: usize, after: &str) {
    let size = q.size();
    assert!(
        size <= capacity,
        "size() is {size} after {after}, but the capacity is {capacity}: an enqueue went past the capacity"
    );
}

#[test]
fn producer_and_consumer_hand_over_every_item() {
    let _check = kata_test::check(&HANDOFF);
    model::run(|| {
        let q = Arc::new(BoundedBlockingQueue::new(1));
        let producer = {
            let q = Arc::clone(&q);
            spawn("producer", move || {
                for i in 1..=2_u32 {
                    q.enqueue(i);
                    assert_within_capacity(&q, 1, "an enqueue");
                }
            })
        };
        let first = q.dequeue();
        assert_within_capacity(&q, 1, "a dequeue");
        let second = q.dequeue();
        assert_eq!((first, second), (1, 2), "items came out wrong");
        kata_test::join(producer);
        assert_eq!(q.size(), 0, "size() once both items were dequeued");
    });
}

#[test]
fn two_producers_and_two_consumers_all_finish() {
    let _check = kata_test::check(&TWO_SIDES);
    // Four threads: at a bound of 3 this explores ~60,000 executions (5 s);
    // at 2, ~5,600 (0.5 s), and the shared-condvar bug needs only one
    // preemption to show.
    model::run_with_preemptions(2, || {
        let q = Arc::new(BoundedBlockingQueue::new(1));
        let producers: Vec<_> = (1..=2_u32)
            .map(|i| {
                let q = Arc::clone(&q);
                spawn(format!("producer-{i}"), move || q.enqueue(i))
            })
            .collect();
        let consumer = {
            let q = Arc::clone(&q);
            spawn("consumer", move || q.dequeue())
        };
        let mine = q.dequeue();
        let theirs = kata_test::join(consumer);
        producers.into_iter().for_each(kata_test::join);
        let mut got = [mine, theirs];
        got.sort_unstable();
        assert_eq!(got, [1, 2], "items were lost or duplicated");
    });
}

const LINEARIZABLE: Property = Property {
    name: "in every interleaving, the history is linearizable against a FIFO queue of capacity 2",
    cause: "the queue is not one FIFO order, or an operation is not atomic (a check and an act under different locks)",
    book: "fifo",
};

#[test]
fn every_history_is_linearizable_against_a_fifo_queue() {
    let _check = kata_test::check(&LINEARIZABLE);
    // Three threads, three enqueues and three dequeues: every call returns
    // in every interleaving (see the stress suite's plans).
    const PLANS: [&[Op]; 3] = [
        &[Op::Dequeue, Op::Dequeue],
        &[Op::Enqueue(1), Op::Enqueue(2)],
        &[Op::Enqueue(3), Op::Size, Op::Dequeue],
    ];
    let capacity = 2;
    model::run_with_preemptions(2, move || {
        let q = Arc::new(BoundedBlockingQueue::new(capacity));
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let handles: Vec<_> = PLANS[1..]
            .iter()
            .enumerate()
            .map(|(i, plan)| {
                let (q, recorder) = (Arc::clone(&q), Arc::clone(&recorder));
                spawn(format!("thread-{}", i + 1), move || {
                    let r = recorder.thread(i + 1);
                    for op in plan.iter() {
                        r.call(*op, |op| apply(&q, op));
                    }
                })
            })
            .collect();
        let r = recorder.thread(0);
        for op in PLANS[0] {
            r.call(*op, |op| apply(&q, op));
        }
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&Fifo::new(capacity), &recorder.history()) {
            panic!("not linearizable against a FIFO queue of capacity {capacity}: {v}");
        }
    });
}
