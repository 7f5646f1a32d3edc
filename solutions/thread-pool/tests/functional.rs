//! Stage 4 of 6, functional: what the pool does, one scenario at a time.
//!
//! Jobs that must be running at some point are held by a [`Gate`] or meet in
//! a [`Rendezvous`], so "running at once" is an event the test waits for,
//! never a timing.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use common::{CpuClock, Gate, Rendezvous, assert_each_ran_once, counters, counting_job};
use kata_test::{Property, expect_panic, spawn, wait};
use rstest::rstest;
use thread_pool::{Rejected, ThreadPool};

/// How long a call that must block is given to misbehave before the test
/// checks that it has not returned. Only a wrong answer can fail because of it.
const GRACE: Duration = Duration::from_millis(300);

/// What idle workers may spend, together, between their first jobs ending
/// and all of them being asleep in a wait: CPU time, measured on their own
/// clocks, so a busy machine changes nothing. Workers on their way to a wait
/// use microseconds; four workers that spin, even yielding, use this much
/// within a second or two of wall time even beside two busy loops, and then
/// the test stops waiting for them to sleep.
const IDLE_CPU_LIMIT: Duration = Duration::from_millis(100);

/// How many polls in a row (about 1 ms apart) must see every worker asleep:
/// a worker inside an injected spurious wakeup, or just woken, shows as
/// blocked for a moment too.
const IDLE_POLLS: u32 = 5;

const ZERO: Property = Property {
    name: "new(0, _) and new(_, 0) panic with a message that names the parameter and its value",
    cause: "a pool with no workers or no room would block every execute forever: assert both are > 0 and name them in the message",
    book: "api",
};

const EXACTLY_ONCE: Property = Property {
    name: "every accepted job runs exactly once, and join returns 0 when none panicked",
    cause: "a job taken twice or never: take it off the queue and decide to run it in one critical section",
    book: "thread-pool",
};

const AT_ONCE: Property = Property {
    name: "with at least `workers` jobs queued, `workers` of them run at once, and never more",
    cause: "too few workers (or workers that exit), or jobs started outside the workers",
    book: "thread-pool",
};

const HUGE_CAPACITY: Property = Property {
    name: "new(workers, queue_capacity) allocates nothing in proportion to the capacity: new(2, 1 << 40) works",
    cause: "a with_capacity(queue_capacity) in new: the capacity is a bound, not a size hint, so let the queue grow as jobs arrive",
    book: "thread-pool",
};

const FULL: Property = Property {
    name: "with every worker busy and `queue_capacity` jobs waiting, try_execute returns Err(Full) and execute blocks until a job finishes",
    cause: "the bound is off by one (`>` for `>=`), or execute does not wait (in a loop) for room, or nothing notifies it when a worker takes a job",
    book: "thread-pool",
};

const SHUTDOWN: Property = Property {
    name: "after shutdown, execute and try_execute return Err(ShutDown), even a caller already blocked, and every queued job still runs",
    cause: "shutdown must only set a flag and wake every waiter; workers exit only when the flag is set AND the queue is empty",
    book: "thread-pool-shutdown",
};

const JOIN_WAITS: Property = Property {
    name: "join returns only after every accepted job has finished and every worker thread has exited",
    cause: "join must shut down and then join every worker's JoinHandle; an empty queue does not mean the running jobs are done",
    book: "thread-pool-shutdown",
};

const PANICS: Property = Property {
    name: "a panicking job does not take its worker down, and join counts the panics",
    cause: "run each job inside std::panic::catch_unwind and count the Err results; a panic that unwinds the worker's loop kills the thread",
    book: "thread-pool-panics",
};

const IDLE: Property = Property {
    name: "idle workers block without using CPU, and are still there for later jobs",
    cause: "an idle worker must wait on a condition variable (in a loop) until there is a job or the pool shuts down, not spin and not exit",
    book: "thread-pool",
};

#[rstest]
#[case::workers(0, 4, "workers")]
#[case::queue_capacity(4, 0, "queue_capacity")]
fn new_panics_on_zero_naming_the_parameter(
    #[case] workers: usize,
    #[case] capacity: usize,
    #[case] name: &str,
) {
    let _check = kata_test::check(&ZERO);
    let message = expect_panic(&format!("ThreadPool::new({workers}, {capacity})"), || {
        ThreadPool::new(workers, capacity)
    });
    assert!(
        message.contains(name) && message.contains('0'),
        "new({workers}, {capacity}) panicked, but its message does not name {name} and its value 0: {message:?}"
    );
}

