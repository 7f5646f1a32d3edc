//! mutant: check-then-take-in-two-locks
//! stage: model
//! bug: `try_acquire` refills and checks for `n` tokens in one critical section, then takes them in a second one, so two callers can both see the last token and both take it.

use std::time::Duration;

use kata_sync::{Arc, Mutex};

/// A source of time. Tests drive a manual clock; production code wraps
/// `std::time::Instant`.
pub trait Clock: Send + Sync + 'static {
    /// Time since a fixed start. Never decreases.
    fn now(&self) -> Duration;
}

/// Nano-tokens in one token.
const NANO: u128 = 1_000_000_000;

/// The bucket as of its last call.
struct Bucket {
    /// Tokens held, in nano-tokens: `0..=capacity * 10⁹`.
    level: u128,
    /// `clock.now()` at the last call, in nanoseconds.
    last: u128,
}

/// A token bucket shared by many threads.
pub struct TokenBucket {
    /// In nano-tokens.
    capacity: u128,
    /// Tokens a second, which is nano-tokens a nanosecond.
    per_second: u128,
    clock: Arc<dyn Clock>,
    bucket: Mutex<Bucket>,
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
        let last = clock.now().as_nanos();
        Self {
            capacity,
            per_second: u128::from(per_second),
            clock,
            bucket: Mutex::new(Bucket {
                level: capacity,
                last,
            }),
        }
    }

    /// Takes `n` tokens and returns true if `n` are available now; otherwise
    /// takes none and returns false. `n = 0` is always granted; `n` above
    /// the capacity never is.
    // ANCHOR: try_acquire
    pub fn try_acquire(&self, n: u64) -> bool {
        let need = u128::from(n) * NANO;
        if need > self.capacity {
            return false;
        }
        let enough = {
            let mut bucket = self.bucket.lock();
            let now = self.clock.now().as_nanos();
            let elapsed = now.saturating_sub(bucket.last);
            let gained = elapsed.saturating_mul(self.per_second);
            bucket.level = bucket.level.saturating_add(gained).min(self.capacity);
            bucket.last = bucket.last.max(now);
            need <= bucket.level
        };
        if enough {
            let mut bucket = self.bucket.lock();
            bucket.level = bucket.level.saturating_sub(need);
        }
        enough
    }
    // ANCHOR_END: try_acquire
}
