//! Stage 4 of 6, functional: what the queue does, one scenario at a time.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use bounded_blocking_queue::BoundedBlockingQueue;
use kata_test::{Property, expect_panic, spawn, wait};
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
    name: "new(0) panics with a message that names the capacity",
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
        message.contains('0'),
        "new(0) panicked, but its message does not name the capacity 0: {message:?}"
    );
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
