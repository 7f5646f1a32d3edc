//! Stage 5 of 6, stress: many producers and consumers on real threads.
//!
//! Every item is `(producer, sequence number)`. Consumers stop at a poison
//! item that the main thread sends once every producer is done. Checked:
//! nothing is lost or duplicated, each producer's items reach each consumer in
//! the producer's order, and the queue never holds more than its capacity —
//! seen both through `size()` and through call counts that do not trust it.
//! The watchdog turns a hang into a report of the calls that never returned.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bounded_blocking_queue::BoundedBlockingQueue;
use kata_test::{Property, spawn};
use rstest::rstest;

const ITEMS_PER_PRODUCER: usize = 2_000;
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
