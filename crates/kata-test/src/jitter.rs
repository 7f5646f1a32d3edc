//! Perturbation for the stress stage: vary thread start order and stretch
//! callbacks, so that an answer ordered by timing rather than by
//! synchronisation shows itself. Seeded, so a failing run can be repeated.

use std::time::{Duration, Instant};

/// A small xorshift generator; good enough to shuffle and to pick delays.
#[derive(Clone, Debug)]
pub struct Jitter(u64);

impl Jitter {
    /// A generator from `seed` (0 is replaced, xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Jitter(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Shuffles `items` (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    // ANCHOR: stall
    /// Keeps this thread busy for up to `max`, yielding as it goes: a
    /// callback that takes a while, as a real one might. It is not a way of
    /// waiting for anything, so it is not a sleep.
    pub fn stall(&mut self, max: Duration) {
        let micros = self.below(max.as_micros().max(1) as u64);
        let until = Instant::now() + Duration::from_micros(micros);
        while Instant::now() < until {
            std::thread::yield_now();
        }
    }
    // ANCHOR_END: stall
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_seeded() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        Jitter::new(7).shuffle(&mut a);
        Jitter::new(7).shuffle(&mut b);
        assert_eq!(a, b, "the same seed gives the same order");
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(
            a,
            (0..20).collect::<Vec<_>>(),
            "seed 7 should move something"
        );
    }
}
