//! mutant: uses-a-mutex
//! stage: facade
//! bug: the ring is a `kata_sync::Mutex<VecDeque<T>>`: it works, but the kata is to build the lock-free ring, and its rules refuse the ready-made `Mutex`.

use std::cell::Cell;
use std::collections::VecDeque;
use std::marker::PhantomData;

use kata_sync::{Arc, Mutex};

struct Shared<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
}

/// The sending half of a ring made by [`ring`].
pub struct Producer<T> {
    shared: Arc<Shared<T>>,
    _not_sync: PhantomData<Cell<()>>,
}

/// The receiving half of a ring made by [`ring`].
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    _not_sync: PhantomData<Cell<()>>,
}

/// Creates a ring that holds up to `capacity` items.
///
/// # Panics
///
/// Panics if `capacity` is 0, with a message that names the capacity.
pub fn ring<T: Send>(capacity: usize) -> (Producer<T>, Consumer<T>) {
    assert!(capacity > 0, "ring capacity must be at least 1, got {capacity}");
    let shared = Arc::new(Shared {
        items: Mutex::new(VecDeque::with_capacity(capacity)),
        capacity,
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
    /// Adds `item` at the back, or hands it back if the ring is full.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        let mut items = self.shared.items.lock();
        if items.len() == self.shared.capacity {
            return Err(item);
        }
        items.push_back(item);
        Ok(())
    }
}

impl<T> Consumer<T> {
    /// Removes and returns the item at the front, if any.
    pub fn pop(&mut self) -> Option<T> {
        self.shared.items.lock().pop_front()
    }
}
