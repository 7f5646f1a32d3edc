//! Stage 4, model: every interleaving of small scenarios, under loom.
//!
//! The slots are `kata_sync::cell::UnsafeCell`s, which loom tracks: a read of
//! a slot that the producer's write does not happen before (or a write that
//! the consumer's last read does not happen before) is reported as a
//! causality violation, a data race, at the line of the access. No scenario
//! spins: each side calls `push` or `pop` a fixed number of times and keeps
//! what it got, and the main thread checks the outcome after joining, so
//! every interleaving is explored in a few hundred executions.
#![cfg(loom)]

mod common;

use common::Drops;
use kata_test::{Property, model, spawn};
use spsc_ring::ring;

const PUBLISH: Property = Property {
    name: "a popped slot was written before it is read: the producer's write happens before the consumer's read",
    cause: "the tail is published with a Relaxed store, or read with a Relaxed load before the slot is read: publish with Release in push, and load it with Acquire in pop before touching the slot",
    book: "spsc-publish",
};

const REUSE: Property = Property {
    name: "a slot is not overwritten while it is still being read: the consumer's read happens before the producer's next write",
    cause: "the head is stored Relaxed in pop, or loaded Relaxed in push: the producer may reuse a slot only after an Acquire load sees the consumer's Release store of the head",
    book: "spsc-publish",
};

const DROP_RACE: Property = Property {
    name: "when the halves are dropped on different threads, the items left are dropped once, after both threads are done",
    cause: "the ring is freed by a half that does not know the other is gone: share it through an Arc, whose last drop runs Drop once, ordered after both halves' accesses",
    book: "spsc-drop",
};

#[test]
fn a_popped_item_was_written_before_it_is_read() {
    let _check = kata_test::check(&PUBLISH);
    model::run(|| {
        let (mut tx, mut rx) = ring::<u32>(2);
        let producer = spawn("producer", move || {
            assert_eq!(tx.push(1), Ok(()), "push into an empty ring of 2");
            assert_eq!(tx.push(2), Ok(()), "push into a ring of 2 holding 1");
        });
        let first = rx.pop();
        let second = rx.pop();
        kata_test::join(producer);
        let got: Vec<u32> = [first, second, rx.pop(), rx.pop()]
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(
            got,
            [1, 2],
            "the items came out wrong ({first:?} and {second:?} while the producer ran)"
        );
        assert_eq!(rx.pop(), None, "pop after both items came out");
    });
}

#[test]
fn a_slot_is_not_overwritten_while_being_read() {
    let _check = kata_test::check(&REUSE);
    model::run(|| {
        // Capacity 1: the second push reuses the slot the consumer reads.
        let (mut tx, mut rx) = ring::<u32>(1);
        assert_eq!(tx.push(1), Ok(()), "push into an empty ring");
        let consumer = spawn("consumer", move || {
            let got = rx.pop();
            (rx, got)
        });
        let second = tx.push(2);
        let (mut rx, first) = kata_test::join(consumer);
        assert_eq!(first, Some(1), "the consumer's pop of the only item");
        let rest = rx.pop();
        match second {
            Ok(()) => assert_eq!(rest, Some(2), "the item pushed into the freed slot"),
            Err(2) => assert_eq!(rest, None, "pop after the only item came out"),
            Err(other) => panic!("push handed back {other}, not the item it was given"),
        }
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