#[rstest]
#[case::one_worker(1, 1, 50)]
#[case::three_workers(3, 4, 200)]
fn every_accepted_job_runs_exactly_once(
    #[case] workers: usize,
    #[case] capacity: usize,
    #[case] jobs: usize,
) {
    let _check = kata_test::check(&EXACTLY_ONCE);
    let pool = ThreadPool::new(workers, capacity);
    let counts = counters(jobs);
    for i in 0..jobs {
        assert_eq!(
            pool.execute(counting_job(&counts, i)),
            Ok(()),
            "execute on a running pool"
        );
    }
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    assert_each_ran_once(&counts, "after join");
}

#[rstest]
#[case::one(1)]
#[case::three(3)]
#[case::sixteen(16)]
fn workers_jobs_run_at_once_and_never_more(#[case] workers: usize) {
    let _check = kata_test::check(&AT_ONCE);
    let pool = ThreadPool::new(workers, 4 * workers);
    let gate = Gate::new();
    let jobs = 3 * workers;
    for _ in 0..jobs {
        pool.execute(gate.job()).expect("execute on a running pool");
    }
    gate.wait_running(
        workers,
        &format!("{jobs} jobs queued on a pool of {workers} workers"),
    );
    // Give a pool that runs jobs beyond its workers the time to show it.
    wait::until(GRACE, || gate.running() > workers);
    let max = gate.max_running();
    gate.open();
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    assert!(
        max <= workers,
        "{max} jobs ran at once on a pool of {workers} workers"
    );
    assert_eq!(
        gate.finished(),
        jobs,
        "jobs that finished before join returned"
    );
}

#[rstest]
#[case::capacity_1(1)]
#[case::capacity_3(3)]
#[case::capacity_100(100)]
fn full_queue_rejects_try_execute_and_blocks_execute(#[case] capacity: usize) {
    let check = kata_test::check(&FULL);
    let workers = 2;
    let pool = Arc::new(ThreadPool::new(workers, capacity));
    let gate = Gate::new();
    for _ in 0..workers {
        pool.execute(gate.job()).expect("execute on an idle pool");
    }
    gate.wait_running(workers, "one job per idle worker");
    for i in 0..capacity {
        assert_eq!(
            pool.try_execute(gate.job()),
            Ok(()),
            "try_execute with every worker busy and {i} of {capacity} queue places taken"
        );
    }
    assert_eq!(
        pool.try_execute(gate.job()),
        Err(Rejected::Full),
        "try_execute with every worker busy and all {capacity} queue places taken"
    );

    let (done, returned) = mpsc::channel();
    let caller = {
        let (pool, gate, log) = (
            Arc::clone(&pool),
            Arc::clone(&gate),
            Arc::clone(check.log()),
        );
        spawn("blocked-execute", move || {
            let w = log.worker("blocked-execute");
            let call = w.call("execute(job) on a full queue");
            let result = pool.execute(gate.job());
            drop(call);
            done.send(result).unwrap();
        })
    };
    wait::settle("blocked-execute", 3, GRACE, || false);
    assert!(
        returned.try_recv().is_err(),
        "execute returned while every worker was busy and the queue held {capacity} jobs (capacity {capacity})"
    );
    gate.open();
    let result = kata_test::wait::recv(&returned).ok_or(kata_test::wait::NeverCame).expect(
        "execute did not return after the jobs finished: nothing woke it when a worker took a job?",
    );
    assert_eq!(result, Ok(()), "execute once there was room");
    kata_test::join(caller);
    let pool = Arc::into_inner(pool).expect("the caller thread has let go of the pool");
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    assert_eq!(
        gate.finished(),
        workers + capacity + 1,
        "jobs that ran: the {workers} running, the {capacity} queued and the one that waited (the rejected one must not run)"
    );
}

