//! Stage 5 of 6, stress: many producers and consumers on real threads.
//!
//! Every item is `(producer, sequence number)`. Consumers stop at a poison
//! item that the main thread sends once every producer is done. Checked:
//! nothing is lost or duplicated, each producer's items reach each consumer in
//! the producer's order, and the queue never holds more than its capacity —
//! seen both through `size()` and through call counts that do not trust it.
//! The watchdog turns a hang into a report of the calls that never returned.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bounded_blocking_queue::BoundedBlockingQueue;
use common::{Fifo, Op, Ret, apply};
use kata_test::jitter::Jitter;
use kata_test::{Property, spawn};
use rstest::rstest;

const ITEMS_PER_PRODUCER: usize = 2_000;
/// Short concurrent histories checked for linearizability, and their shape.
const HISTORIES: u64 = 400;
const HISTORY_THREADS: usize = 4;
const OPS_PER_HISTORY_THREAD: usize = 4;
const POISON: usize = usize::MAX;

const NOTHING_LOST: Property = Property {
    name: "under load, no item is lost or duplicated, each producer's items stay in order, and the queue never exceeds its capacity",
    cause: "a check-then-act race, a wait with `if` instead of `while`, or a missing notify",
    book: "while-not-if",
};

type Item = (usize, usize);

#[rstest]
#[case::cap1_1p_1c(1, 1, 1)]
#[case::cap1_3p_3c(1, 3, 3)]
#[case::cap2_4p_1c(2, 4, 1)]
#[case::cap3_1p_4c(3, 1, 4)]
#[case::cap8_2p_2c(8, 2, 2)]
fn producers_and_consumers_lose_nothing(
    #[case] capacity: usize,
    #[case] producers: usize,
    #[case] consumers: usize,
) {
    let check = kata_test::check(&NOTHING_LOST);
    let q = Arc::new(BoundedBlockingQueue::<Item>::new(capacity));
    // Relaxed-free on purpose: SeqCst counters give the overrun check below a
    // single order to reason in.
    let enqueues_returned = Arc::new(AtomicUsize::new(0));
    let dequeues_called = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));

    let monitor = {
        let (q, done, log) = (Arc::clone(&q), Arc::clone(&done), Arc::clone(check.log()));
        spawn("size-monitor", move || {
            let w = log.worker("size-monitor");
            let mut last = None;
            while !done.load(Ordering::SeqCst) {
                let size = q.size();
                assert!(
                    size <= capacity,
                    "size() returned {size} but the capacity is {capacity}: an enqueue went past the capacity"
                );
                if last != Some(size) {
                    w.event(format_args!("size() = {size}"));
                    last = Some(size);
                }
                kata_sync::thread::yield_now();
            }
        })
    };

    let consumer_handles: Vec<_> = (0..consumers)
        .map(|c| {
            let (q, log, dequeues_called) = (
                Arc::clone(&q),
                Arc::clone(check.log()),
                Arc::clone(&dequeues_called),
            );
            let name = format!("consumer-{c}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                let mut got = Vec::new();
                loop {
                    dequeues_called.fetch_add(1, Ordering::SeqCst);
                    let call = w.call("dequeue()");
                    let item = q.dequeue();
                    call.returned(format_args!("p{}#{}", item.0, item.1));
                    if item.0 == POISON {
                        return got;
                    }
                    got.push(item);
                }
            })
        })
        .collect();

    let producer_handles: Vec<_> = (0..producers)
        .map(|p| {
            let (q, log, enqueues_returned, dequeues_called) = (
                Arc::clone(&q),
                Arc::clone(check.log()),
                Arc::clone(&enqueues_returned),
                Arc::clone(&dequeues_called),
            );
            let name = format!("producer-{p}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                for seq in 0..ITEMS_PER_PRODUCER {
                    let call = w.call(format_args!("enqueue(p{p}#{seq})"));
                    q.enqueue((p, seq));
                    drop(call);
                    // Items in the queue now >= enqueues returned - dequeues
                    // called, whatever size() says. Read in this order, the
                    // bound holds at the moment of the first read.
                    let entered = enqueues_returned.fetch_add(1, Ordering::SeqCst) + 1;
                    let left = dequeues_called.load(Ordering::SeqCst);
                    assert!(
                        entered.saturating_sub(left) <= capacity,
                        "{entered} enqueues had returned but only {left} dequeues had been called, so the queue held more than its capacity {capacity}"
                    );
                }
            })
        })
        .collect();

    producer_handles.into_iter().for_each(kata_test::join);
    for _ in 0..consumers {
        q.enqueue((POISON, 0));
    }
    let received: Vec<Vec<Item>> = consumer_handles.into_iter().map(kata_test::join).collect();
    done.store(true, Ordering::SeqCst);
    kata_test::join(monitor);

    for (c, items) in received.iter().enumerate() {
        let mut last = vec![None; producers];
        for &(p, seq) in items {
            assert!(
                p < producers,
                "consumer-{c} received an item no producer sent: ({p}, {seq})"
            );
            if let Some(prev) = last[p] {
                assert!(
                    seq > prev,
                    "consumer-{c} received p{p}#{seq} after p{p}#{prev}: the queue is not FIFO"
                );
            }
            last[p] = Some(seq);
        }
    }
    let mut all: Vec<Item> = received.into_iter().flatten().collect();
    all.sort_unstable();
    let expected: Vec<Item> = (0..producers)
        .flat_map(|p| (0..ITEMS_PER_PRODUCER).map(move |s| (p, s)))
        .collect();
    if all != expected {
        let missing = expected
            .iter()
            .filter(|i| all.binary_search(i).is_err())
            .count();
        let extra = all.len() as isize - (expected.len() as isize - missing as isize);
        panic!(
            "items were lost or duplicated: {} sent, {} received, {missing} never received, {extra} received more than once",
            expected.len(),
            all.len()
        );
    }
    assert_eq!(q.size(), 0, "size() once every item was dequeued");
}

