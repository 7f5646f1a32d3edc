//! Stage 4 of 6, functional: what the queue does, one scenario at a time.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use bounded_blocking_queue::BoundedBlockingQueue;
use common::{Fifo, Ret, apply};
use kata_test::jitter::Jitter;
use kata_test::{Property, expect_panic, spawn, wait};
use lincheck::Model;
use rstest::rstest;

/// How long a blocked call is given to misbehave before the test checks that
/// it has not returned. Only a wrong answer can fail because of it.
const GRACE: Duration = Duration::from_millis(300);

const FIFO: Property = Property {
    name: "items come out in the order they went in (FIFO)",
    cause: "items are taken from the wrong end: push at the back and pop from the front of a VecDeque",
    book: "fifo",
};

const SIZE: Property = Property {
    name: "size() counts the items in the queue",
    cause: "size() does not match the number of items enqueued and not yet dequeued",
    book: "fifo",
};

const ZERO_CAPACITY: Property = Property {
    name: "new(0) panics with a message that contains the word \"capacity\" and the value 0",
    cause: "a queue that can hold nothing would block every enqueue forever: assert that capacity > 0 and put the value in the message",
    book: "api",
};

const DEQUEUE_BLOCKS: Property = Property {
    name: "dequeue blocks while the queue is empty and returns the item once one arrives",
    cause: "dequeue must wait on a condition variable in a loop until an item is there, and enqueue must notify it",
    book: "while-not-if",
};

const ENQUEUE_BLOCKS: Property = Property {
    name: "enqueue blocks while the queue is full and resumes after a dequeue",
    cause: "enqueue must wait in a loop while len == capacity, and dequeue must notify the waiting producer",
    book: "while-not-if",
};

#[rstest]
#[case::capacity_1(1)]
#[case::capacity_3(3)]
#[case::capacity_16(16)]
fn items_come_out_in_fifo_order(#[case] capacity: usize) {
    let _check = kata_test::check(&FIFO);
    let q = BoundedBlockingQueue::new(capacity);
    // Fill to capacity and drain, twice, so the second round starts from a
    // queue that has wrapped around.
    for round in 0..2 {
        for i in 0..capacity {
            q.enqueue(round * 100 + i);
        }
        for i in 0..capacity {
            assert_eq!(
                q.dequeue(),
                round * 100 + i,
                "dequeue returned items out of order (round {round}, capacity {capacity})"
            );
        }
    }
}

#[rstest]
#[case::empty(3, &[], 0)]
#[case::one_item(3, &[Op::Enq], 1)]
#[case::full(3, &[Op::Enq, Op::Enq, Op::Enq], 3)]
#[case::after_dequeue(3, &[Op::Enq, Op::Enq, Op::Deq], 1)]
#[case::drained(1, &[Op::Enq, Op::Deq, Op::Enq, Op::Deq], 0)]
fn size_counts_the_items_in_the_queue(
    #[case] capacity: usize,
    #[case] ops: &[Op],
    #[case] expected: usize,
) {
    let _check = kata_test::check(&SIZE);
    let q = BoundedBlockingQueue::new(capacity);
    for op in ops {
        match op {
            Op::Enq => q.enqueue(7_u8),
            Op::Deq => {
                q.dequeue();
            }
        }
    }
    assert_eq!(
        q.size(),
        expected,
        "size() after {ops:?} with capacity {capacity}"
    );
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Enq,
    Deq,
}

#[test]
fn new_panics_on_zero_capacity_naming_it() {
    let _check = kata_test::check(&ZERO_CAPACITY);
    let message = expect_panic("BoundedBlockingQueue::new(0)", || {
        BoundedBlockingQueue::<u32>::new(0)
    });
    assert!(
        names(&message, "capacity", "0"),
        "new(0) panicked, but its message does not contain both the word \"capacity\" and the value 0: {message:?}"
    );
}

/// Whether `message` contains `word` (in any case) and `value` as a number of
/// its own (so "10" does not count as naming 0).
fn names(message: &str, word: &str, value: &str) -> bool {
    message.to_lowercase().contains(word)
        && message
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|token| token == value)
}

#[test]
fn dequeue_blocks_until_an_item_arrives() {
    let check = kata_test::check(&DEQUEUE_BLOCKS);
    let q = Arc::new(BoundedBlockingQueue::new(2));
    let (done, returned) = mpsc::channel();
    let consumer = {
        let q = Arc::clone(&q);
        let log = Arc::clone(check.log());
        spawn("consumer", move || {
            let w = log.worker("consumer");
            let call = w.call("dequeue() on an empty queue");
            let item = q.dequeue();
            call.returned(item);
            done.send(item).unwrap();
        })
    };
    wait::until_blocked("consumer", GRACE);
    assert!(
        returned.try_recv().is_err(),
        "dequeue returned while the queue was empty"
    );
    q.enqueue(42_u32);
    let item = kata_test::wait::recv(&returned).unwrap_or_else(|| {
        panic!("dequeue did not return after an item was enqueued: a missing notify?")
    });
    assert_eq!(item, 42, "dequeue returned an item that was never enqueued");
    kata_test::join(consumer);
    assert_eq!(q.size(), 0, "size() after the only item was dequeued");
}

