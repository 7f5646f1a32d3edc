//! What each primitive costs: the figures the book's "Choosing a primitive"
//! table quotes (`cargo xtask figures` writes them there).
//!
//!     cargo bench -p kata-bench --bench primitives
//!
//! - `uncontended`: one thread, lock + increment + unlock (or one atomic
//!   read-modify-write): the fast path every lock is built around.
//! - `contended`: two threads each increment one shared counter; time per
//!   increment.
//! - `lock handoff`: 1, 2, 4 and 8 threads take one lock in turn, and a
//!   thread that has just released it waits until another thread has taken
//!   it before it tries again: every acquisition (with more than one
//!   thread) passes the lock from one thread to another, so a sleeping lock
//!   pays a wake-up and a spinning one pays for spinners that hold a core.
//! - `handoff`: a round trip between two threads (ping, then pong): what it
//!   costs to wake a sleeping thread and be woken back.
//! - `false-sharing`: two threads, each incrementing its own counter, with
//!   the counters in one cache line or padded apart.
//! - `spawn`: starting and joining a thread.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use kata_bench::{Crossbeam, Queue, StdSyncChannel, bench_timed, cores, count};

// ANCHOR: spin_lock
/// A test-and-test-and-set spin lock, the simplest correct one.
struct SpinLock {
    /// false: free, true: held.
    held: AtomicBool,
    value: std::cell::UnsafeCell<u64>,
}

// SAFETY: `value` is only touched between a successful acquire of `held` and
// the release that frees it, so at most one thread accesses it at a time.
unsafe impl Sync for SpinLock {}

impl SpinLock {
    fn new() -> Self {
        SpinLock {
            held: AtomicBool::new(false),
            value: std::cell::UnsafeCell::new(0),
        }
    }

    fn increment(&self) {
        // Acquire: pairs with the Release below, so the previous holder's
        // write to `value` is visible to us.
        while self
            .held
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Relaxed: only a hint that the lock looks free; the CAS decides.
            while self.held.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        }
        // SAFETY: we hold the lock (see the `Sync` impl).
        unsafe { *self.value.get() += 1 };
        // Release: publishes our write to the next Acquire above.
        self.held.store(false, Ordering::Release);
    }
}
// ANCHOR_END: spin_lock

impl SpinLock {
    /// Runs `f` on the value with the lock held.
    fn with<R>(&self, f: impl FnOnce(&mut u64) -> R) -> R {
        while self
            .held
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Relaxed: as in `increment`.
            while self.held.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        }
        // SAFETY: we hold the lock (see the `Sync` impl).
        let r = f(unsafe { &mut *self.value.get() });
        // Release: as in `increment`.
        self.held.store(false, Ordering::Release);
        r
    }
}

/// A lock around one counter, for the handoff benchmark.
trait CounterLock: Send + Sync + 'static {
    fn new() -> Self;
    fn with<R>(&self, f: impl FnOnce(&mut u64) -> R) -> R;
}

impl CounterLock for std::sync::Mutex<u64> {
    fn new() -> Self {
        std::sync::Mutex::new(0)
    }
    fn with<R>(&self, f: impl FnOnce(&mut u64) -> R) -> R {
        f(&mut self.lock().unwrap())
    }
}

impl CounterLock for parking_lot::Mutex<u64> {
    fn new() -> Self {
        parking_lot::Mutex::new(0)
    }
    fn with<R>(&self, f: impl FnOnce(&mut u64) -> R) -> R {
        f(&mut self.lock())
    }
}

impl CounterLock for SpinLock {
    fn new() -> Self {
        SpinLock::new()
    }
    fn with<R>(&self, f: impl FnOnce(&mut u64) -> R) -> R {
        SpinLock::with(self, f)
    }
}

const CONTENDED_OPS: u64 = 100_000;

