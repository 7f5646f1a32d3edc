//! # Token-bucket rate limiter, shared by many threads
//!
//! A token bucket holds at most `capacity` tokens. It starts full and gains
//! `per_second` tokens a second, continuously; a caller that wants to do
//! `n` units of work takes `n` tokens, or is refused:
//!
//! - `try_acquire(n)` takes `n` tokens and returns `true` if at least `n`
//!   are available now; otherwise it takes none and returns `false`.
//!
//! The time comes from a [`Clock`] passed in, never from the system, so that
//! tests can drive it. Many threads share one bucket by reference: every
//! call must behave as if the calls ran one at a time (no two callers may
//! both get the last token), and the refill must be exact.
//!
//! ## Exactly what "continuously" means
//!
//! Count in nano-tokens (10⁻⁹ of a token) and nanoseconds. Let `level` be
//! the nano-tokens held after the previous call, at clock time `last` (the
//! reading taken by `new` for the first call). A call at clock time `now`
//! first refills:
//!
//! ```text
//! level = min(capacity × 10⁹, level + per_second × (now − last))
//! ```
//!
//! then grants if `n × 10⁹ <= level`, subtracting it. This is exact integer
//! arithmetic: nothing is rounded, so fractions of a token accumulate across
//! calls (a bucket that gains one token every 3 ns has a third of a token
//! after 1 ns, and the hidden suite checks you keep it). Because the level
//! is capped, it does not matter how often the refill is applied, only that
//! each stretch of time is applied once.
//!
//! Edge cases, decided:
//! - `n = 0` is always granted, and changes nothing.
//! - `n > capacity` is never granted, and changes nothing.
//! - Any `per_second` up to `u64::MAX`, and any clock reading up to
//!   `Duration::MAX`, must work: nothing may overflow or panic. (Every value
//!   above fits in a `u128`, except the product per_second × elapsed, which
//!   is only ever compared with the capacity.)
//! - `new` panics if `capacity` or `per_second` is 0, with a message that
//!   names which.
//!
//! Take every synchronisation primitive from `kata_sync`.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check rate-limiter`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

use std::time::Duration;

use kata_sync::Arc;

/// A source of time. Tests drive a manual clock; production code wraps
/// `std::time::Instant`.
pub trait Clock: Send + Sync + 'static {
    /// Time since a fixed start. Never decreases.
    fn now(&self) -> Duration;
}

/// A token bucket shared by many threads.
pub struct TokenBucket {
    // TODO: replace this with the bucket's state and what protects it.
    clock: Arc<dyn Clock>,
}

impl TokenBucket {
    /// Starts full with `capacity` tokens and gains `per_second` tokens a
    /// second, continuously (no rounding that loses fractions), never
    /// holding more than `capacity`.
    ///
    /// # Panics
    ///
    /// Panics, naming the value, if `capacity` or `per_second` is 0.
    pub fn new(capacity: u64, per_second: u64, clock: Arc<dyn Clock>) -> Self {
        // TODO
        todo!()
    }

    /// Takes `n` tokens and returns true if `n` are available now; otherwise
    /// takes none and returns false.
    pub fn try_acquire(&self, n: u64) -> bool {
        // TODO
        todo!()
    }
}