#[test]
fn after_shutdown_execute_is_refused_and_queued_jobs_still_run() {
    let _check = kata_test::check(&SHUTDOWN);
    let pool = ThreadPool::new(1, 4);
    let gate = Gate::new();
    pool.execute(gate.job()).expect("execute on an idle pool");
    gate.wait_running(1, "one job on a pool of one worker");
    let counts = counters(3);
    for i in 0..3 {
        pool.execute(counting_job(&counts, i))
            .expect("execute with room in the queue");
    }
    pool.shutdown();
    assert_eq!(
        pool.execute(|| panic!("a job accepted after shutdown ran")),
        Err(Rejected::ShutDown),
        "execute after shutdown"
    );
    assert_eq!(
        pool.try_execute(|| panic!("a job accepted after shutdown ran")),
        Err(Rejected::ShutDown),
        "try_execute after shutdown"
    );
    gate.open();
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    assert_each_ran_once(&counts, "jobs queued before shutdown");
}

#[test]
fn shutdown_releases_a_caller_blocked_in_execute() {
    let check = kata_test::check(&SHUTDOWN);
    let pool = Arc::new(ThreadPool::new(1, 1));
    let gate = Gate::new();
    pool.execute(gate.job()).expect("execute on an idle pool");
    gate.wait_running(1, "one job on a pool of one worker");
    pool.execute(gate.job())
        .expect("execute with room in the queue");
    let (done, returned) = mpsc::channel();
    let caller = {
        let (pool, log) = (Arc::clone(&pool), Arc::clone(check.log()));
        spawn("blocked-execute", move || {
            let w = log.worker("blocked-execute");
            let call = w.call("execute(job) on a full queue");
            let result = pool.execute(|| panic!("a job refused at shutdown ran"));
            drop(call);
            done.send(result).unwrap();
        })
    };
    wait::settle("blocked-execute", 3, GRACE, || false);
    assert!(
        returned.try_recv().is_err(),
        "execute returned while the worker was busy and the queue was full"
    );
    pool.shutdown();
    let result = kata_test::wait::recv(&returned)
        .ok_or(kata_test::wait::NeverCame)
        .expect("a caller blocked in execute did not return after shutdown: shutdown must wake it");
    assert_eq!(
        result,
        Err(Rejected::ShutDown),
        "a blocked execute woken by shutdown"
    );
    kata_test::join(caller);
    gate.open();
    let pool = Arc::into_inner(pool).expect("the caller thread has let go of the pool");
    assert_eq!(pool.join(), 0, "join's count of panics");
    assert_eq!(
        gate.finished(),
        2,
        "the running and the queued job both ran"
    );
}

#[test]
fn join_waits_for_running_jobs_then_for_the_workers() {
    let check = kata_test::check(&JOIN_WAITS);
    let workers = 2;
    let pool = ThreadPool::new(workers, 4);
    // The first jobs run while the next ones wait in the queue, each held by
    // its own gate, so the queue empties while jobs are still running.
    let (first, next) = (Gate::new(), Gate::new());
    for _ in 0..workers {
        pool.execute(first.job()).expect("execute on an idle pool");
    }
    first.wait_running(workers, "one job per worker");
    for _ in 0..workers {
        pool.execute(next.job())
            .expect("execute with room in the queue");
    }
    let (done, returned) = mpsc::channel();
    let joiner = {
        let (first, next, log) = (
            Arc::clone(&first),
            Arc::clone(&next),
            Arc::clone(check.log()),
        );
        spawn("joiner", move || {
            let w = log.worker("joiner");
            let call = w.call("join() with jobs running and queued");
            let panics = pool.join();
            call.returned(panics);
            done.send((panics, first.finished() + next.finished()))
                .unwrap();
        })
    };
    // join waits on the workers, which the facade does not see, so these
    // wait the whole grace: only a join that returns too early ends them
    // sooner.
    wait::until(GRACE, || false);
    assert!(
        returned.try_recv().is_err(),
        "join returned while {workers} jobs were running and {workers} queued"
    );
    first.open();
    next.wait_running(workers, "the queued jobs, once the first ones finished");
    wait::until(GRACE, || false);
    assert!(
        returned.try_recv().is_err(),
        "join returned while the last {workers} jobs were still running (the queue was empty)"
    );
    next.open();
    let (panics, finished) = kata_test::wait::recv(&returned)
        .ok_or(kata_test::wait::NeverCame)
        .expect("join did not return after every job finished");
    kata_test::join(joiner);
    assert_eq!(panics, 0, "join's count of panics when no job panicked");
    assert_eq!(
        finished,
        2 * workers,
        "jobs that had finished when join returned"
    );
    let live = kata_test::live_kata_threads();
    assert_eq!(
        live, 0,
        "join returned while {live} worker threads were still running: join every worker's JoinHandle"
    );
}