/// Two threads, `CONTENDED_OPS` increments each; returns the wall time.
/// `op` gets the thread's index, 0 or 1.
fn two_threads(op: impl Fn(usize) + Send + Sync + 'static) -> Duration {
    let op = Arc::new(op);
    let barrier = Arc::new(std::sync::Barrier::new(3));
    let handles: Vec<_> = (0..2)
        .map(|index| {
            let (op, barrier) = (Arc::clone(&op), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                for _ in 0..CONTENDED_OPS {
                    op(index);
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    handles.into_iter().for_each(|h| h.join().unwrap());
    start.elapsed()
}

fn uncontended(c: &mut Criterion) {
    let mut g = c.benchmark_group("uncontended");
    g.throughput(Throughput::Elements(1));
    let m = std::sync::Mutex::new(0_u64);
    g.bench_function("std Mutex", |b| {
        b.iter(|| *black_box(&m).lock().unwrap() += 1)
    });
    let m = parking_lot::Mutex::new(0_u64);
    g.bench_function("parking_lot Mutex", |b| {
        b.iter(|| *black_box(&m).lock() += 1)
    });
    let s = SpinLock::new();
    g.bench_function("spin lock", |b| b.iter(|| black_box(&s).increment()));
    let rw = std::sync::RwLock::new(0_u64);
    g.bench_function("std RwLock read", |b| {
        b.iter(|| *black_box(&rw).read().unwrap())
    });
    let rw = parking_lot::RwLock::new(0_u64);
    g.bench_function("parking_lot RwLock read", |b| {
        b.iter(|| *black_box(&rw).read())
    });
    let a = AtomicU64::new(0);
    g.bench_function("AtomicU64 fetch_add Relaxed", |b| {
        b.iter(|| black_box(&a).fetch_add(1, Ordering::Relaxed))
    });
    g.bench_function("AtomicU64 fetch_add SeqCst", |b| {
        b.iter(|| black_box(&a).fetch_add(1, Ordering::SeqCst))
    });
    g.bench_function("AtomicU64 load Acquire", |b| {
        b.iter(|| black_box(&a).load(Ordering::Acquire))
    });
    g.finish();
}

fn contended(c: &mut Criterion) {
    let mut g = c.benchmark_group("contended");
    g.throughput(Throughput::Elements(2 * CONTENDED_OPS));
    let mut run = |name: &str, make: &dyn Fn() -> Box<dyn Fn(usize) + Send + Sync>| {
        bench_timed(&mut g, name, "", || two_threads(make()));
    };
    run("std Mutex", &|| {
        let m = Arc::new(std::sync::Mutex::new(0_u64));
        Box::new(move |_| *m.lock().unwrap() += 1)
    });
    run("parking_lot Mutex", &|| {
        let m = Arc::new(parking_lot::Mutex::new(0_u64));
        Box::new(move |_| *m.lock() += 1)
    });
    run("spin lock", &|| {
        let s = Arc::new(SpinLock::new());
        Box::new(move |_| s.increment())
    });
    run("AtomicU64 fetch_add Relaxed", &|| {
        let a = Arc::new(AtomicU64::new(0));
        Box::new(move |_| {
            a.fetch_add(1, Ordering::Relaxed);
        })
    });
    g.finish();
}

/// Two counters in one cache line, and two counters a line apart.
#[repr(C)]
struct Adjacent([AtomicU64; 2]);

/// One counter per 128 bytes (x86-64's prefetcher pulls lines in pairs).
#[repr(C, align(128))]
struct Padded(AtomicU64);

fn false_sharing(c: &mut Criterion) {
    let mut g = c.benchmark_group("false-sharing");
    g.throughput(Throughput::Elements(2 * CONTENDED_OPS));
    // Each thread increments only its own counter: no data is shared, only
    // (in the first case) the cache line the two counters sit in.
    bench_timed(&mut g, "own counters, same cache line", "", || {
        let counters = Arc::new(Adjacent([AtomicU64::new(0), AtomicU64::new(0)]));
        two_threads(move |i| {
            // Relaxed: nothing is published; each counter has one writer.
            black_box(&counters.0[i]).fetch_add(1, Ordering::Relaxed);
        })
    });
    bench_timed(&mut g, "own counters, padded apart", "", || {
        let counters = Arc::new([Padded(AtomicU64::new(0)), Padded(AtomicU64::new(0))]);
        two_threads(move |i| {
            // Relaxed: as above.
            black_box(&counters[i].0).fetch_add(1, Ordering::Relaxed);
        })
    });
    g.finish();
}

/// Acquisitions per iteration of the lock-handoff benchmark, shared by all
/// its threads.
const HANDOFFS: u64 = 2_000;
const HANDOFF_THREADS: [usize; 4] = [1, 2, 4, 8];

fn lock_handoff(c: &mut Criterion) {
    let mut g = c.benchmark_group("lock handoff");
    g.throughput(Throughput::Elements(HANDOFFS));
    for threads in HANDOFF_THREADS {
        handoffs::<std::sync::Mutex<u64>>(&mut g, "std Mutex", threads);
        handoffs::<parking_lot::Mutex<u64>>(&mut g, "parking_lot Mutex", threads);
        handoffs::<SpinLock>(&mut g, "spin lock", threads);
    }
    g.finish();
}

/// `threads` threads take the lock `HANDOFFS` times in all. After each
/// acquisition a thread waits, outside the lock, until another thread has
/// taken it: so no thread takes the lock twice in a row, and each
/// acquisition is a handoff to a thread that was waiting in `lock`.
fn handoffs<L: CounterLock>(g: &mut BenchmarkGroup<'_, WallTime>, name: &str, threads: usize) {
    bench_timed(g, name, &count(threads, "thread"), || {
        let lock = Arc::new(L::new());
        // The count of the latest acquisition, written with the lock held.
        let latest = Arc::new(AtomicU64::new(0));
        let barrier = Arc::new(std::sync::Barrier::new(threads + 1));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (lock, latest, barrier) =
                    (Arc::clone(&lock), Arc::clone(&latest), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    loop {
                        let mine = lock.with(|n| {
                            if *n == HANDOFFS {
                                return None;
                            }
                            *n += 1;
                            // Relaxed: only a signal that the lock has moved
                            // on; the lock orders the counter itself.
                            latest.store(*n, Ordering::Relaxed);
                            Some(*n)
                        });
                        let Some(mine) = mine else { break };
                        // Relaxed: as above. Alone, a thread never waits.
                        while threads > 1
                            && mine < HANDOFFS
                            && latest.load(Ordering::Relaxed) == mine
                        {
                            std::thread::yield_now();
                        }
                    }
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        handles.into_iter().for_each(|h| h.join().unwrap());
        start.elapsed()
    });
}

const ROUND_TRIPS: u64 = 2_000;

fn handoff(c: &mut Criterion) {
    let mut g = c.benchmark_group("handoff");
    g.throughput(Throughput::Elements(ROUND_TRIPS));
    round_trips::<bounded_blocking_queue::BoundedBlockingQueue<u64>>(
        &mut g,
        "Mutex + Condvar (the reference queue)",
    );
    round_trips::<Crossbeam>(&mut g, "crossbeam-channel");
    round_trips::<StdSyncChannel>(&mut g, "std sync_channel");
    g.finish();
}

/// `ROUND_TRIPS` round trips through two queues of capacity 1: main sends
/// on one, the peer answers on the other, so each trip wakes a sleeping
/// thread twice.
fn round_trips<Q: Queue>(g: &mut BenchmarkGroup<'_, WallTime>, name: &str) {
    bench_timed(g, name, "", || {
        let (to_peer, to_main) = (Arc::new(Q::with_capacity(1)), Arc::new(Q::with_capacity(1)));
        let peer = {
            let (inbox, outbox) = (Arc::clone(&to_peer), Arc::clone(&to_main));
            std::thread::spawn(move || {
                for _ in 0..ROUND_TRIPS {
                    outbox.push(inbox.pop() + 1);
                }
            })
        };
        // The first trip also waits for the peer to start: one in 2,000.
        let start = Instant::now();
        for i in 0..ROUND_TRIPS {
            to_peer.push(i);
            black_box(to_main.pop());
        }
        let took = start.elapsed();
        peer.join().unwrap();
        took
    });
}

fn spawn(c: &mut Criterion) {
    let mut g = c.benchmark_group("spawn");
    g.throughput(Throughput::Elements(1));
    g.bench_function("std::thread spawn + join", |b| {
        b.iter(|| std::thread::spawn(|| black_box(1)).join().unwrap())
    });
    g.finish();
}

fn header(_: &mut Criterion) {
    eprintln!(
        "primitives: on {} cores; contended = 2 threads x {CONTENDED_OPS} increments; handoff = {ROUND_TRIPS} round trips; lock handoff = {HANDOFFS} acquisitions over {HANDOFF_THREADS:?} threads",
        cores()
    );
}

criterion_group! {
    name = benches;
    config = kata_bench::criterion();
    targets = header, uncontended, contended, lock_handoff, false_sharing, handoff, spawn
}
criterion_main!(benches);
