//! # Token-bucket rate limiter: reference solution
//!
//! The bucket's whole state is two numbers, the tokens it held at the last
//! call and when that was, and every call reads both, refills, decides and
//! writes both. That read-modify-write must be one atomic step, so the state
//! sits behind one `Mutex` and each call does all of it in one critical
//! section, clock read included:
//!
//! - Check and take in two critical sections, and two callers can both see
//!   the last token.
//! - Read the clock before taking the lock, and a caller that waited for the
//!   lock applies an old reading after a newer one was already applied: the
//!   time between them is counted twice.
//!
//! Exactness. Tokens are counted in nano-tokens (10⁻⁹ of a token) and time
//! in nanoseconds, so `per_second` tokens a second is exactly `per_second`
//! nano-tokens a nanosecond: a refill is an integer product, and nothing is
//! ever rounded away. `u128` holds every value (capacity × 10⁹ < 2⁹⁴, a
//! `Duration` in nanoseconds < 2⁹⁵); the one product that can exceed it,
//! elapsed × rate, saturates, which is harmless because anything that large
//! is capped at the capacity anyway.
//!
//! A CAS-loop answer exists too (the book's chapter shows it): the state
//! does not fit in 64 bits, so it swaps a pointer to an immutable snapshot,
//! and must then solve memory reclamation. The lock is simpler and, with one
//! short critical section per call, no slower in practice.

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

// ANCHOR: state
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
// ANCHOR_END: state

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

    // ANCHOR: try_acquire
    /// Takes `n` tokens and returns true if `n` are available now; otherwise
    /// takes none and returns false. `n = 0` is always granted; `n` above
    /// the capacity never is.
    pub fn try_acquire(&self, n: u64) -> bool {
        let need = u128::from(n) * NANO;
        if need > self.capacity {
            return false;
        }
        let mut bucket = self.bucket.lock();
        // Read under the lock: the readings applied are then in clock order,
        // and each stretch of time is credited exactly once.
        let now = self.clock.now().as_nanos();
        let elapsed = now.saturating_sub(bucket.last);
        let gained = elapsed.saturating_mul(self.per_second);
        bucket.level = bucket.level.saturating_add(gained).min(self.capacity);
        bucket.last = bucket.last.max(now);
        if need <= bucket.level {
            bucket.level -= need;
            true
        } else {
            false
        }
    }
    // ANCHOR_END: try_acquire
}
