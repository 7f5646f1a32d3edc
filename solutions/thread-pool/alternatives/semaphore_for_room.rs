//! alternative: semaphore-for-room
//! why: the room in the queue is a count, so a `Semaphore` with `queue_capacity` permits can stand for it: execute takes a permit (blocking while the queue is full), a worker gives one back when it takes a job. A semaphore cannot be told to stop waiting, so shutdown releases one permit and every caller that wakes into a shut-down pool passes its permit on: a chain that frees every blocked caller.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};

use kata_sync::thread::{self, JoinHandle};
use kata_sync::{Arc, Condvar, Mutex, Semaphore};

/// Why a pool did not accept a job.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    Full,
    ShutDown,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

struct State {
    queue: VecDeque<Job>,
    shut_down: bool,
    panics: usize,
}

struct Shared {
    state: Mutex<State>,
    /// Idle workers wait here for a job or for shutdown.
    job_ready: Condvar,
    /// One permit per free place in the queue.
    room: Semaphore,
}

/// A fixed set of worker threads with a bounded queue of jobs.
pub struct ThreadPool {
    shared: Arc<Shared>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl ThreadPool {
    /// Starts `workers` threads; at most `queue_capacity` accepted jobs wait.
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
                queue: VecDeque::new(),
                shut_down: false,
                panics: 0,
            }),
            job_ready: Condvar::new(),
            room: Semaphore::new(queue_capacity),
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

    /// Queues a job, blocking while the queue is full.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Rejected> {
        if self.shared.state.lock().shut_down {
            return Err(Rejected::ShutDown);
        }
        self.shared.room.acquire();
        self.push(Box::new(job))
    }

    /// Like `execute`, but `Err(Full)` instead of blocking.
    pub fn try_execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Rejected> {
        if self.shared.state.lock().shut_down {
            return Err(Rejected::ShutDown);
        }
        if !self.shared.room.try_acquire() {
            return Err(Rejected::Full);
        }
        self.push(Box::new(job))
    }

    /// Pushes a job for which a place is held.
    fn push(&self, job: Job) -> Result<(), Rejected> {
        let mut state = self.shared.state.lock();
        if state.shut_down {
            drop(state);
            // Pass the place on: it may wake the next caller blocked in
            // `acquire`, which will find the pool shut down in turn.
            self.shared.room.release();
            return Err(Rejected::ShutDown);
        }
        state.queue.push_back(job);
        self.shared.job_ready.notify_one();
        Ok(())
    }

    /// Stops accepting jobs and returns at once.
    pub fn shutdown(&self) {
        let mut state = self.shared.state.lock();
        let first = !state.shut_down;
        state.shut_down = true;
        drop(state);
        self.shared.job_ready.notify_all();
        if first {
            // Starts the chain that frees every caller blocked in acquire.
            self.shared.room.release();
        }
    }

    /// Shuts down, waits for every job and worker, returns the panics.
    pub fn join(self) -> usize {
        self.finish()
    }

    fn finish(&self) -> usize {
        self.shutdown();
        for handle in std::mem::take(&mut *self.workers.lock()) {
            if let Err(payload) = handle.join() {
                std::panic::resume_unwind(payload);
            }
        }
        self.shared.state.lock().panics
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Shared {
    fn work(&self) {
        loop {
            let job = {
                let mut state = self.state.lock();
                loop {
                    if let Some(job) = state.queue.pop_front() {
                        break job;
                    }
                    if state.shut_down {
                        return;
                    }
                    self.job_ready.wait(&mut state);
                }
            };
            self.room.release();
            if catch_unwind(AssertUnwindSafe(job)).is_err() {
                self.state.lock().panics += 1;
            }
        }
    }
}
