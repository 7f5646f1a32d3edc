//! The synchronisation steps of one loom execution, for the counterexample
//! timeline.
//!
//! Under loom the facade records every step a thread takes (a lock, an
//! unlock, a wait and its wakeup, a notify, each atomic operation with its
//! ordering and value, a spawn and a join) with the kata's `file:line`.
//! When an execution fails, the panic record carries these steps, and
//! `cargo xtask check` draws them as a timeline, one column per thread.
//!
//! Only the current execution is kept: [`crate::reset`] clears the record
//! when loom starts the next one, so memory grows with one execution, never
//! with the search. On real threads nothing is recorded: a global record
//! would serialise the very threads the stress stage wants to race, and the
//! suites' own event logs already show what each real thread last did.

use std::collections::VecDeque;
use std::panic::Location;
use std::sync::Mutex as StdMutex;

use crate::lock;

/// One step of one thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The thread's name, or its id when it has none (`ThreadId(0)` is the
    /// model's main thread).
    pub thread: String,
    /// What it did, e.g. `m1.lock`, `a2.load(Acquire) = 0`.
    pub what: String,
    /// Where the kata (or the suite) asked for it; line 0 when no call
    /// site names it (a guard dropped at the end of a scope).
    pub file: &'static str,
    pub line: u32,
}

/// The most steps kept: the end of a long execution is what explains its
/// failure.
const KEEP: usize = 4_096;

struct Record {
    steps: VecDeque<Step>,
    /// Steps taken in this execution, including those no longer kept.
    total: u64,
    /// Addresses of the primitives seen in this execution, in order of
    /// first use: `m1` is the first mutex the execution touched.
    objects: Vec<(&'static str, usize)>,
}

static RECORD: StdMutex<Record> = StdMutex::new(Record {
    steps: VecDeque::new(),
    total: 0,
    objects: Vec::new(),
});

/// Records that the current thread took the step `what` at `location`.
/// `what` is only built under loom.
pub fn step(location: Option<&'static Location<'static>>, what: impl FnOnce() -> String) {
    if !cfg!(loom) {
        return;
    }
    let step = Step {
        thread: crate::threads::current_label(),
        what: what(),
        file: location.map_or("", |l| l.file()),
        line: location.map_or(0, |l| l.line()),
    };
    let mut r = lock(&RECORD);
    r.total += 1;
    if r.steps.len() == KEEP {
        r.steps.pop_front();
    }
    r.steps.push_back(step);
}

/// A short name for the primitive at `addr`, stable within one execution:
/// `kind` followed by its order of first use (`m1`, `cv2`, `a1`).
pub fn name(kind: &'static str, addr: usize) -> String {
    let mut r = lock(&RECORD);
    let seen = |r: &Record| {
        r.objects
            .iter()
            .filter(|&&(k, _)| k == kind)
            .position(|&(_, a)| a == addr)
    };
    let i = match seen(&r) {
        Some(i) => i,
        None => {
            r.objects.push((kind, addr));
            r.objects.iter().filter(|&&(k, _)| k == kind).count() - 1
        }
    };
    format!("{kind}{}", i + 1)
}

/// The steps kept for the current execution, oldest first, and how many
/// were taken in all.
pub fn steps() -> (Vec<Step>, u64) {
    let r = lock(&RECORD);
    (r.steps.iter().cloned().collect(), r.total)
}

/// Forgets the current execution's steps.
pub(crate) fn clear() {
    let mut r = lock(&RECORD);
    r.steps.clear();
    r.total = 0;
    r.objects.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_first_use_per_kind() {
        clear();
        assert_eq!(name("m", 0x30), "m1");
        assert_eq!(name("a", 0x10), "a1");
        assert_eq!(name("m", 0x20), "m2");
        assert_eq!(name("m", 0x30), "m1");
        assert_eq!(name("m", 0x20), "m2");
        clear();
        assert_eq!(name("m", 0x20), "m1");
    }
}
