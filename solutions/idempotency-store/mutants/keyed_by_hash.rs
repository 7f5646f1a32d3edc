//! mutant: keyed-by-hash
//! stage: functional
//! bug: the table is keyed by a 64-bit hash of the key instead of the key, so two distinct keys with equal hashes share one entry and the second one's `f` never runs. Random keys never collide in 64 bits; keys built to collide do.

// The kata's API is exactly `new`; no `Default` is asked for.
#![allow(clippy::new_without_default)]

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

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
    table: Mutex<HashMap<u64, Arc<Slot<V>>>>,
    _keys: std::marker::PhantomData<K>,
}
// ANCHOR_END: slot

/// The key's identity, as this mutant sees it: a 64-bit hash (SipHash with
/// fixed keys, so equal keys always agree). Two keys whose hashes are equal
/// are taken for one.
fn hash_of<K: Hash>(key: &K) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

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
            _keys: std::marker::PhantomData,
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
        let slot = Arc::clone(self.table.lock().entry(hash_of(&key)).or_insert_with(|| {
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
