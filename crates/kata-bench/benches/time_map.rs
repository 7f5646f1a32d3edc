//! The time-map: mixed set/get operations per second, for the reference
//! solution (per-key locks), your kata (`--features yours-time-map`), a
//! sharded map (dashmap) and one global mutex.
//!
//!     cargo bench -p kata-bench --bench time_map

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use kata_bench::{GlobalLock, Sharded, TimeStore, bench_timed, cores, count, workload};

const KEYS: u64 = 64;
const OPS_PER_THREAD: u64 = 10_000;
const THREADS: [usize; 2] = [1, 2];

fn one<T: TimeStore>(group: &mut BenchmarkGroup<'_, WallTime>, threads: usize) {
    group.throughput(Throughput::Elements(OPS_PER_THREAD * threads as u64));
    bench_timed(group, T::NAME, &count(threads, "thread"), || {
        workload::time_store_mixed::<T>(threads, KEYS, OPS_PER_THREAD)
    });
}

fn time_map(c: &mut Criterion) {
    eprintln!(
        "time-map: {KEYS} keys, {OPS_PER_THREAD} operations per thread per iteration (1 set : 3 gets), on {} cores",
        cores()
    );
    let mut group = c.benchmark_group("time-map");
    for t in THREADS {
        one::<time_map::TimeMap<u64, u64>>(&mut group, t);
        #[cfg(feature = "yours-time-map")]
        one::<time_map_kata::TimeMap<u64, u64>>(&mut group, t);
        one::<Sharded>(&mut group, t);
        one::<GlobalLock>(&mut group, t);
    }
    group.finish();
}

criterion_group! { name = benches; config = kata_bench::criterion(); targets = time_map }
criterion_main!(benches);
