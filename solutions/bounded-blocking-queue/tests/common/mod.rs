//! What the bounded-blocking-queue stages share: the sequential FIFO model
//! the queue must behave like (also the linearizability spec), and helpers.

#![allow(dead_code)]

use std::collections::VecDeque;

use bounded_blocking_queue::BoundedBlockingQueue;

/// An operation on a `BoundedBlockingQueue<u32>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Enqueue(u32),
    Dequeue,
    Size,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ret {
    Done,
    Item(u32),
    Size(usize),
    /// The model's answer for an operation that cannot take effect now (an
    /// enqueue on a full queue, a dequeue on an empty one). A real call never
    /// returns it: a blocked call waits, and takes effect later, when it can.
    /// So in a linearization a blocking call can only be placed at a point
    /// where the queue lets it through, which is exactly its semantics.
    Blocks,
}

/// The sequential specification: a FIFO queue of at most `capacity` items.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Fifo {
    pub capacity: usize,
    pub items: VecDeque<u32>,
}

impl Fifo {
    pub fn new(capacity: usize) -> Self {
        Fifo {
            capacity,
            items: VecDeque::new(),
        }
    }
}

impl lincheck::Model for Fifo {
    type Op = Op;
    type Ret = Ret;

    fn step(&mut self, op: &Op) -> Ret {
        match *op {
            Op::Enqueue(_) if self.items.len() == self.capacity => Ret::Blocks,
            Op::Enqueue(x) => {
                self.items.push_back(x);
                Ret::Done
            }
            Op::Dequeue => self.items.pop_front().map_or(Ret::Blocks, Ret::Item),
            Op::Size => Ret::Size(self.items.len()),
        }
    }
}

/// Performs `op` on the queue under test (it may block).
pub fn apply(q: &BoundedBlockingQueue<u32>, op: &Op) -> Ret {
    match *op {
        Op::Enqueue(x) => {
            q.enqueue(x);
            Ret::Done
        }
        Op::Dequeue => Ret::Item(q.dequeue()),
        Op::Size => Ret::Size(q.size()),
    }
}
