//! The LRU cache: get-or-fill operations per second on a skewed key
//! distribution, for the reference solution, your kata (`--features yours-lru-cache`)
//! and the `lru` crate behind a mutex.
//!
//!     cargo bench -p kata-bench --bench cache

use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use kata_bench::{Cache, LruBehindMutex, cores, workload};

const CAPACITY: usize = 256;
const KEYS: u64 = 1_024;
const OPS_PER_THREAD: u64 = 10_000;
const THREADS: [usize; 2] = [1, 2];

fn one<C: Cache>(group: &mut BenchmarkGroup<'_, WallTime>, threads: usize) {
    let id = criterion::BenchmarkId::new(
        C::NAME,
        format!("{threads} thread{}", if threads == 1 { "" } else { "s" }),
    );
    group.throughput(Throughput::Elements(OPS_PER_THREAD * threads as u64));
    group.bench_function(id, |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| workload::cache_mixed::<C>(CAPACITY, threads, KEYS, OPS_PER_THREAD))
                .sum()
        })
    });
}

fn cache(c: &mut Criterion) {
    eprintln!(
        "cache: capacity {CAPACITY}, {KEYS} keys (skewed), {OPS_PER_THREAD} get-or-fill per thread per iteration, on {} cores",
        cores()
    );
    let mut group = c.benchmark_group("cache");
    for t in THREADS {
        one::<lru_cache::LruCache<u64, u64>>(&mut group, t);
        #[cfg(feature = "yours-lru-cache")]
        one::<lru_cache_kata::LruCache<u64, u64>>(&mut group, t);
        one::<LruBehindMutex>(&mut group, t);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10);
    targets = cache
}
criterion_main!(benches);