#[test]
fn a_panicking_job_leaves_its_worker_running_and_is_counted() {
    let _check = kata_test::check(&PANICS);
    let workers = 2;
    let pool = ThreadPool::new(workers, 8);
    // Past 255, so that a count kept in a byte is caught wrapping.
    let panics = 300;
    for _ in 0..panics {
        pool.execute(|| kata_test::expected_panic("a job that panics on purpose"))
            .expect("execute with room in the queue");
    }
    let meet = Rendezvous::new(workers);
    for _ in 0..workers {
        pool.execute(meet.job())
            .expect("execute with room in the queue");
    }
    meet.assert_met(&format!(
        "after {panics} jobs panicked on a pool of {workers} workers"
    ));
    assert_eq!(pool.join(), panics, "join's count of panicked jobs");
}

#[test]
fn idle_workers_block_without_spinning_and_stay_for_later_jobs() {
    let _check = kata_test::check(&IDLE);
    let workers = 4;
    let pool = ThreadPool::new(workers, workers);
    // Every worker has started and run a job, which noted the worker's CPU
    // clock: now they are all idle. Per-thread clocks, so tests running
    // beside this one in the same process (plain `cargo test`) do not count.
    let clocks = Arc::new(std::sync::Mutex::new(Vec::new()));
    let first = Rendezvous::new(workers);
    for _ in 0..workers {
        let clocks = Arc::clone(&clocks);
        pool.execute(first.job_then(move || {
            clocks.lock().unwrap().push(CpuClock::of_this_thread());
        }))
        .expect("execute on an idle pool");
    }
    first.assert_met("the first jobs on a fresh pool");
    let clocks = clocks.lock().unwrap().clone();
    let cpu = || clocks.iter().map(|c| c.now()).sum::<Duration>();
    // The event: every worker asleep in a `kata_sync` wait. A worker that
    // spins never is; the wait for it ends when the workers have used the
    // CPU limit, or at the deadline.
    let before = cpu();
    let running = kata_test::wait::until_kata_threads_blocked(IDLE_POLLS, || {
        cpu().saturating_sub(before) > IDLE_CPU_LIMIT
    });
    let used = cpu().saturating_sub(before);
    kata_test::progress();
    assert!(
        running.is_empty() && used <= IDLE_CPU_LIMIT,
        "with nothing to do, {workers} idle workers used {used:?} of CPU (at most {IDLE_CPU_LIMIT:?} allowed) and {}: an idle worker spins instead of waiting",
        if running.is_empty() {
            "then all slept in a wait".to_owned()
        } else {
            format!(
                "these never slept in a kata_sync wait: {}",
                running.join(", ")
            )
        }
    );
    let later = Rendezvous::new(workers);
    for _ in 0..workers {
        pool.execute(later.job())
            .expect("execute on a pool that has been idle");
    }
    later.assert_met("jobs given to a pool whose workers were all asleep");
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
}

#[test]
fn a_huge_queue_capacity_allocates_nothing() {
    let _check = kata_test::check(&HUGE_CAPACITY);
    // Terabytes if allocated up front. (Not usize::MAX: a pool built on a
    // semaphore with that many permits may rightly overflow it by one.)
    let capacity = 1 << 40;
    let pool = ThreadPool::new(2, capacity);
    let ran = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..10 {
        let ran = Arc::clone(&ran);
        pool.execute(move || {
            ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })
        .expect("execute on a running pool");
    }
    assert_eq!(
        pool.join(),
        0,
        "join's count of panics when no job panicked"
    );
    assert_eq!(
        ran.load(std::sync::atomic::Ordering::SeqCst),
        10,
        "jobs run on a pool with queue_capacity {capacity}"
    );
}