#[rstest]
#[case::capacity_1(1)]
#[case::capacity_2(2)]
fn enqueue_blocks_while_full_and_resumes_after_a_dequeue(#[case] capacity: usize) {
    let check = kata_test::check(&ENQUEUE_BLOCKS);
    let q = Arc::new(BoundedBlockingQueue::new(capacity));
    for i in 0..capacity {
        q.enqueue(i);
    }
    let (done, returned) = mpsc::channel();
    let producer = {
        let q = Arc::clone(&q);
        let log = Arc::clone(check.log());
        spawn("producer", move || {
            let w = log.worker("producer");
            let call = w.call(format_args!("enqueue({capacity}) on a full queue"));
            q.enqueue(capacity);
            drop(call);
            done.send(()).unwrap();
        })
    };
    wait::until_blocked("producer", GRACE);
    assert!(
        returned.try_recv().is_err(),
        "enqueue returned while the queue was full (capacity {capacity})"
    );
    assert_eq!(
        q.size(),
        capacity,
        "size() of a full queue with a producer waiting"
    );
    assert_eq!(q.dequeue(), 0, "dequeue returned items out of order");
    kata_test::wait::recv(&returned).unwrap_or_else(|| {
        panic!("enqueue did not return after a dequeue made room: a missing notify?")
    });
    kata_test::join(producer);
    assert_eq!(
        q.size(),
        capacity,
        "size() after the waiting producer got in"
    );
    let rest: Vec<usize> = (0..capacity).map(|_| q.dequeue()).collect();
    assert_eq!(
        rest,
        (1..=capacity).collect::<Vec<_>>(),
        "the producer that waited should come last"
    );
}

// ---- FIFO across threads -------------------------------------------------

const FIFO_ACROSS_THREADS: Property = Property {
    name: "FIFO is one order for the whole queue: an item enqueued before another, by any thread, comes out first",
    cause: "items kept per producer (a lane per thread, served in turn) are FIFO only per producer; keep one queue",
    book: "fifo",
};

#[rstest]
#[case::two_threads_then_main(vec![vec![1, 2], vec![3]], vec![4])]
#[case::three_threads(vec![vec![1], vec![2, 3], vec![4]], vec![])]
#[case::one_thread_between_main(vec![vec![2, 3]], vec![4, 5])]
fn items_from_different_threads_come_out_in_enqueue_order(
    #[case] threads: Vec<Vec<u32>>,
    #[case] main_after: Vec<u32>,
) {
    let _check = kata_test::check(&FIFO_ACROSS_THREADS);
    let q = Arc::new(BoundedBlockingQueue::new(16));
    q.enqueue(0_u32);
    let mut expected = vec![0];
    // One thread after another: each one's enqueues all return before the
    // next thread starts, so FIFO fixes the order completely.
    for (t, items) in threads.iter().enumerate() {
        let q = Arc::clone(&q);
        let items = items.clone();
        expected.extend(&items);
        kata_test::join(spawn(format!("producer-{t}"), move || {
            for x in items {
                q.enqueue(x);
            }
        }));
    }
    for &x in &main_after {
        q.enqueue(x);
        expected.push(x);
    }
    let got: Vec<u32> = expected.iter().map(|_| q.dequeue()).collect();
    assert_eq!(
        got, expected,
        "items came out in a different order from the one their enqueues returned in (producers, one after another: {threads:?}, then the main thread: {main_after:?})"
    );
}

// ---- Large and extreme inputs -------------------------------------------

const LONG_RUN_OPS: usize = 100_000;
/// Items streamed through a queue that always holds one: more than 2^16.
const STREAM_ITEMS: u32 = 70_000;
const LONG_RUN_CAPACITY: usize = 1_000;
const PROPTEST_CASES: u32 = 96;
const MAX_SEQUENCE: usize = 600;

const LARGE: Property = Property {
    name: "enqueue, dequeue and size behave as a FIFO queue over long sequences and capacities up to 1,000",
    cause: "a counter or index that wraps (e.g. a u16 sequence number), or state that only works for small capacities",
    book: "fifo",
};

