//! Stage 4 of 7, functional: what the ring does, on one thread, where every
//! answer is known. Also run under Miri, which finds what loom does not
//! model (a read of an uninitialised slot, a use after free), so the sizes
//! shrink there.

mod common;

use std::collections::VecDeque;

use common::Drops;
use kata_test::{Property, expect_panic};
use rstest::rstest;
use spsc_ring::ring;

/// Operations in each differential run.
const DIFFERENTIAL_OPS: usize = if cfg!(miri) { 300 } else { 100_000 };

const FULL_AND_EMPTY: Property = Property {
    name: "push fails exactly when the ring is full, and pop returns None exactly when it is empty",
    cause: "an off-by-one in the full or empty test: with positions that count up forever, the ring holds `tail - head` items; it is full when that equals the capacity and empty when it is 0",
    book: "spsc-full-and-empty",
};

const DIFFERENTIAL: Property = Property {
    name: "a random sequence of pushes and pops gives the same results as a VecDeque with the same capacity",
    cause: "the ring loses its place when the positions wrap around the end of the slots, or the full or empty test is off by one",
    book: "spsc-full-and-empty",
};

const DROPS: Property = Property {
    name: "every item is dropped exactly once: by whoever popped it, or by the ring when both halves are gone",
    cause: "the items still in the ring are leaked (a MaybeUninit slot never drops what it holds: drop positions head..tail in Drop), or dropped twice (an item was read out of its slot and the slot dropped too)",
    book: "spsc-drop",
};

const ZERO_CAPACITY: Property = Property {
    name: "ring(0) panics with a message that names the capacity",
    cause: "a ring with no slots can never accept an item: assert that capacity > 0 and put the value in the message",
    book: "api",
};

#[rstest]
fn push_fails_exactly_when_full_and_pop_exactly_when_empty(
    #[values(1, 2, 3, 4, 5, 6, 7, 8, 1000)] capacity: usize,
) {
    let _check = kata_test::check(&FULL_AND_EMPTY);
    let (mut tx, mut rx) = ring::<usize>(capacity);
    assert_eq!(rx.pop(), None, "pop on a new ring (capacity {capacity})");
    let mut next_in = 0;
    let mut next_out = 0;
    // Fill and drain, partly and wholly, so the positions wrap around the
    // slots several times at every offset.
    let rounds = if cfg!(miri) {
        4
    } else {
        3 * capacity.min(8) + 2
    };
    for round in 0..rounds {
        let fill = if round % 2 == 0 {
            capacity
        } else {
            round % capacity + 1
        };
        for k in 0..fill {
            assert_eq!(
                tx.push(next_in),
                Ok(()),
                "push of item {next_in} failed with {k} items in a ring of capacity {capacity}"
            );
            next_in += 1;
        }
        if fill == capacity {
            assert_eq!(
                tx.push(usize::MAX),
                Err(usize::MAX),
                "push on a full ring (capacity {capacity}) must fail and hand the item back"
            );
        }
        for k in 0..fill {
            assert_eq!(
                rx.pop(),
                Some(next_out),
                "pop with {} items in the ring (capacity {capacity}) returned the wrong item",
                fill - k
            );
            next_out += 1;
        }
        assert_eq!(
            rx.pop(),
            None,
            "pop on an emptied ring (capacity {capacity}, after {next_out} items)"
        );
    }
}

