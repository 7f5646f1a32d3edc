//! mutant: relaxed-flag
//! stage: facade
//! unscanned: model
//! bug: a lock-free fast path reads a key's `done` flag with `Relaxed` and then the stored value, which was written before a `Relaxed` store of the flag: nothing orders the value's write before the read, so a later caller can read a value that is not there yet. It needs `unsafe` (an `unsafe impl Sync` for the unguarded value), which this kata does not allow, so the facade stage refuses it; with that scan skipped, loom reports the data race.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::atomic::{AtomicBool, Ordering};
use kata_sync::cell::UnsafeCell;
use kata_sync::{Arc, Condvar, Mutex};

enum State {
    Free,
    Running,
    Done,
}

struct Slot<V> {
    state: Mutex<State>,
    ended: Condvar,
    /// Set once `value` is written; lets later callers skip the lock.
    done: AtomicBool,
    value: UnsafeCell<Option<V>>,
}

// SAFETY: (the bug) `value` is meant to be written once, before `done` is
// set, and read only after `done` is seen set.
unsafe impl<V: Send + Sync> Sync for Slot<V> {}

/// Runs each key's work once and remembers its result.
pub struct IdempotencyStore<K, V> {
    table: Mutex<HashMap<K, Arc<Slot<V>>>>,
}

struct Claim<'a, V> {
    slot: &'a Slot<V>,
}

impl<V> Claim<'_, V> {
    fn finish(self, value: V) {
        // SAFETY: only the claim holder writes, once.
        self.slot.value.with_mut(|p| unsafe { *p = Some(value) });
        // The bug: Relaxed publishes nothing.
        self.slot.done.store(true, Ordering::Relaxed);
        *self.slot.state.lock() = State::Done;
        self.slot.ended.notify_all();
        std::mem::forget(self);
    }
}

impl<V> Drop for Claim<'_, V> {
    fn drop(&mut self) {
        *self.slot.state.lock() = State::Free;
        self.slot.ended.notify_all();
    }
}

impl<K: Eq + Hash + Clone, V: Clone> IdempotencyStore<K, V> {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self {
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `f` at most once per key, with a lock-free path for keys done.
    pub fn execute(&self, key: K, f: impl FnOnce() -> V) -> V {
        let slot = Arc::clone(self.table.lock().entry(key).or_insert_with(|| {
            Arc::new(Slot {
                state: Mutex::new(State::Free),
                ended: Condvar::new(),
                done: AtomicBool::new(false),
                value: UnsafeCell::new(None),
            })
        }));
        // The bug: Relaxed, so the value's write need not be visible yet.
        if slot.done.load(Ordering::Relaxed) {
            // SAFETY: (the bug) assumes the flag orders the write before this.
            return slot
                .value
                .with(|p| unsafe { (*p).clone() })
                .expect("done, so the value is there");
        }
        let mut state = slot.state.lock();
        loop {
            match &*state {
                State::Done => {
                    // SAFETY: written before `Done` was set under this lock.
                    return slot
                        .value
                        .with(|p| unsafe { (*p).clone() })
                        .expect("done, so the value is there");
                }
                State::Running => slot.ended.wait(&mut state),
                State::Free => break,
            }
        }
        *state = State::Running;
        drop(state);
        let claim = Claim { slot: &slot };
        let value = f();
        claim.finish(value.clone());
        value
    }
}