const HUGE_CAPACITY: Property = Property {
    name: "new(capacity) allocates nothing in proportion to the capacity: new(1 << 40) and new(usize::MAX) work",
    cause: "a with_capacity(capacity) in new: the capacity is a bound, not a size hint, so let the storage grow as items arrive",
    book: "fifo",
};

/// Runs `ops` on a fresh queue and model, skipping any operation that would
/// block (the model says so), and returns the first disagreement.
fn replay(capacity: usize, ops: &[common::Op]) -> Result<(), String> {
    let q = BoundedBlockingQueue::new(capacity);
    let mut model = Fifo::new(capacity);
    let mut done = 0;
    for op in ops {
        let want = model.step(op);
        if want == Ret::Blocks {
            continue;
        }
        let got = apply(&q, op);
        if got != want {
            return Err(format!(
                "operation {done} that could proceed, {op:?}, with capacity {capacity}: got {got:?}, a FIFO queue gives {want:?} (operations that would block were skipped)"
            ));
        }
        done += 1;
    }
    Ok(())
}

#[test]
fn matches_a_fifo_model_on_shrinkable_random_sequences() {
    use common::Op;
    use proptest::prelude::*;
    let _check = kata_test::check(&LARGE);
    let capacity = prop_oneof![1..=16_usize, 1..=1_000_usize];
    let sequences = capacity.prop_flat_map(|capacity| {
        let op = prop_oneof![
            6 => any::<u32>().prop_map(Op::Enqueue),
            4 => Just(Op::Dequeue),
            1 => Just(Op::Size),
        ];
        (Just(capacity), prop::collection::vec(op, 1..MAX_SEQUENCE))
    });
    kata_test::sequences::check_sequences(
        "BoundedBlockingQueue against a FIFO model, as (capacity, operations)",
        PROPTEST_CASES,
        sequences,
        |(capacity, ops)| replay(*capacity, ops),
    );
}

#[test]
fn matches_a_fifo_model_over_100_000_operations() {
    use common::Op;
    let _check = kata_test::check(&LARGE);
    for (seed, capacity) in [(1, LONG_RUN_CAPACITY)] {
        let mut rng = Jitter::new(seed);
        let q = BoundedBlockingQueue::new(capacity);
        let mut model = Fifo::new(capacity);
        let mut recent = std::collections::VecDeque::new();
        let mut i = 0;
        while i < LONG_RUN_OPS {
            if i % 1_000 == 0 {
                // Slow is not hung: a kata that takes O(n) per operation
                // still finishes, and the watchdog must not call it a deadlock.
                kata_test::progress();
            }
            // Phases that lean towards filling, then towards draining, so the
            // queue goes from empty to full and back many times.
            let filling = (i / (4 * capacity + 8)) % 2 == 0;
            let op = match rng.below(10) {
                0 => Op::Size,
                r if (r < 7) == filling => Op::Enqueue(rng.next_u64() as u32),
                _ => Op::Dequeue,
            };
            let want = model.step(&op);
            if want == Ret::Blocks {
                continue;
            }
            let got = apply(&q, &op);
            if recent.len() == 8 {
                recent.pop_front();
            }
            recent.push_back(op);
            assert_eq!(
                got,
                want,
                "operation {i} of a seeded run (seed {seed}, capacity {capacity}), {op:?}, with {} items in the queue: \
                 the queue disagrees with a FIFO model (the last few operations: {recent:?})",
                model.items.len()
            );
            i += 1;
        }
    }
    // A stream of more items than any 16-bit counter counts, through a
    // queue that is never empty, so an index or sequence number that wraps
    // puts a new item before an old one.
    let q = BoundedBlockingQueue::new(2);
    q.enqueue(0_u32);
    for x in 1..=STREAM_ITEMS {
        q.enqueue(x);
        let got = q.dequeue();
        assert_eq!(
            got,
            x - 1,
            "after {x} items had gone through a queue of capacity 2 that always held at least one, dequeue returned {got} instead of {}: a counter that wraps?",
            x - 1
        );
    }
}

#[rstest]
#[case::two_to_the_40(1 << 40)]
#[case::usize_max(usize::MAX)]
fn a_huge_capacity_allocates_nothing_up_front(#[case] capacity: usize) {
    let _check = kata_test::check(&HUGE_CAPACITY);
    let q = BoundedBlockingQueue::new(capacity);
    assert_eq!(
        q.size(),
        0,
        "size() of a new queue with capacity {capacity}"
    );
    for x in [0, 1, u32::MAX] {
        q.enqueue(x);
    }
    assert_eq!(
        q.size(),
        3,
        "size() after three enqueues with capacity {capacity}"
    );
    let got: Vec<u32> = (0..3).map(|_| q.dequeue()).collect();
    assert_eq!(
        got,
        [0, 1, u32::MAX],
        "dequeue order with capacity {capacity}"
    );
}
