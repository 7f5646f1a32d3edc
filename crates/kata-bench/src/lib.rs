//! The shared part of the benchmarks: one trait per kata family, implemented
//! by the reference solution, by your kata (with the `yours-<kata>` feature), and by
//! what a production user would reach for instead, so that every
//! implementation runs the very same workload in the same run.
//!
//! Figures are reported by criterion; `cargo xtask compare <kata>` turns them
//! into ratios against the reference, and `cargo xtask figures` writes the
//! book's tables. Each benchmark names its thread count, and prints the
//! machine's core count when it starts.
use std::num::NonZeroUsize;

pub mod workload;

/// The criterion settings every benchmark here uses: short, because a
/// learner waits for `compare`, and enough samples for a stable mean.
/// With `KATA_BENCH_QUICK=1` (`cargo xtask figures --quick`), a fifth of
/// that: rougher figures, for checking that the figures and plots come out.
pub fn criterion() -> criterion::Criterion {
    let quick = std::env::var_os("KATA_BENCH_QUICK").is_some_and(|v| v == "1");
    let (warm_up, measure) = if quick { (100, 400) } else { (500, 2_000) };
    criterion::Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(warm_up))
        .measurement_time(std::time::Duration::from_millis(measure))
        .sample_size(10)
}

/// Benchmarks `run_once`, which times its own work (so that starting
/// threads is left out), as `function/scenario` in `group`.
pub fn bench_timed(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    function: &str,
    scenario: &str,
    run_once: impl Fn() -> std::time::Duration,
) {
    let routine = |b: &mut criterion::Bencher<'_>| {
        b.iter_custom(|iters| (0..iters).map(|_| run_once()).sum())
    };
    if scenario.is_empty() {
        group.bench_function(function, routine);
    } else {
        group.bench_function(criterion::BenchmarkId::new(function, scenario), routine);
    }
}

/// "1 thread", "2 threads".
pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The machine's core count, as the benchmarks report it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// A blocking queue with a capacity.
pub trait Queue: Send + Sync + 'static {
    const NAME: &'static str;
    fn with_capacity(capacity: usize) -> Self;
    fn push(&self, item: u64);
    fn pop(&self) -> u64;
}

/// A thread-safe LRU cache.
pub trait Cache: Send + Sync + 'static {
    const NAME: &'static str;
    fn with_capacity(capacity: usize) -> Self;
    fn get(&self, key: u64) -> Option<u64>;
    fn put(&self, key: u64, value: u64);
}

/// A thread-safe time-based key-value store.
pub trait TimeStore: Send + Sync + 'static {
    const NAME: &'static str;
    fn new() -> Self;
    fn set(&self, key: u64, value: u64, timestamp: u64);
    fn get(&self, key: u64, timestamp: u64) -> Option<u64>;
}

macro_rules! kata_queue {
    ($ty:ty, $name:expr) => {
        impl Queue for $ty {
            const NAME: &'static str = $name;
            fn with_capacity(capacity: usize) -> Self {
                <$ty>::new(capacity)
            }
            fn push(&self, item: u64) {
                self.enqueue(item)
            }
            fn pop(&self) -> u64 {
                self.dequeue()
            }
        }
    };
}

macro_rules! kata_cache {
    ($ty:ty, $name:expr) => {
        impl Cache for $ty {
            const NAME: &'static str = $name;
            fn with_capacity(capacity: usize) -> Self {
                <$ty>::new(capacity)
            }
            fn get(&self, key: u64) -> Option<u64> {
                <$ty>::get(self, &key)
            }
            fn put(&self, key: u64, value: u64) {
                <$ty>::put(self, key, value)
            }
        }
    };
}

macro_rules! kata_time_store {
    ($ty:ty, $name:expr) => {
        impl TimeStore for $ty {
            const NAME: &'static str = $name;
            fn new() -> Self {
                <$ty>::new()
            }
            fn set(&self, key: u64, value: u64, timestamp: u64) {
                <$ty>::set(self, key, value, timestamp)
            }
            fn get(&self, key: u64, timestamp: u64) -> Option<u64> {
                <$ty>::get(self, &key, timestamp)
            }
        }
    };
}

kata_queue!(
    bounded_blocking_queue::BoundedBlockingQueue<u64>,
    "reference"
);
kata_cache!(lru_cache::LruCache<u64, u64>, "reference");
kata_time_store!(time_map::TimeMap<u64, u64>, "reference");

#[cfg(feature = "yours-bounded-blocking-queue")]
kata_queue!(
    bounded_blocking_queue_kata::BoundedBlockingQueue<u64>,
    "yours"
);
#[cfg(feature = "yours-lru-cache")]
kata_cache!(lru_cache_kata::LruCache<u64, u64>, "yours");
#[cfg(feature = "yours-time-map")]
kata_time_store!(time_map_kata::TimeMap<u64, u64>, "yours");

/// crossbeam-channel's bounded channel: what most Rust code uses as a
/// bounded blocking queue.
pub struct Crossbeam(
    crossbeam_channel::Sender<u64>,
    crossbeam_channel::Receiver<u64>,
);

