//! mutant: lane-per-producer
//! stage: functional
//! bug: each producer thread gets its own lane (threads told apart by where their stack lies, since thread ids are outside what a kata may use) and `dequeue` serves the lanes in turn, so the queue is FIFO only per producer: an item enqueued earlier by one thread can come out after one enqueued later by another.

use std::collections::{HashMap, VecDeque};

use kata_sync::{Condvar, Mutex};

/// A first-in first-out queue holding at most `capacity` items, whose
/// `enqueue` blocks while it is full and whose `dequeue` blocks while it is
/// empty.
pub struct BoundedBlockingQueue<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    not_empty: Condvar,
    not_full: Condvar,
}

/// Which thread is calling: threads have separate stacks, so the address of
/// a local, rounded to the stack's likely size, tells them apart.
type ThreadId = usize;

fn current_thread() -> ThreadId {
    let local = 0u8;
    std::hint::black_box(&local) as *const u8 as usize >> 21
}

struct State<T> {
    /// One FIFO lane per producer thread, in order of first use.
    lanes: Vec<(ThreadId, VecDeque<T>)>,
    lane_of: HashMap<ThreadId, usize>,
    /// The lane `dequeue` looks at first: lanes are served in turn, "fair"
    /// to every producer.
    turn: usize,
    len: usize,
}

impl<T> BoundedBlockingQueue<T> {
    /// Creates an empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "BoundedBlockingQueue capacity must be at least 1, got {capacity}"
        );
        Self {
            state: Mutex::new(State {
                lanes: Vec::new(),
                lane_of: HashMap::new(),
                turn: 0,
                len: 0,
            }),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn enqueue(&self, item: T) {
        let me = current_thread();
        let mut state = self.state.lock();
        while state.len == self.capacity {
            self.not_full.wait(&mut state);
        }
        let lane = match state.lane_of.get(&me) {
            Some(&lane) => lane,
            None => {
                state.lanes.push((me, VecDeque::new()));
                let lane = state.lanes.len() - 1;
                state.lane_of.insert(me, lane);
                lane
            }
        };
        state.lanes[lane].1.push_back(item);
        state.len += 1;
        self.not_empty.notify_one();
    }

    /// Removes and returns the item at the front, blocking while the queue is
    /// empty.
    pub fn dequeue(&self) -> T {
        let mut state = self.state.lock();
        while state.len == 0 {
            self.not_empty.wait(&mut state);
        }
        let lanes = state.lanes.len();
        let item = loop {
            let turn = state.turn;
            state.turn = (turn + 1) % lanes;
            if let Some(item) = state.lanes[turn].1.pop_front() {
                break item;
            }
        };
        state.len -= 1;
        self.not_full.notify_one();
        item
    }

    /// The number of items in the queue now.
    pub fn size(&self) -> usize {
        self.state.lock().len
    }
}
