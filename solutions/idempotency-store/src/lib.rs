//! # Idempotency store: reference solution
//!
//! Exactly once needs a *claim*: the caller that finds a key free marks it
//! running in the same critical section in which it looked, so no second
//! caller can also find it free. Everything else follows from where that
//! claim lives and who waits on it:
//!
//! - The **table** (`Mutex<HashMap<K, Arc<Slot>>>`) only finds or creates a
//!   key's slot. It is held for a lookup, never while `f` runs and never
//!   while a caller waits, so keys never wait for each other's work, and a
//!   key seen for the first time costs one short lock.
//! - Each **slot** is a small state machine behind its own `Mutex`, `Free`,
//!   `Running` or `Done(value)`, with its own `Condvar` for the callers
//!   waiting on that key alone. The slot's lock is let go while `f` runs:
//!   the claim is the `Running` state, not the lock, so waiters can queue.
//! - The run ends in one of two ways, and both wake **every** waiter with
//!   `notify_all`: after `Done`, because each of them must return the value;
//!   after a panic, because the key is `Free` again and one of them must
//!   claim it (the first to get the lock does; the rest see `Running` and
//!   wait again). A guard's `Drop` does the panic case, so it also runs
//!   while the panic unwinds out of `f` to its caller.
//!
//! Why not one `Condvar` for the whole store? It works (see
//! `alternatives/one_condvar.rs`), but every finished run wakes the waiters
//! of every key. Why not keep the slot locked while `f` runs, so waiters
//! just block on the lock? Then a panic in `f` would leave them to take the
//! lock with nothing stored and no way to tell a retry from a result, and a
//! `Mutex` gives no way to wake them all.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::{Arc, Condvar, Mutex};

// ANCHOR: slot
/// One key's run.
enum State<V> {
    /// No run has finished, and none is under way: the next caller claims it.
    Free,
    /// A caller is inside `f`; others wait on the slot's condvar.
    Running,
    /// `f` returned this; every later caller gets a clone.
    Done(V),
}

struct Slot<V> {
    state: Mutex<State<V>>,
    /// Notified (all waiters) when the run ends, returned or panicked.
    ended: Condvar,
}

/// Runs each key's work once and remembers its result.
pub struct IdempotencyStore<K, V> {
    table: Mutex<HashMap<K, Arc<Slot<V>>>>,
}
// ANCHOR_END: slot

// ANCHOR: claim
/// The claim on a key while its `f` runs. Dropped without [`Claim::finish`]
/// (that is, while `f`'s panic unwinds), it frees the key and wakes the
/// waiters, so one of them runs its own `f`.
struct Claim<'a, V> {
    slot: &'a Slot<V>,
}

impl<V> Claim<'_, V> {
    fn finish(self, value: V) {
        *self.slot.state.lock() = State::Done(value);
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
// ANCHOR_END: claim

impl<K: Eq + Hash + Clone, V: Clone> IdempotencyStore<K, V> {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self {
            table: Mutex::new(HashMap::new()),
        }
    }

    // ANCHOR: execute
    /// Runs `f` at most once per key over the store's life, and returns its
    /// result to every caller with that key: those that arrive while it runs
    /// wait for it, and later ones get the stored result at once. Callers
    /// with other keys never wait for it. If `f` panics, the panic reaches
    /// its own caller, nothing is stored, and the key is free again: one
    /// waiting (or later) caller runs its own `f`.
    pub fn execute(&self, key: K, f: impl FnOnce() -> V) -> V {
        // The table lock lives only for this statement.
        let slot = Arc::clone(self.table.lock().entry(key).or_insert_with(|| {
            Arc::new(Slot {
                state: Mutex::new(State::Free),
                ended: Condvar::new(),
            })
        }));
        let mut state = slot.state.lock();
        loop {
            match &*state {
                State::Done(value) => return value.clone(),
                // A loop, not an `if`: a wakeup may be spurious, and after a
                // panic another waiter may have claimed the key first.
                State::Running => slot.ended.wait(&mut state),
                State::Free => break,
            }
        }
        // Found free and claimed under one lock: exactly one caller gets here
        // per run.
        *state = State::Running;
        drop(state);
        let claim = Claim { slot: &slot };
        let value = f();
        claim.finish(value.clone());
        value
    }
    // ANCHOR_END: execute
}
