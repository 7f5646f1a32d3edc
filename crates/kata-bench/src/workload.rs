//! The workloads. Each starts its threads, lines them up on a barrier, and
//! times only the work between the barrier and the last join: thread start-up
//! is not part of the figure.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::{Cache, Queue, TimeStore};

/// Starts `threads` workers, releases them together, and returns the time
/// until the last one finished.
fn timed(workers: Vec<Box<dyn FnOnce() + Send>>) -> Duration {
    let barrier = Arc::new(Barrier::new(workers.len() + 1));
    let handles: Vec<_> = workers
        .into_iter()
        .map(|work| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                work();
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    for h in handles {
        h.join().expect("a benchmark thread panicked");
    }
    start.elapsed()
}

/// Moves `items` items through a queue of `capacity` from `producers`
/// threads to `consumers` threads. `items` is rounded down to a multiple of
/// both counts so that every thread does an equal share.
pub fn transfer<Q: Queue>(
    capacity: usize,
    producers: usize,
    consumers: usize,
    items: u64,
) -> Duration {
    let share = producers as u64 * consumers as u64;
    let items = (items / share).max(1) * share;
    let q = Arc::new(Q::with_capacity(capacity));
    let mut workers: Vec<Box<dyn FnOnce() + Send>> = Vec::new();
    for p in 0..producers as u64 {
        let q = Arc::clone(&q);
        let n = items / producers as u64;
        workers.push(Box::new(move || {
            for i in 0..n {
                q.push(p * n + i);
            }
        }));
    }
    for _ in 0..consumers {
        let q = Arc::clone(&q);
        let n = items / consumers as u64;
        workers.push(Box::new(move || {
            let mut sum = 0_u64;
            for _ in 0..n {
                sum = sum.wrapping_add(q.pop());
            }
            std::hint::black_box(sum);
        }));
    }
    timed(workers)
}

/// A small xorshift generator, so that every implementation sees the same
/// keys in the same order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A key in `0..keys`, skewed towards small keys (a few hot keys, a long
    /// tail), as cache traffic usually is.
    fn skewed(&mut self, keys: u64) -> u64 {
        let x = self.next() % keys;
        x * x / keys
    }
}

/// `threads` threads each do `ops` cache operations on `keys` keys: a get,
/// and on a miss a put, as code that fills a cache on demand does.
pub fn cache_mixed<C: Cache>(capacity: usize, threads: usize, keys: u64, ops: u64) -> Duration {
    let cache = Arc::new(C::with_capacity(capacity));
    let workers = (0..threads as u64)
        .map(|t| {
            let cache = Arc::clone(&cache);
            Box::new(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t + 1));
                for _ in 0..ops {
                    let key = rng.skewed(keys);
                    if cache.get(key).is_none() {
                        cache.put(key, key);
                    }
                }
            }) as Box<dyn FnOnce() + Send>
        })
        .collect();
    timed(workers)
}

/// `threads` threads each do `ops` operations on `keys` keys: one set in
/// four, the rest gets at a timestamp near the present. Each thread's clock
/// runs at its own offset, so writes arrive out of timestamp order.
pub fn time_store_mixed<T: TimeStore>(threads: usize, keys: u64, ops: u64) -> Duration {
    let store = Arc::new(T::new());
    let workers = (0..threads as u64)
        .map(|t| {
            let store = Arc::clone(&store);
            Box::new(move || {
                let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (t + 1));
                for i in 0..ops {
                    let key = rng.next() % keys;
                    let now = i * 4 + t * 3;
                    if i % 4 == 0 {
                        store.set(key, i, now);
                    } else {
                        std::hint::black_box(store.get(key, now));
                    }
                }
            }) as Box<dyn FnOnce() + Send>
        })
        .collect();
    timed(workers)
}
