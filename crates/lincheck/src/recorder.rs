//! Recording a history while threads run.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Call;

/// Collects the calls of one concurrent run. Share it by reference (or in an
/// `Arc`) and give each thread a [`ThreadRecorder`].
///
/// The clock is a std atomic on purpose: under loom it is invisible to the
/// model, so recording adds no happens-before edge that could hide a bug,
/// and since loom runs one thread at a time it still gives the real order.
#[derive(Debug)]
pub struct Recorder<Op, Ret> {
    clock: AtomicU64,
    calls: Mutex<Vec<Call<Op, Ret>>>,
}

impl<Op, Ret> Default for Recorder<Op, Ret> {
    fn default() -> Self {
        Self {
            clock: AtomicU64::new(0),
            calls: Mutex::new(Vec::new()),
        }
    }
}

impl<Op: Clone, Ret> Recorder<Op, Ret> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A handle for the thread numbered `thread`.
    pub fn thread(&self, thread: usize) -> ThreadRecorder<'_, Op, Ret> {
        ThreadRecorder {
            recorder: self,
            thread,
        }
    }

    fn tick(&self) -> u64 {
        // SeqCst: every thread's invoke and response times must fall in one
        // total order that matches real time.
        self.clock.fetch_add(1, Ordering::SeqCst)
    }

    /// The calls recorded so far, in order of invocation.
    pub fn history(&self) -> Vec<Call<Op, Ret>>
    where
        Ret: Clone,
    {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone();
        calls.sort_by_key(|c| c.invoke);
        calls
    }
}

/// One thread's way into a [`Recorder`].
#[derive(Debug)]
pub struct ThreadRecorder<'r, Op, Ret> {
    recorder: &'r Recorder<Op, Ret>,
    thread: usize,
}

impl<Op: Clone + std::fmt::Debug, Ret: std::fmt::Debug> ThreadRecorder<'_, Op, Ret> {
    /// Records `op` around `f`, which performs it and returns its result.
    /// Under loom the call and its result are also steps of the execution's
    /// timeline (`kata_hooks::trace`), between the kata's own steps.
    pub fn call(&self, op: Op, f: impl FnOnce(&Op) -> Ret) -> Ret
    where
        Ret: Clone,
    {
        let invoke = self.recorder.tick();
        kata_hooks::trace::step(None, || format!("call {op:?}"));
        let ret = f(&op);
        kata_hooks::trace::step(None, || format!("returned {ret:?}"));
        let response = self.recorder.tick();
        self.recorder
            .calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Call {
                thread: self.thread,
                op,
                ret: ret.clone(),
                invoke,
                response,
            });
        ret
    }
}
