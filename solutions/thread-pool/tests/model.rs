//! Stage 6 of 6, model: every interleaving of small scenarios, under loom.
//!
//! A pool of one or two workers plus the main thread stays within loom's limit
//! of five threads. `kata_test::model::run` uses a preemption bound of 3
//! (override with `KATA_LOOM_PREEMPTIONS`); `cargo xtask check` builds this
//! in release mode. In check builds every other `Condvar::wait` returns
//! spuriously, starting with the first, so an idle worker's first wait is no
//! proof that it re-checks the queue: its second one is real.
#![cfg(loom)]

use kata_sync::atomic::{AtomicUsize, Ordering};
use kata_sync::{Arc, Condvar, Mutex};
use kata_test::{Property, model};
use thread_pool::ThreadPool;

const WAKEUP: Property = Property {
    name: "a job given to an idle worker runs without anything else happening to the pool, in every interleaving",
    cause: "a lost wakeup: the worker decided the queue was empty in one critical section and waited in another, or execute queued the job without notifying (under the lock) a waiting worker",
    book: "thread-pool",
};

const DRAIN: Property = Property {
    name: "jobs queued before shutdown all run exactly once, and join waits for them, in every interleaving",
    cause: "a worker that exits on an empty queue before shutdown, shutdown that drops queued jobs, or join that does not wait for the workers",
    book: "thread-pool-shutdown",
};

/// A flag a job raises and the main thread waits for, through the facade so
/// that loom sees both sides.
#[derive(Default)]
struct Done {
    done: Mutex<bool>,
    cv: Condvar,
}

impl Done {
    fn raise(&self) {
        *self.done.lock() = true;
        self.cv.notify_all();
    }

    fn wait(&self) {
        let mut done = self.done.lock();
        while !*done {
            self.cv.wait(&mut done);
        }
    }
}

#[test]
fn a_job_wakes_an_idle_worker() {
    let _check = kata_test::check(&WAKEUP);
    model::run(|| {
        let pool = ThreadPool::new(1, 1);
        let done = Arc::new(Done::default());
        let d = Arc::clone(&done);
        pool.execute(move || d.raise())
            .expect("execute on a fresh pool");
        // Nothing but the job itself may wake the worker: no shutdown yet.
        done.wait();
        let d = Arc::clone(&done);
        *d.done.lock() = false;
        pool.execute(move || d.raise())
            .expect("execute on an idle pool");
        done.wait();
        assert_eq!(pool.join(), 0, "join's count of panics");
    });
}

#[test]
fn queued_jobs_run_once_before_join_returns() {
    let _check = kata_test::check(&DRAIN);
    // Two workers and the main thread: at the default bound of 3 this takes
    // ~10 s on two cores; at 2 a second or so, and a dropped job or an early
    // join needs no preemption at all to show.
    model::run_with_preemptions(2, || {
        let pool = ThreadPool::new(2, 1);
        let runs = Arc::new(AtomicUsize::new(0));
        for _ in 0..2 {
            let runs = Arc::clone(&runs);
            pool.execute(move || {
                runs.fetch_add(1, Ordering::SeqCst);
            })
            .expect("execute before shutdown");
        }
        pool.shutdown();
        assert_eq!(pool.join(), 0, "join's count of panics");
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "jobs that had run when join returned (2 were accepted)"
        );
    });
}
