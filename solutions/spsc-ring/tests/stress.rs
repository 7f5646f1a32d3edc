//! Stage 5 of 7, stress: one producer and one consumer on real threads, moving
//! millions of items through rings of several sizes.
//!
//! Each item carries its sequence number twice (once inverted), so a slot
//! read before the producer finished writing it, or after it was overwritten,
//! shows as an item out of order or torn. Neither side ever blocks: on a full
//! or empty ring it yields and tries again. The watchdog turns a ring that
//! stops moving into a report.
#![cfg(not(loom))]

use std::time::Instant;

use kata_test::{Property, spawn};
use rstest::rstest;
use spsc_ring::ring;

const NOTHING_LOST: Property = Property {
    name: "on real threads, every item comes out exactly once, whole and in order",
    cause: "the slot write is not published by a Release store of the tail that the consumer's Acquire load reads, or the consumer's read is not finished (Release store of the head) before the producer reuses the slot",
    book: "spsc-publish",
};

/// Items per progress report to the watchdog: often enough that a ring of
/// capacity 1 on a loaded machine (a thread switch per item) still reports
/// well within the stall limit.
const PROGRESS_EVERY: u64 = 1 << 10;
/// Items per line in the event log that a stall report shows.
const EVENT_EVERY: u64 = 1 << 16;

type Item = (u64, u64);

fn item(seq: u64) -> Item {
    (seq, !seq)
}

#[rstest]
#[case::capacity_1(1, 200_000)]
#[case::capacity_3(3, 1_000_000)]
#[case::capacity_1024(1024, 3_000_000)]
fn every_item_comes_out_once_in_order(#[case] capacity: usize, #[case] items: u64) {
    let check = kata_test::check(&NOTHING_LOST);
    let (mut tx, mut rx) = ring::<Item>(capacity);
    let started = Instant::now();

    let producer = {
        let log = std::sync::Arc::clone(check.log());
        spawn("producer", move || {
            let w = log.worker("producer");
            let mut full = 0_u64;
            for seq in 0..items {
                let mut next = item(seq);
                loop {
                    match tx.push(next) {
                        Ok(()) => break,
                        Err(back) => {
                            assert_eq!(
                                back, next,
                                "push on a full ring handed back a different item"
                            );
                            next = back;
                            full += 1;
                            std::thread::yield_now();
                        }
                    }
                }
                if seq % PROGRESS_EVERY == 0 {
                    kata_test::progress();
                }
                if seq % EVENT_EVERY == 0 {
                    w.event(format_args!("pushed item {seq}"));
                }
            }
            full
        })
    };

    let consumer = {
        let log = std::sync::Arc::clone(check.log());
        spawn("consumer", move || {
            let w = log.worker("consumer");
            let mut empty = 0_u64;
            for seq in 0..items {
                let got = loop {
                    match rx.pop() {
                        Some(got) => break got,
                        None => {
                            empty += 1;
                            std::thread::yield_now();
                        }
                    }
                };
                assert!(
                    got == item(seq),
                    "item {seq} came out as {got:?} (capacity {capacity}): {}",
                    if got.0 != !got.1 {
                        "torn: the slot was read while being written, or before the write was visible"
                    } else if got.0 < seq {
                        "an old item: the slot was read before the producer's write of it was visible, or an item came out twice"
                    } else {
                        "an item was skipped or overwritten before it was read"
                    }
                );
                if seq % PROGRESS_EVERY == 0 {
                    kata_test::progress();
                }
                if seq % EVENT_EVERY == 0 {
                    w.event(format_args!("popped item {seq}"));
                }
            }
            assert_eq!(rx.pop(), None, "pop after every item came out");
            empty
        })
    };

    let full = kata_test::join(producer);
    let empty = kata_test::join(consumer);
    kata_test::note("ring_full_retries", full);
    kata_test::note("ring_empty_retries", empty);
    kata_test::note("stress_millis", started.elapsed().as_millis() as u64);
}
