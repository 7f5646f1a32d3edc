//! Stage 6 of 7, model: every interleaving of small scenarios, under loom.
//!
//! The slots are `kata_sync::cell::UnsafeCell`s, which loom tracks: a read of
//! a slot that the producer's write does not happen before (or a write that
//! the consumer's last read does not happen before) is reported as a
//! causality violation, a data race, at the line of the access.
//!
//! The side that waits for the other (the consumer for items, the producer
//! for room) retries with `yield_now`, which tells loom to run the other
//! thread. That matters: loom's partial-order reduction remembers only the
//! last access of each kind to an atomic, so in a scenario where each side
//! calls once, a producer that loads its own tail before storing it hides
//! the consumer's earlier load of it, and the interleaving in which the
//! consumer reads a freshly published slot is never tried. A consumer that
//! yields until it has its items reaches that interleaving in the first
//! execution.
#![cfg(loom)]

mod common;

use common::Drops;
use kata_test::{Property, model, spawn};
use spsc_ring::{Consumer, Producer, ring};

const PUBLISH: Property = Property {
    name: "a popped slot was written before it is read: the producer's write happens before the consumer's read",
    cause: "the tail is published with a Relaxed store, or read with a Relaxed load before the slot is read: publish with Release in push, and load it with Acquire in pop before touching the slot",
    book: "spsc-publish",
};

const REUSE: Property = Property {
    name: "a slot is not overwritten while it is still being read: the consumer's read happens before the producer's next write",
    cause: "a hand-over of the slot is not a Release store read by an Acquire load: the head must be stored with Release in pop and loaded with Acquire in push before the producer reuses the slot, and the tail likewise from push to pop",
    book: "spsc-publish",
};

const DROP_RACE: Property = Property {
    name: "when the halves are dropped on different threads, the items left are dropped once, after both threads are done",
    cause: "the ring is freed by a half that does not know the other is gone: share it through an Arc, whose last drop runs Drop once, ordered after both halves' accesses",
    book: "spsc-drop",
};

/// Pops, yielding to the producer while the ring is empty.
fn pop_waiting(rx: &mut Consumer<u32>) -> u32 {
    loop {
        if let Some(item) = rx.pop() {
            return item;
        }
        kata_sync::thread::yield_now();
    }
}

/// Pushes, yielding to the consumer while the ring is full.
fn push_waiting(tx: &mut Producer<u32>, mut item: u32) {
    loop {
        match tx.push(item) {
            Ok(()) => return,
            Err(back) => {
                assert_eq!(back, item, "push on a full ring handed back another item");
                item = back;
            }
        }
        kata_sync::thread::yield_now();
    }
}

#[test]
fn a_popped_item_was_written_before_it_is_read() {
    let _check = kata_test::check(&PUBLISH);
    model::run(|| {
        let (mut tx, mut rx) = ring::<u32>(2);
        let producer = spawn("producer", move || {
            assert_eq!(tx.push(1), Ok(()), "push into an empty ring of 2");
            assert_eq!(tx.push(2), Ok(()), "push into a ring of 2 holding 1");
        });
        let got = [pop_waiting(&mut rx), pop_waiting(&mut rx)];
        kata_test::join(producer);
        assert_eq!(got, [1, 2], "the items came out wrong");
        assert_eq!(rx.pop(), None, "pop after both items came out");
    });
}

#[test]
fn a_slot_is_not_overwritten_while_being_read() {
    let _check = kata_test::check(&REUSE);
    model::run(|| {
        // Capacity 1: the second push reuses the slot the consumer reads.
        let (mut tx, mut rx) = ring::<u32>(1);
        let producer = spawn("producer", move || {
            push_waiting(&mut tx, 1);
            push_waiting(&mut tx, 2);
        });
        let got = [pop_waiting(&mut rx), pop_waiting(&mut rx)];
        kata_test::join(producer);
        assert_eq!(got, [1, 2], "the items came out wrong");
        assert_eq!(rx.pop(), None, "pop after both items came out");
    });
}

#[test]
fn items_left_are_dropped_once_when_halves_drop_on_two_threads() {
    let _check = kata_test::check(&DROP_RACE);
    model::run(|| {
        let drops = Drops::new(3);
        let (mut tx, mut rx) = ring(2);
        assert!(tx.push(drops.item(0)).is_ok(), "push into an empty ring");
        let producer = {
            let drops = std::sync::Arc::clone(&drops);
            spawn("producer", move || {
                // Item 2 is refused (the ring may be full) or left in it.
                if tx.push(drops.item(1)).is_ok() {
                    let _ = tx.push(drops.item(2));
                }
            })
        };
        let consumer = spawn("consumer", move || {
            drop(rx.pop());
        });
        kata_test::join(producer);
        kata_test::join(consumer);
        drops.assert_each_dropped_once("once both halves were dropped");
    });
}
