//! mutant: queue-capped-at-64
//! stage: functional
//! bug: the queue holds at most 64 jobs whatever `queue_capacity` says (a fixed-size buffer, say), so with a larger capacity `try_execute` refuses jobs, and `execute` waits, while the queue has room. Every capacity up to 64 behaves.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};

use kata_sync::thread::{self, JoinHandle};
use kata_sync::{Arc, Condvar, Mutex};

/// Why a pool did not accept a job.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// The queue is full (only `try_execute` says this; `execute` waits).
    Full,
    /// `shutdown` (or `join`) has begun: the pool accepts no more jobs.
    ShutDown,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

// ANCHOR: state
/// What the lock guards. Everything a worker or a caller decides on lives
/// here, so each decision and the change it leads to happen in one critical
/// section.
struct State {
    /// Accepted jobs that no worker has taken yet, oldest first.
    queue: VecDeque<Job>,
    /// Set once by `shutdown`; never cleared.
    shut_down: bool,
    /// How many jobs have panicked so far.
    panics: usize,
}

struct Shared {
    state: Mutex<State>,
    capacity: usize,
    /// Signalled when a job is queued, and (to all) at shutdown. Only idle
    /// workers wait on it.
    job_ready: Condvar,
    /// Signalled when a worker takes a job, and (to all) at shutdown. Only
    /// callers of `execute` wait on it. A second condition variable, so that
    /// a `notify_one` meant for a worker can never be swallowed by a blocked
    /// caller, or the other way round.
    room: Condvar,
}
// ANCHOR_END: state

/// A fixed set of worker threads that run the jobs given to them, with a
/// bounded queue of jobs waiting to run.
pub struct ThreadPool {
    shared: Arc<Shared>,
    /// Taken (left empty) by the first of `join` and `drop`.
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl ThreadPool {
    /// Starts `workers` threads; at most `queue_capacity` accepted jobs wait
    /// to run.
    ///
    /// # Panics
    ///
    /// Panics if `workers` or `queue_capacity` is 0, naming the value.
    pub fn new(workers: usize, queue_capacity: usize) -> Self {
        assert!(
            workers > 0,
            "a ThreadPool needs at least 1 worker, got workers = {workers}"
        );
        assert!(
            queue_capacity > 0,
            "a ThreadPool needs a queue_capacity of at least 1, got queue_capacity = {queue_capacity}"
        );
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                // Grown as jobs arrive: the capacity is a bound, not a size
                // hint, and `new(1, 1 << 40)` must not ask for terabytes.
                queue: VecDeque::new(),
                shut_down: false,
                panics: 0,
            }),
            capacity: queue_capacity.min(64),
            job_ready: Condvar::new(),
            room: Condvar::new(),
        });
        let handles = (0..workers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || shared.work())
            })
            .collect();
        Self {
            shared,
            workers: Mutex::new(handles),
        }
    }

    // ANCHOR: execute
    /// Queues a job, blocking while the queue is full. `Err(ShutDown)` once
    /// shutdown has begun, including for a caller that was blocked when it
    /// began.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Rejected> {
        let mut state = self.shared.state.lock();
        // `while`, not `if`: a wait may return spuriously, and another caller
        // may take the room between the notify and our wakeup.
        while !state.shut_down && state.queue.len() == self.shared.capacity {
            self.shared.room.wait(&mut state);
        }
        self.push(&mut state, Box::new(job))
    }
    // ANCHOR_END: execute

    /// Like `execute`, but `Err(Full)` instead of blocking.
    pub fn try_execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Rejected> {
        let mut state = self.shared.state.lock();
        if !state.shut_down && state.queue.len() == self.shared.capacity {
            return Err(Rejected::Full);
        }
        self.push(&mut state, Box::new(job))
    }

    fn push(&self, state: &mut State, job: Job) -> Result<(), Rejected> {
        if state.shut_down {
            return Err(Rejected::ShutDown);
        }
        state.queue.push_back(job);
        // Still under the lock, so no worker can be between "the queue is
        // empty" and its wait: it is either waiting (and this wakes it) or it
        // will see the job. One job lets one worker go: notify_one.
        self.shared.job_ready.notify_one();
        Ok(())
    }

    // ANCHOR: shutdown
    /// Stops accepting jobs and returns at once; jobs already accepted still
    /// run.
    pub fn shutdown(&self) {
        let mut state = self.shared.state.lock();
        state.shut_down = true;
        drop(state);
        // Everyone waiting has a new reason to look: idle workers to exit
        // once the queue is drained, blocked callers to return ShutDown.
        self.shared.job_ready.notify_all();
        self.shared.room.notify_all();
    }
    // ANCHOR_END: shutdown

    // ANCHOR: join
    /// Shuts down, waits until every accepted job has run and every worker
    /// has exited, and returns how many jobs panicked.
    pub fn join(self) -> usize {
        self.finish()
    }
    // ANCHOR_END: join

    fn finish(&self) -> usize {
        self.shutdown();
        // Workers exit only once the queue is empty, so joining them waits
        // for every accepted job, running ones included.
        let handles = std::mem::take(&mut *self.workers.lock());
        for handle in handles {
            // A worker never panics: it catches its jobs' panics.
            if let Err(payload) = handle.join() {
                std::panic::resume_unwind(payload);
            }
        }
        self.shared.state.lock().panics
    }
}

impl Drop for ThreadPool {
    /// Behaves like `join`, and discards the count.
    fn drop(&mut self) {
        self.finish();
    }
}

impl Shared {
    // ANCHOR: work
    /// A worker's life: take the oldest job, run it outside the lock, repeat;
    /// exit once shutdown has begun and the queue is empty.
    fn work(&self) {
        loop {
            let job = {
                let mut state = self.state.lock();
                loop {
                    if let Some(job) = state.queue.pop_front() {
                        break job;
                    }
                    // An empty queue alone is no reason to exit: more jobs
                    // may come until shutdown.
                    if state.shut_down {
                        return;
                    }
                    // Waits with the lock released; the check above and this
                    // wait are one critical section, so no wakeup is lost.
                    self.job_ready.wait(&mut state);
                }
            };
            self.room.notify_one();
            // A panicking job must not take its worker with it: catch it,
            // count it, carry on. AssertUnwindSafe: the job is gone after
            // this call, so nobody can observe its broken state through it.
            if catch_unwind(AssertUnwindSafe(job)).is_err() {
                self.state.lock().panics += 1;
            }
        }
    }
    // ANCHOR_END: work
}
