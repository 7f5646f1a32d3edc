//! The bounded blocking queue: items per second from producers to consumers,
//! for the reference solution, your kata (`--features
//! yours-bounded-blocking-queue`), crossbeam's bounded channel and std's
//! `sync_channel`.
//!
//!     cargo bench -p kata-bench --bench queue

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use kata_bench::{Crossbeam, Queue, StdSyncChannel, bench_timed, cores, count, workload};

const CAPACITY: usize = 64;
const ITEMS: u64 = 10_000;
/// (producers, consumers).
const SCENARIOS: [(usize, usize); 2] = [(1, 1), (2, 2)];

fn one<Q: Queue>(group: &mut BenchmarkGroup<'_, WallTime>, producers: usize, consumers: usize) {
    let scenario = format!(
        "{} → {}",
        count(producers, "producer"),
        count(consumers, "consumer")
    );
    bench_timed(group, Q::NAME, &scenario, || {
        workload::transfer::<Q>(CAPACITY, producers, consumers, ITEMS)
    });
}

fn queue(c: &mut Criterion) {
    eprintln!(
        "queue: capacity {CAPACITY}, {ITEMS} items per iteration, on {} cores",
        cores()
    );
    let mut group = c.benchmark_group("queue");
    group.throughput(Throughput::Elements(ITEMS));
    for (p, n) in SCENARIOS {
        one::<bounded_blocking_queue::BoundedBlockingQueue<u64>>(&mut group, p, n);
        #[cfg(feature = "yours-bounded-blocking-queue")]
        one::<bounded_blocking_queue_kata::BoundedBlockingQueue<u64>>(&mut group, p, n);
        one::<Crossbeam>(&mut group, p, n);
        one::<StdSyncChannel>(&mut group, p, n);
    }
    group.finish();
}

criterion_group! { name = benches; config = kata_bench::criterion(); targets = queue }
criterion_main!(benches);