const LINEARIZABLE: Property = Property {
    name: "every concurrent history is linearizable against a FIFO queue: one order of the calls, consistent with real time, explains every result",
    cause: "the queue is not one FIFO order: items kept per producer (lanes served in turn), or taken from the wrong end; or an operation that is not atomic",
    book: "fifo",
};

/// What one thread of a history does. Plans are built so that every call
/// returns whatever the interleaving: as many enqueues as dequeues in all,
/// and each thread either only enqueues, only dequeues, or enqueues before
/// each of its dequeues.
fn history_plans(rng: &mut Jitter, next: &mut u32) -> Vec<Vec<Op>> {
    let mut enqueue = || {
        *next += 1;
        Op::Enqueue(*next)
    };
    let mut plans: Vec<Vec<Op>> = Vec::new();
    match rng.below(2) {
        // Producers and consumers apart: two of each.
        0 => {
            let (mut enqs, mut deqs) = (Vec::new(), Vec::new());
            for _ in 0..2 {
                let n = 1 + rng.below(OPS_PER_HISTORY_THREAD as u64) as usize;
                enqs.push(n);
                deqs.push(n);
            }
            // Consumers take the same total, split differently.
            deqs.swap(0, 1);
            for n in enqs {
                plans.push((0..n).map(|_| enqueue()).collect());
            }
            for n in deqs {
                plans.push((0..n).map(|_| Op::Dequeue).collect());
            }
        }
        // Every thread enqueues, then dequeues, in pairs.
        _ => {
            for _ in 0..HISTORY_THREADS {
                let pairs = 1 + rng.below(OPS_PER_HISTORY_THREAD as u64 / 2);
                plans.push((0..pairs).flat_map(|_| [enqueue(), Op::Dequeue]).collect());
            }
        }
    }
    // Now and then a size() call, which blocks nobody.
    for plan in &mut plans {
        if rng.below(3) == 0 {
            let at = rng.below(plan.len() as u64 + 1) as usize;
            plan.insert(at, Op::Size);
        }
    }
    plans
}

