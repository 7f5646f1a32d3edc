//! mutant: cas-retries-a-stale-state
//! stage: model
//! bug: a lock-free `try_acquire` computes the next state once, and when its `compare_exchange` fails it retries with the newer pointer as the expected value but the same next state, computed from the stale snapshot it does not reload, which overwrites the other caller's grant.

use std::ptr;
use std::time::Duration;

use kata_sync::Arc;
use kata_sync::atomic::{AtomicPtr, AtomicUsize, Ordering::SeqCst};

/// A source of time. Tests drive a manual clock; production code wraps
/// `std::time::Instant`.
pub trait Clock: Send + Sync + 'static {
    /// Time since a fixed start. Never decreases.
    fn now(&self) -> Duration;
}

/// Nano-tokens in one token.
const NANO: u128 = 1_000_000_000;

/// The bucket as of one call. Never written after it is published.
struct Snapshot {
    /// Tokens held, in nano-tokens: `0..=capacity * 10⁹`.
    level: u128,
    /// `clock.now()` at that call, in nanoseconds.
    last: u128,
}

/// A replaced snapshot waiting to be freed.
struct Retired {
    snapshot: *mut Snapshot,
    next: *mut Retired,
}

/// A token bucket shared by many threads.
pub struct TokenBucket {
    capacity: u128,
    per_second: u128,
    clock: Arc<dyn Clock>,
    /// The current snapshot; replaced, never modified.
    state: AtomicPtr<Snapshot>,
    /// Callers between their first load of `state` and their last use of a
    /// snapshot.
    readers: AtomicUsize,
    /// Replaced snapshots, a Treiber stack.
    retired: AtomicPtr<Retired>,
}

impl TokenBucket {
    /// Starts full with `capacity` tokens and gains `per_second` tokens a
    /// second, continuously, never holding more than `capacity`.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` or `per_second` is 0, naming which.
    pub fn new(capacity: u64, per_second: u64, clock: Arc<dyn Clock>) -> Self {
        assert!(capacity > 0, "capacity must be at least 1, got 0");
        assert!(per_second > 0, "per_second must be at least 1, got 0");
        let capacity = u128::from(capacity) * NANO;
        let first = Snapshot {
            level: capacity,
            last: clock.now().as_nanos(),
        };
        Self {
            capacity,
            per_second: u128::from(per_second),
            clock,
            state: AtomicPtr::new(Box::into_raw(Box::new(first))),
            readers: AtomicUsize::new(0),
            retired: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// Takes `n` tokens and returns true if `n` are available now; otherwise
    /// takes none and returns false. `n = 0` is always granted; `n` above
    /// the capacity never is.
    pub fn try_acquire(&self, n: u64) -> bool {
        let need = u128::from(n) * NANO;
        if need > self.capacity {
            return false;
        }
        // Every atomic access here is SeqCst: reclamation is sound only if
        // the reader count, the swaps of `state` and the taking of the
        // retired list fall in one total order.
        self.readers.fetch_add(1, SeqCst);
        let granted = self.cas_loop(need);
        if self.readers.fetch_sub(1, SeqCst) == 1 {
            self.reclaim();
        }
        granted
    }

    fn cas_loop(&self, need: u128) -> bool {
        let mut current = self.state.load(SeqCst);
        // SAFETY: `current` was loaded while this caller is counted in
        // `readers`, so it is still allocated, and it is never written.
        let snapshot = unsafe { &*current };
        let now = self.clock.now().as_nanos();
        let gained = now
            .saturating_sub(snapshot.last)
            .saturating_mul(self.per_second);
        let level = snapshot.level.saturating_add(gained).min(self.capacity);
        if level < need {
            return false;
        }
        // The bug: the next state is computed once, from the first snapshot.
        let next = Box::into_raw(Box::new(Snapshot {
            level: level - need,
            last: snapshot.last.max(now),
        }));
        loop {
            match self.state.compare_exchange(current, next, SeqCst, SeqCst) {
                Ok(_) => {
                    self.retire(current);
                    return true;
                }
                // Retries with the pointer that won, but installs the state
                // computed from the one that lost: the winner's take is undone.
                Err(newer) => current = newer,
            }
        }
    }

    /// Puts a replaced snapshot on the retired list.
    fn retire(&self, snapshot: *mut Snapshot) {
        let node = Box::into_raw(Box::new(Retired {
            snapshot,
            next: ptr::null_mut(),
        }));
        self.push_retired(node, node);
    }

    /// Pushes the chain `first..=last` (linked through `next`) on the list.
    fn push_retired(&self, first: *mut Retired, last: *mut Retired) {
        let mut head = self.retired.load(SeqCst);
        loop {
            // SAFETY: the chain is owned by this caller until the exchange
            // below publishes it.
            unsafe { (*last).next = head };
            match self.retired.compare_exchange(head, first, SeqCst, SeqCst) {
                Ok(_) => return,
                Err(newer) => head = newer,
            }
        }
    }

    /// Called by a caller that left `readers` at zero: frees the retired
    /// snapshots if still no caller is inside.
    fn reclaim(&self) {
        let list = self.retired.swap(ptr::null_mut(), SeqCst);
        if list.is_null() {
            return;
        }
        // Every snapshot in `list` was replaced before it was pushed, and so
        // before the swap. A caller still reading one loaded it before it was
        // replaced, so it was counted then and still is: zero now means none.
        if self.readers.load(SeqCst) == 0 {
            // SAFETY: the list was taken out whole by the swap, and no caller
            // can reach its snapshots (argument above).
            unsafe { free_list(list) };
        } else {
            let mut last = list;
            // SAFETY: the list is owned by this caller since the swap.
            unsafe {
                while !(*last).next.is_null() {
                    last = (*last).next;
                }
            }
            self.push_retired(list, last);
        }
    }
}

/// Frees a retired list and its snapshots.
///
/// # Safety
///
/// The caller owns the list, and no one can reach its snapshots.
unsafe fn free_list(mut node: *mut Retired) {
    while !node.is_null() {
        // SAFETY: the caller owns every node and snapshot on the list.
        let retired = unsafe { Box::from_raw(node) };
        // SAFETY: as above.
        drop(unsafe { Box::from_raw(retired.snapshot) });
        node = retired.next;
    }
}

impl Drop for TokenBucket {
    fn drop(&mut self) {
        // `&mut self`: no caller is inside, so everything can go.
        // SAFETY: the current snapshot and the retired list are owned by the
        // bucket and reachable by no one else.
        unsafe {
            drop(Box::from_raw(self.state.load(SeqCst)));
            free_list(self.retired.load(SeqCst));
        }
    }
}

// SAFETY: the raw pointers are owned by the bucket, and every access to the
// snapshots they point to follows the protocol above.
unsafe impl Send for TokenBucket {}
// SAFETY: as above; snapshots are immutable once shared.
unsafe impl Sync for TokenBucket {}
