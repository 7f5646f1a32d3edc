//! Stage 5 of 6, stress: many submitters on real threads, with and without a
//! shutdown racing them.
//!
//! Every job counts its runs in its own slot and how many jobs are running at
//! once. Checked: every accepted job runs exactly once, a refused one never,
//! no more than `workers` jobs ever run at once, and no worker outlives join.
#![cfg(not(loom))]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{assert_each_ran_once, counters};
use kata_test::{Property, spawn};
use rstest::rstest;
use thread_pool::{Rejected, ThreadPool};

const SUBMITTERS: usize = 4;
const JOBS_PER_SUBMITTER: usize = 2_500;

const UNDER_LOAD: Property = Property {
    name: "under load, every accepted job runs exactly once, never more than `workers` at once, and join leaves no worker running",
    cause: "a job taken twice or lost between the queue and a worker, a wait with `if` instead of `while`, or a missing notify",
    book: "thread-pool",
};

const SHUTDOWN_RACE: Property = Property {
    name: "when shutdown races with execute, every job accepted before it runs exactly once, and no refused job runs",
    cause: "a job accepted after the shutdown flag was set, or queued jobs dropped at shutdown",
    book: "thread-pool-shutdown",
};

/// Counts the jobs running at once, and the most ever.
#[derive(Default)]
struct Concurrency {
    running: AtomicUsize,
    max: AtomicUsize,
}

fn job(
    counts: &Arc<Vec<AtomicUsize>>,
    conc: &Arc<Concurrency>,
    slot: usize,
) -> impl FnOnce() + Send + 'static {
    let (counts, conc) = (Arc::clone(counts), Arc::clone(conc));
    move || {
        let now = conc.running.fetch_add(1, Ordering::SeqCst) + 1;
        conc.max.fetch_max(now, Ordering::SeqCst);
        counts[slot].fetch_add(1, Ordering::SeqCst);
        conc.running.fetch_sub(1, Ordering::SeqCst);
    }
}

#[rstest]
#[case::w1_cap1(1, 1)]
#[case::w2_cap1(2, 1)]
#[case::w4_cap8(4, 8)]
fn submitters_lose_no_job(#[case] workers: usize, #[case] capacity: usize) {
    let check = kata_test::check(&UNDER_LOAD);
    let pool = Arc::new(ThreadPool::new(workers, capacity));
    let counts = counters(SUBMITTERS * JOBS_PER_SUBMITTER);
    let conc = Arc::new(Concurrency::default());
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|s| {
            let (pool, counts, conc, log) = (
                Arc::clone(&pool),
                Arc::clone(&counts),
                Arc::clone(&conc),
                Arc::clone(check.log()),
            );
            let name = format!("submitter-{s}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                for i in 0..JOBS_PER_SUBMITTER {
                    let slot = s * JOBS_PER_SUBMITTER + i;
                    // Half the submitters block in execute; the others retry
                    // try_execute, so both paths race with the workers.
                    if s % 2 == 0 {
                        let call = w.call(format_args!("execute(job {slot})"));
                        assert_eq!(pool.execute(job(&counts, &conc, slot)), Ok(()));
                        drop(call);
                    } else {
                        let call = w.call(format_args!("try_execute(job {slot}) until accepted"));
                        loop {
                            match pool.try_execute(job(&counts, &conc, slot)) {
                                Ok(()) => break,
                                Err(Rejected::Full) => kata_sync::thread::yield_now(),
                                Err(Rejected::ShutDown) => {
                                    panic!("try_execute returned ShutDown before any shutdown")
                                }
                            }
                        }
                        drop(call);
                    }
                }
            })
        })
        .collect();
    submitters.into_iter().for_each(kata_test::join);
    let pool = Arc::into_inner(pool).expect("every submitter has let go of the pool");
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    assert_each_ran_once(&counts, "after join");
    let max = conc.max.load(Ordering::SeqCst);
    assert!(
        max <= workers,
        "{max} jobs ran at once on a pool of {workers} workers"
    );
    let live = kata_test::live_kata_threads();
    assert_eq!(
        live, 0,
        "{live} worker threads were still running after join"
    );
}

#[rstest]
#[case::w1_cap1(1, 1)]
#[case::w3_cap4(3, 4)]
fn shutdown_racing_with_execute_runs_exactly_the_accepted_jobs(
    #[case] workers: usize,
    #[case] capacity: usize,
) {
    let check = kata_test::check(&SHUTDOWN_RACE);
    let pool = Arc::new(ThreadPool::new(workers, capacity));
    let counts = counters(SUBMITTERS * JOBS_PER_SUBMITTER);
    let conc = Arc::new(Concurrency::default());
    let accepted_so_far = Arc::new(AtomicUsize::new(0));
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|s| {
            let (pool, counts, conc, accepted_so_far, log) = (
                Arc::clone(&pool),
                Arc::clone(&counts),
                Arc::clone(&conc),
                Arc::clone(&accepted_so_far),
                Arc::clone(check.log()),
            );
            let name = format!("submitter-{s}");
            spawn(name.clone(), move || {
                let w = log.worker(name);
                let mut accepted = Vec::new();
                for i in 0..JOBS_PER_SUBMITTER {
                    let slot = s * JOBS_PER_SUBMITTER + i;
                    let call = w.call(format_args!("execute(job {slot})"));
                    let result = pool.execute(job(&counts, &conc, slot));
                    drop(call);
                    match result {
                        Ok(()) => {
                            accepted.push(slot);
                            accepted_so_far.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(Rejected::ShutDown) => break,
                        Err(Rejected::Full) => panic!("execute returned Err(Full); it must block"),
                    }
                }
                accepted
            })
        })
        .collect();
    // Shut down in the middle of the submissions: once a quarter of the jobs
    // were accepted, or once nothing can accept more (every thread asleep,
    // as after a lost wakeup, which the shutdown's wake-up may then hide;
    // `submitters_lose_no_job` is the test that catches that).
    let half = SUBMITTERS * JOBS_PER_SUBMITTER / 4;
    kata_test::wait::until_done(|| accepted_so_far.load(Ordering::SeqCst) >= half);
    pool.shutdown();
    let accepted: Vec<usize> = submitters.into_iter().flat_map(kata_test::join).collect();
    let pool = Arc::into_inner(pool).expect("every submitter has let go of the pool");
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    let mut is_accepted = vec![false; counts.len()];
    for &slot in &accepted {
        is_accepted[slot] = true;
    }
    let refused_but_ran = counts
        .iter()
        .zip(&is_accepted)
        .filter(|(c, acc)| !**acc && c.load(Ordering::SeqCst) > 0)
        .count();
    assert_eq!(
        refused_but_ran, 0,
        "{refused_but_ran} jobs ran although execute returned Err(ShutDown) for them"
    );
    let accepted_counts: Vec<AtomicUsize> = accepted
        .iter()
        .map(|&slot| AtomicUsize::new(counts[slot].load(Ordering::SeqCst)))
        .collect();
    assert_each_ran_once(&accepted_counts, "jobs accepted before shutdown");
}
