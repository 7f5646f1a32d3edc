//! The LRU cache: get-or-fill operations per second on a skewed key
//! distribution, for the reference solution, your kata (`--features
//! yours-lru-cache`), the `lru` crate behind a mutex (both one lock), and
//! the reference split into 8 striped caches, over 1, 2, 4 and 8 threads.
//!
//!     cargo bench -p kata-bench --bench cache

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use kata_bench::{Cache, LruBehindMutex, StripedReference, bench_timed, cores, count, workload};

const CAPACITY: usize = 256;
const KEYS: u64 = 1_024;
const OPS_PER_THREAD: u64 = 10_000;
const THREADS: [usize; 4] = [1, 2, 4, 8];

fn one<C: Cache>(group: &mut BenchmarkGroup<'_, WallTime>, threads: usize) {
    group.throughput(Throughput::Elements(OPS_PER_THREAD * threads as u64));
    bench_timed(group, C::NAME, &count(threads, "thread"), || {
        workload::cache_mixed::<C>(CAPACITY, threads, KEYS, OPS_PER_THREAD)
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
        one::<StripedReference>(&mut group, t);
    }
    group.finish();
}

criterion_group! { name = benches; config = kata_bench::criterion(); targets = cache }
criterion_main!(benches);
