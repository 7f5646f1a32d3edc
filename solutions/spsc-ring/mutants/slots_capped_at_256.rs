//! mutant: slots-capped-at-256
//! stage: functional
//! bug: the ring allocates at most 256 slots (a fixed-size buffer, as an embedded ring might have) but counts itself full only at `capacity`, so with a larger capacity a push overwrites an item that has not been popped yet. Every capacity up to 256 behaves.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use kata_sync::Arc;
use kata_sync::atomic::{AtomicUsize, Ordering};
use kata_sync::cell::UnsafeCell;

// ANCHOR: shared
/// The ring both halves point to.
struct Shared<T> {
    /// `capacity` slots. Slot `i % capacity` holds the item with position
    /// `i` while `head <= i < tail`, and is uninitialised otherwise.
    slots: Box<[UnsafeCell<MaybeUninit<T>>]>,
    /// The most items the ring reports it holds.
    capacity: usize,
    /// The position of the next item to pop. Written only by the consumer.
    /// Positions count up forever (they wrap only after 2^64 items), so
    /// `tail - head` is the number of items and empty and full differ.
    head: AtomicUsize,
    /// The position the next push writes to. Written only by the producer.
    tail: AtomicUsize,
}
// ANCHOR_END: shared

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
    /// Not `Sync`: `&Producer` shared between threads is no use (`push`
    /// takes `&mut self`), and keeping it out of reach keeps the "single"
    /// in single-producer obvious.
    _not_sync: PhantomData<Cell<()>>,
}

/// The receiving half of a ring made by [`ring`]: `Send`, neither `Clone` nor
/// `Sync`, so exactly one thread pops at a time.
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
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
    let slots = (0..capacity.min(256))
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let shared = Arc::new(Shared {
        slots,
        capacity,
        head: AtomicUsize::new(0),
        tail: AtomicUsize::new(0),
    });
    (
        Producer {
            shared: Arc::clone(&shared),
            _not_sync: PhantomData,
        },
        Consumer {
            shared,
            _not_sync: PhantomData,
        },
    )
}

impl<T> Producer<T> {
    // ANCHOR: push
    /// Adds `item` at the back of the ring, or hands it back in `Err` if the
    /// ring is full.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        let shared = &*self.shared;
        // Relaxed: only this thread writes `tail`, so it reads its own last
        // store.
        let tail = shared.tail.load(Ordering::Relaxed);
        // Acquire: pairs with the Release store of `head` in `pop`, so the
        // consumer's read of the slot we are about to reuse is finished.
        let head = shared.head.load(Ordering::Acquire);
        if tail.wrapping_sub(head) == shared.capacity {
            return Err(item);
        }
        // SAFETY: position `tail` is outside `head..tail`, so the consumer
        // does not touch this slot until we publish it below, and the Acquire
        // load of `head` ordered its last read of the slot before this write.
        shared
            .slot(tail)
            .with_mut(|slot| unsafe { (*slot).write(item) });
        // Release: publishes the slot write to the Acquire load of `tail` in
        // `pop`.
        shared.tail.store(tail.wrapping_add(1), Ordering::Release);
        Ok(())
    }
    // ANCHOR_END: push
}

impl<T> Consumer<T> {
    // ANCHOR: pop
    /// Removes and returns the item at the front of the ring, or `None` if
    /// the ring is empty.
    pub fn pop(&mut self) -> Option<T> {
        let shared = &*self.shared;
        // Relaxed: only this thread writes `head`.
        let head = shared.head.load(Ordering::Relaxed);
        // Acquire: pairs with the Release store of `tail` in `push`, so the
        // producer's write of slot `head` happens before our read of it.
        let tail = shared.tail.load(Ordering::Acquire);
        if head == tail {
            return None;
        }
        // SAFETY: `head < tail`, so the slot holds an initialised item that
        // the Acquire load above made visible, and the producer will not
        // write it again until we move `head` past it. Reading moves the item
        // out; the slot is uninitialised again once `head` moves on.
        let item = shared
            .slot(head)
            .with(|slot| unsafe { (*slot).assume_init_read() });
        // Release: pairs with the Acquire load of `head` in `push`: our read
        // of the slot happens before the producer overwrites it.
        shared.head.store(head.wrapping_add(1), Ordering::Release);
        Some(item)
    }
    // ANCHOR_END: pop
}

// ANCHOR: drop
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
// ANCHOR_END: drop
