//! alternative: cached-indices
//! why: each half keeps its own position in a plain field and a cached copy of the other side's, and reloads the other side's atomic (Acquire) only when the cached copy says full or empty. In the common case push and pop touch no cache line the other thread writes, which is what rtrb and the Linux kernel's kfifo users do; the orderings are the same pairs as the reference's.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use kata_sync::Arc;
use kata_sync::atomic::{AtomicUsize, Ordering};
use kata_sync::cell::UnsafeCell;

/// The ring both halves point to.
struct Shared<T> {
    /// `capacity` slots. Slot `i % capacity` holds the item with position
    /// `i` while `head <= i < tail`, and is uninitialised otherwise.
    slots: Box<[UnsafeCell<MaybeUninit<T>>]>,
    /// The position of the next item to pop. Written only by the consumer.
    /// Positions count up forever (they wrap only after 2^64 items), so
    /// `tail - head` is the number of items and empty and full differ.
    head: AtomicUsize,
    /// The position the next push writes to. Written only by the producer.
    tail: AtomicUsize,
}

// SAFETY: the slots are reached only by the one producer (slots in
// `tail..head + capacity`) and the one consumer (slots in `head..tail`), and
// the Release/Acquire pairs on `head` and `tail` order every hand-over of a
// slot between them. Items move between threads, hence `T: Send`.
unsafe impl<T: Send> Sync for Shared<T> {}
// SAFETY: as above; the ring owns its items, which may be dropped by either
// thread.
unsafe impl<T: Send> Send for Shared<T> {}

impl<T> Shared<T> {
    fn slot(&self, position: usize) -> &UnsafeCell<MaybeUninit<T>> {
        &self.slots[position % self.slots.len()]
    }
}

/// The sending half of a ring made by [`ring`]: `Send`, neither `Clone` nor
/// `Sync`, so exactly one thread pushes at a time.
pub struct Producer<T> {
    shared: Arc<Shared<T>>,
    /// Our own copy of `shared.tail`: only we write it.
    tail: usize,
    /// The consumer's `head` as we last loaded it. The real head can only be
    /// further on, so a ring that is not full by this copy is not full.
    cached_head: usize,
    /// Not `Sync`: `&Producer` shared between threads is no use (`push`
    /// takes `&mut self`), and keeping it out of reach keeps the "single"
    /// in single-producer obvious.
    _not_sync: PhantomData<Cell<()>>,
}

/// The receiving half of a ring made by [`ring`]: `Send`, neither `Clone` nor
/// `Sync`, so exactly one thread pops at a time.
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    /// Our own copy of `shared.head`: only we write it.
    head: usize,
    /// The producer's `tail` as we last loaded it; the real one can only be
    /// further on.
    cached_tail: usize,
    _not_sync: PhantomData<Cell<()>>,
}

/// Creates a ring that holds up to `capacity` items, and returns its two
/// halves.
///
/// # Panics
///
/// Panics if `capacity` is 0, with a message that names the capacity.
pub fn ring<T: Send>(capacity: usize) -> (Producer<T>, Consumer<T>) {
    // A ring with no slots could never accept an item.
    assert!(
        capacity > 0,
        "ring capacity must be at least 1, got {capacity}"
    );
    let slots = (0..capacity)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let shared = Arc::new(Shared {
        slots,
        head: AtomicUsize::new(0),
        tail: AtomicUsize::new(0),
    });
    (
        Producer {
            shared: Arc::clone(&shared),
            tail: 0,
            cached_head: 0,
            _not_sync: PhantomData,
        },
        Consumer {
            shared,
            head: 0,
            cached_tail: 0,
            _not_sync: PhantomData,
        },
    )
}

impl<T> Producer<T> {
    /// Adds `item` at the back of the ring, or hands it back in `Err` if the
    /// ring is full.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        let shared = &*self.shared;
        let capacity = shared.slots.len();
        if self.tail.wrapping_sub(self.cached_head) == capacity {
            // Acquire: pairs with the Release store of `head` in `pop`, so
            // the consumer's read of the slot we may reuse is finished.
            self.cached_head = shared.head.load(Ordering::Acquire);
            if self.tail.wrapping_sub(self.cached_head) == capacity {
                return Err(item);
            }
        }
        // SAFETY: position `tail` is outside `head..tail`, so the consumer
        // does not touch this slot until we publish it, and an Acquire load
        // of `head` (now or earlier) ordered its last read of the slot
        // before this write.
        shared
            .slot(self.tail)
            .with_mut(|slot| unsafe { (*slot).write(item) });
        self.tail = self.tail.wrapping_add(1);
        // Release: publishes the slot write to the Acquire load of `tail` in
        // `pop`.
        shared.tail.store(self.tail, Ordering::Release);
        Ok(())
    }
}

impl<T> Consumer<T> {
    /// Removes and returns the item at the front of the ring, or `None` if
    /// the ring is empty.
    pub fn pop(&mut self) -> Option<T> {
        let shared = &*self.shared;
        if self.head == self.cached_tail {
            // Acquire: pairs with the Release store of `tail` in `push`, so
            // the producer's writes of the slots up to it happen before our
            // reads.
            self.cached_tail = shared.tail.load(Ordering::Acquire);
            if self.head == self.cached_tail {
                return None;
            }
        }
        // SAFETY: `head < cached_tail <= tail`, so the slot holds an item
        // whose write the Acquire load made visible, and the producer will
        // not write it again until we move `head` past it.
        let item = shared
            .slot(self.head)
            .with(|slot| unsafe { (*slot).assume_init_read() });
        self.head = self.head.wrapping_add(1);
        // Release: pairs with the Acquire load of `head` in `push`: our read
        // of the slot happens before the producer overwrites it.
        shared.head.store(self.head, Ordering::Release);
        Some(item)
    }
}

impl<T> Drop for Shared<T> {
    /// Drops the items still in the ring. Runs once, when the second half is
    /// dropped; the `Arc`'s count hand-over orders both halves' last accesses
    /// before this.
    fn drop(&mut self) {
        // `&mut self`: no other thread can touch the counters now.
        let head = self.head.load(Ordering::Relaxed);
        let tail = self.tail.load(Ordering::Relaxed);
        let mut position = head;
        while position != tail {
            // SAFETY: positions in `head..tail` hold initialised items that
            // nobody has popped, and each is dropped exactly once here.
            self.slot(position)
                .with_mut(|slot| unsafe { (*slot).assume_init_drop() });
            position = position.wrapping_add(1);
        }
    }
}