/// A small deterministic generator (xorshift64*), so a failure names a seed
/// that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[rstest]
fn random_pushes_and_pops_match_a_vecdeque(
    #[values(1, 2, 3, 4, 5, 6, 7, 8, 64, 1_000)] capacity: usize,
    #[values(0x5eed, 0xfeed_beef)] seed: u64,
) {
    let _check = kata_test::check(&DIFFERENTIAL);
    let (mut tx, mut rx) = ring::<u64>(capacity);
    let mut model = VecDeque::with_capacity(capacity);
    let mut rng = Rng(seed);
    let mut history = VecDeque::new();
    for step in 0..DIFFERENTIAL_OPS {
        let r = rng.next();
        // Lean towards pushes for a while, then towards pops, so the ring
        // spends time both full and empty.
        let push_bias = if (step / (4 * capacity + 3)).is_multiple_of(2) {
            3
        } else {
            1
        };
        if r % 4 < push_bias {
            let item = r >> 8;
            let expected = if model.len() == capacity {
                Err(item)
            } else {
                model.push_back(item);
                Ok(())
            };
            let got = tx.push(item);
            history.push_back(format!("push({item}) -> {got:?}"));
            assert_eq!(
                got,
                expected,
                "step {step} (seed {seed:#x}, capacity {capacity}, {} items in the ring): push returned {got:?}, expected {expected:?}; last operations:\n  {}",
                model.len(),
                Vec::from(history.clone()).join("\n  ")
            );
        } else {
            let expected = model.pop_front();
            let got = rx.pop();
            history.push_back(format!("pop() -> {got:?}"));
            assert_eq!(
                got,
                expected,
                "step {step} (seed {seed:#x}, capacity {capacity}): pop returned {got:?}, expected {expected:?}; last operations:\n  {}",
                Vec::from(history.clone()).join("\n  ")
            );
        }
        if history.len() > 8 {
            history.pop_front();
        }
    }
}

#[rstest]
#[case::producer_dropped_first(true)]
#[case::consumer_dropped_first(false)]
fn items_left_in_the_ring_are_dropped_exactly_once(#[case] producer_first: bool) {
    let _check = kata_test::check(&DROPS);
    let capacity = 4;
    // Items 0..6 go in (4 fit, then 2 more after 2 pops); 0 and 1 are popped
    // and dropped by the test; 2..6 are left for the ring to drop.
    let drops = Drops::new(7);
    let (mut tx, mut rx) = ring(capacity);
    for id in 0..capacity {
        assert!(
            tx.push(drops.item(id)).is_ok(),
            "push into a ring with room"
        );
    }
    let refused = tx
        .push(drops.item(6))
        .expect_err("push on a full ring must fail");
    assert_eq!(
        drops.of(6),
        0,
        "push dropped the item it refused instead of handing it back"
    );
    drop(refused);
    for id in 0..2 {
        let item = rx.pop().expect("pop from a ring with items");
        assert_eq!(item.id, id, "pop returned the wrong item");
        assert_eq!(
            drops.of(id),
            0,
            "item {id} was dropped before pop returned it"
        );
    }
    for id in capacity..capacity + 2 {
        assert!(
            tx.push(drops.item(id)).is_ok(),
            "push after two pops made room"
        );
    }
    for id in 0..7 {
        let expected = usize::from(id < 2 || id == 6);
        assert_eq!(
            drops.of(id),
            expected,
            "item {id} was dropped {} times while the ring still holds it or the test does",
            drops.of(id)
        );
    }
    if producer_first {
        drop(tx);
        assert_eq!(
            drops.of(2),
            0,
            "items were dropped while the consumer could still pop them"
        );
        drop(rx);
    } else {
        drop(rx);
        drop(tx);
    }
    drops.assert_each_dropped_once("once both halves were dropped");
}

#[test]
fn a_full_ring_dropped_drops_every_item_once() {
    let _check = kata_test::check(&DROPS);
    let drops = Drops::new(3);
    let (mut tx, rx) = ring(3);
    for id in 0..3 {
        assert!(
            tx.push(drops.item(id)).is_ok(),
            "push into a ring with room"
        );
    }
    drop((tx, rx));
    drops.assert_each_dropped_once("after a full ring was dropped");
}

#[test]
fn ring_panics_on_zero_capacity_naming_it() {
    let _check = kata_test::check(&ZERO_CAPACITY);
    let message = expect_panic("ring(0)", || ring::<u32>(0));
    assert!(
        message.contains('0'),
        "ring(0) panicked, but its message does not name the capacity 0: {message:?}"
    );
}
