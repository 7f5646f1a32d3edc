//! What the rate-limiter stages share: a clock the suite drives, the
//! sequential token bucket every history must be explained by, and the
//! operations that drive both.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rate_limiter::{Clock, TokenBucket};

/// Nano-tokens in one token.
pub const NANO: u128 = 1_000_000_000;

/// A clock that moves only when the suite says so.
///
/// Its state is std's atomic, not the facade's, on purpose: under loom it is
/// bookkeeping outside the model, like lincheck's recorder, so reading the
/// time adds no happens-before edge that could hide a missing one in the
/// bucket, and adds no interleavings to explore. Loom runs one thread at a
/// time, so the readings still follow real order: the clock never goes back.
///
/// Clones share one time: the bucket gets one, the test keeps another.
#[derive(Clone)]
pub struct ManualClock {
    start: Duration,
    /// Nanoseconds since `start`.
    offset: std::sync::Arc<AtomicU64>,
}

impl ManualClock {
    pub fn new(start: Duration) -> Self {
        Self {
            start,
            offset: std::sync::Arc::new(AtomicU64::new(0)),
        }
    }

    /// Moves the clock `ns` nanoseconds on.
    pub fn advance(&self, ns: u64) {
        // SeqCst: every thread's readings fall in one order, matching real time.
        self.offset.fetch_add(ns, Ordering::SeqCst);
    }

    /// Nanoseconds since `start`.
    pub fn offset(&self) -> u64 {
        self.offset.load(Ordering::SeqCst)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.start
            .saturating_add(Duration::from_nanos(self.offset.load(Ordering::SeqCst)))
    }
}

/// A clone of `clock` as the `kata_sync::Arc<dyn Clock>` that `new` takes.
/// Loom's `Arc` cannot coerce to a trait object by itself, so it is made
/// from a (unique) std one.
pub fn shared(clock: &ManualClock) -> kata_sync::Arc<dyn Clock> {
    let clock: std::sync::Arc<dyn Clock> = std::sync::Arc::new(clock.clone());
    #[cfg(loom)]
    let clock = kata_sync::Arc::from_std(clock);
    clock
}

/// A bucket and the clock that drives it, with the clock at `start`.
pub fn bucket_at(
    capacity: u64,
    per_second: u64,
    start: Duration,
) -> (TokenBucket, std::sync::Arc<ManualClock>) {
    let clock = std::sync::Arc::new(ManualClock::new(start));
    (
        TokenBucket::new(capacity, per_second, shared(&clock)),
        clock,
    )
}

/// The sequential specification, in the same exact integer arithmetic as
/// the statement: nano-tokens and nanoseconds, in `u128`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Tb {
    pub capacity: u128,
    pub per_second: u128,
    pub level: u128,
    pub last: u128,
    /// The clock, in nanoseconds.
    pub now: u128,
}

impl Tb {
    pub fn new(capacity: u64, per_second: u64, now: Duration) -> Self {
        let capacity = u128::from(capacity) * NANO;
        Self {
            capacity,
            per_second: u128::from(per_second),
            level: capacity,
            last: now.as_nanos(),
            now: now.as_nanos(),
        }
    }

    pub fn try_acquire(&mut self, n: u64) -> bool {
        let need = u128::from(n) * NANO;
        let gained = (self.now - self.last).saturating_mul(self.per_second);
        self.level = self.level.saturating_add(gained).min(self.capacity);
        self.last = self.now;
        if need <= self.level {
            self.level -= need;
            true
        } else {
            false
        }
    }
}

#[derive(Clone, Debug)]
pub enum Op {
    Acquire(u64),
    /// Move the clock this many nanoseconds on.
    Advance(u64),
}

#[derive(Clone, PartialEq, Debug)]
pub enum Ret {
    Granted(bool),
    Done,
}

impl lincheck::Model for Tb {
    type Op = Op;
    type Ret = Ret;

    fn step(&mut self, op: &Op) -> Ret {
        match *op {
            Op::Acquire(n) => Ret::Granted(self.try_acquire(n)),
            Op::Advance(ns) => {
                self.now += u128::from(ns);
                Ret::Done
            }
        }
    }
}

pub fn apply(bucket: &TokenBucket, clock: &ManualClock, op: &Op) -> Ret {
    match *op {
        Op::Acquire(n) => Ret::Granted(bucket.try_acquire(n)),
        Op::Advance(ns) => {
            clock.advance(ns);
            Ret::Done
        }
    }
}