#[test]
fn concurrent_histories_are_linearizable() {
    let check = kata_test::check(&LINEARIZABLE);
    let mut next = 0;
    for seed in 0..HISTORIES {
        let mut rng = Jitter::new(seed);
        let capacity = 1 + rng.below(3) as usize;
        let q = Arc::new(BoundedBlockingQueue::new(capacity));
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        let plans = history_plans(&mut rng, &mut next);
        let start = Arc::new(std::sync::Barrier::new(plans.len()));
        let handles: Vec<_> = plans
            .into_iter()
            .enumerate()
            .map(|(t, plan)| {
                let (q, recorder, log, start) = (
                    Arc::clone(&q),
                    Arc::clone(&recorder),
                    Arc::clone(check.log()),
                    Arc::clone(&start),
                );
                let name = format!("thread-{t}");
                spawn(name.clone(), move || {
                    let w = log.worker(name);
                    let r = recorder.thread(t);
                    start.wait();
                    for op in plan {
                        let call = w.call(format_args!("{op:?}"));
                        let got = r.call(op, |op| apply(&q, op));
                        call.returned(format_args!("{got:?}"));
                    }
                })
            })
            .collect();
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&Fifo::new(capacity), &recorder.history()) {
            panic!(
                "history {seed} (capacity {capacity}) is not linearizable against a FIFO queue: {v}"
            );
        }
    }
}

/// Histories where producers take turns, and how many turns each takes.
const TURN_HISTORIES: u64 = 150;
const TURNS_PER_PRODUCER: usize = 3;

#[test]
fn producers_taking_turns_are_served_in_the_order_of_their_turns() {
    let check = kata_test::check(&LINEARIZABLE);
    let mut next = 0;
    for seed in 0..TURN_HISTORIES {
        let mut rng = Jitter::new(10_000 + seed);
        let capacity = 2 + rng.below(3) as usize;
        let q = Arc::new(BoundedBlockingQueue::new(capacity));
        let recorder = Arc::new(lincheck::Recorder::<Op, Ret>::new());
        // Two producers enqueue in turns (a batch of one or two items each
        // turn), handing a turn token back and forth, so each batch is
        // enqueued, in real time, after the other producer's last one:
        // FIFO then fixes the order across producers too. Two consumers
        // dequeue meanwhile, as many items in all.
        let batches: Vec<Vec<Op>> = (0..2 * TURNS_PER_PRODUCER)
            .map(|_| {
                (0..1 + rng.below(2))
                    .map(|_| {
                        next += 1;
                        Op::Enqueue(next)
                    })
                    .collect()
            })
            .collect();
        let total: usize = batches.iter().map(Vec::len).sum();
        let batches = Arc::new(batches);
        // The turn token is the test's own (std) lock: it orders the
        // producers' batches and nothing inside the queue.
        let turn = Arc::new((std::sync::Mutex::new(0_usize), std::sync::Condvar::new()));
        let mut handles = Vec::new();
        for p in 0..2 {
            let (q, recorder, log, batches, turn) = (
                Arc::clone(&q),
                Arc::clone(&recorder),
                Arc::clone(check.log()),
                Arc::clone(&batches),
                Arc::clone(&turn),
            );
            let name = format!("producer-{p}");
            handles.push(spawn(name.clone(), move || {
                let w = log.worker(name);
                let r = recorder.thread(p);
                for t in (p..batches.len()).step_by(2) {
                    let (lock, turned) = &*turn;
                    let mut now = lock.lock().unwrap();
                    while *now != t {
                        now = turned.wait(now).unwrap();
                    }
                    drop(now);
                    for op in &batches[t] {
                        let call = w.call(format_args!("{op:?} (turn {t})"));
                        r.call(*op, |op| apply(&q, op));
                        drop(call);
                    }
                    *lock.lock().unwrap() += 1;
                    turned.notify_all();
                }
            }));
        }
        for c in 0..2 {
            let (q, recorder, log) = (
                Arc::clone(&q),
                Arc::clone(&recorder),
                Arc::clone(check.log()),
            );
            let name = format!("consumer-{c}");
            let mine = total / 2 + (c == 0) as usize * (total % 2);
            handles.push(spawn(name.clone(), move || {
                let w = log.worker(name);
                let r = recorder.thread(2 + c);
                for _ in 0..mine {
                    let call = w.call("Dequeue");
                    let got = r.call(Op::Dequeue, |op| apply(&q, op));
                    call.returned(format_args!("{got:?}"));
                }
            }));
        }
        handles.into_iter().for_each(kata_test::join);
        if let Err(v) = lincheck::check(&Fifo::new(capacity), &recorder.history()) {
            panic!(
                "history {seed} (capacity {capacity}, two producers taking turns) is not linearizable against a FIFO queue: {v}"
            );
        }
    }
}