impl Queue for Crossbeam {
    const NAME: &'static str = "crossbeam-channel bounded";
    fn with_capacity(capacity: usize) -> Self {
        let (s, r) = crossbeam_channel::bounded(capacity);
        Crossbeam(s, r)
    }
    fn push(&self, item: u64) {
        self.0
            .send(item)
            .expect("the receiver lives as long as the sender");
    }
    fn pop(&self) -> u64 {
        self.1
            .recv()
            .expect("the sender lives as long as the receiver")
    }
}

/// std's `sync_channel`. Its receiver is single-consumer (not `Sync`), so
/// several consumers must share it behind a lock, as they would in real code.
pub struct StdSyncChannel(
    std::sync::mpsc::SyncSender<u64>,
    parking_lot::Mutex<std::sync::mpsc::Receiver<u64>>,
);

impl Queue for StdSyncChannel {
    const NAME: &'static str = "std sync_channel";
    fn with_capacity(capacity: usize) -> Self {
        let (s, r) = std::sync::mpsc::sync_channel(capacity);
        StdSyncChannel(s, parking_lot::Mutex::new(r))
    }
    fn push(&self, item: u64) {
        self.0
            .send(item)
            .expect("the receiver lives as long as the sender");
    }
    fn pop(&self) -> u64 {
        self.1
            .lock()
            .recv()
            .expect("the sender lives as long as the receiver")
    }
}

/// The `lru` crate's cache behind one parking_lot mutex.
pub struct LruBehindMutex(parking_lot::Mutex<lru::LruCache<u64, u64>>);

impl Cache for LruBehindMutex {
    const NAME: &'static str = "lru crate + Mutex";
    fn with_capacity(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).expect("capacity > 0");
        LruBehindMutex(parking_lot::Mutex::new(lru::LruCache::new(capacity)))
    }
    fn get(&self, key: u64) -> Option<u64> {
        self.0.lock().get(&key).copied()
    }
    fn put(&self, key: u64, value: u64) {
        self.0.lock().put(key, value);
    }
}

/// The reference LRU cache split into `STRIPES` caches, each with its own
/// lock and a share of the capacity; a key's hash picks its stripe. Threads
/// working on keys in different stripes never wait for each other; the
/// price is that recency is kept per stripe, not across the whole cache.
pub struct StripedReference(Vec<lru_cache::LruCache<u64, u64>>);

/// How many stripes `StripedReference` has.
pub const STRIPES: usize = 8;

impl StripedReference {
    fn stripe(&self, key: u64) -> &lru_cache::LruCache<u64, u64> {
        // Fibonacci hashing: the skewed keys are small numbers, so spread
        // them before taking the top bits.
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        &self.0[h as usize % self.0.len()]
    }
}

impl Cache for StripedReference {
    const NAME: &'static str = "reference, 8 stripes";
    fn with_capacity(capacity: usize) -> Self {
        let share = capacity.div_ceil(STRIPES);
        StripedReference(
            (0..STRIPES)
                .map(|_| lru_cache::LruCache::new(share))
                .collect(),
        )
    }
    fn get(&self, key: u64) -> Option<u64> {
        self.stripe(key).get(&key)
    }
    fn put(&self, key: u64, value: u64) {
        self.stripe(key).put(key, value)
    }
}

/// A sharded concurrent map (dashmap) of per-key version trees: each shard
/// has its own lock, so keys in different shards never contend.
pub struct Sharded(dashmap::DashMap<u64, std::collections::BTreeMap<u64, u64>>);

impl TimeStore for Sharded {
    const NAME: &'static str = "dashmap of BTreeMaps";
    fn new() -> Self {
        Sharded(dashmap::DashMap::new())
    }
    fn set(&self, key: u64, value: u64, timestamp: u64) {
        self.0.entry(key).or_default().insert(timestamp, value);
    }
    fn get(&self, key: u64, timestamp: u64) -> Option<u64> {
        let versions = self.0.get(&key)?;
        versions.range(..=timestamp).next_back().map(|(_, v)| *v)
    }
}

/// One global lock over the whole table: the baseline that per-key locking
/// and sharding try to beat.
pub struct GlobalLock(
    parking_lot::Mutex<std::collections::HashMap<u64, std::collections::BTreeMap<u64, u64>>>,
);

impl TimeStore for GlobalLock {
    const NAME: &'static str = "one global Mutex";
    fn new() -> Self {
        GlobalLock(parking_lot::Mutex::new(std::collections::HashMap::new()))
    }
    fn set(&self, key: u64, value: u64, timestamp: u64) {
        self.0
            .lock()
            .entry(key)
            .or_default()
            .insert(timestamp, value);
    }
    fn get(&self, key: u64, timestamp: u64) -> Option<u64> {
        let table = self.0.lock();
        let versions = table.get(&key)?;
        versions.range(..=timestamp).next_back().map(|(_, v)| *v)
    }
}
