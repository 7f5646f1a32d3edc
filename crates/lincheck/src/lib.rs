//! Is a concurrent history linearizable?
//!
//! Threads call into a shared object; each call is recorded with the time it
//! was invoked, the time it returned, and its result ([`Recorder`]). The
//! history is *linearizable* against a sequential [`Model`] when the calls
//! can be put in one order that (a) respects real time: a call that returned
//! before another was invoked comes first, and (b) explains every result:
//! running the model in that order gives each call the result it really got.
//!
//! [`check`] searches for such an order the way Wing and Gong proposed and
//! Lowe made practical: repeatedly pick a call that could take effect first
//! (one invoked before every remaining call returned), apply it to the model
//! if its result matches, and backtrack otherwise, remembering every
//! (calls done, model state) pair already explored so no state is searched
//! twice. The same idea drives Lincheck (JVM) and Porcupine (Go).
//!
//! When no order exists, the [`Violation`] says which results could not be
//! explained from the furthest point the search reached, and renders the
//! history as a per-thread timeline.

mod recorder;
mod render;

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

pub use recorder::{Recorder, ThreadRecorder};

/// The sequential specification: a state that operations step forward.
pub trait Model: Clone + Eq + Hash + Debug {
    type Op: Debug;
    type Ret: PartialEq + Debug;

    /// Applies `op`, returning the result a correct sequential object gives.
    fn step(&mut self, op: &Self::Op) -> Self::Ret;
}

/// One completed call.
#[derive(Clone, Debug)]
pub struct Call<Op, Ret> {
    pub thread: usize,
    pub op: Op,
    pub ret: Ret,
    /// Logical times from one clock: `invoke < response`.
    pub invoke: u64,
    pub response: u64,
}

/// The result of a successful check: the calls, by index, in an order that
/// explains every result.
pub type Linearization = Vec<usize>;

/// Why a history is not linearizable.
#[derive(Debug)]
pub struct Violation {
    /// The longest prefix of calls the search could explain.
    pub explained: Vec<usize>,
    /// The model's state after that prefix, rendered.
    pub state: String,
    /// Calls that could have come next but whose results the model
    /// contradicts: (call index, what the model would return).
    pub contradicted: Vec<(usize, String)>,
    /// The whole report, for a test failure message.
    pub report: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.report)
    }
}

/// The most calls one history may hold; histories are meant to be short
/// (many short histories find more than one long one, and stay fast).
pub const MAX_CALLS: usize = 128;

/// Searches for a linearization of `history` starting from `initial`.
///
/// # Panics
///
/// Panics if the history holds more than [`MAX_CALLS`] calls.
pub fn check<M: Model>(
    initial: &M,
    history: &[Call<M::Op, M::Ret>],
) -> Result<Linearization, Violation> {
    assert!(
        history.len() <= MAX_CALLS,
        "a history of {} calls is too long to check; keep it to {MAX_CALLS}",
        history.len()
    );
    let mut search = Search {
        history,
        seen: HashSet::new(),
        order: Vec::new(),
        best: Vec::new(),
        best_state: initial.clone(),
    };
    let all: u128 = if history.len() == 128 {
        u128::MAX
    } else {
        (1u128 << history.len()) - 1
    };
    if search.dfs(initial.clone(), all) {
        return Ok(search.order);
    }
    Err(violation(history, &search.best, &search.best_state))
}

struct Search<'h, M: Model> {
    history: &'h [Call<M::Op, M::Ret>],
    seen: HashSet<(u128, M)>,
    order: Vec<usize>,
    best: Vec<usize>,
    best_state: M,
}

// ANCHOR: search
impl<M: Model> Search<'_, M> {
    /// `remaining` is the set of calls not yet placed, as a bit mask.
    fn dfs(&mut self, model: M, remaining: u128) -> bool {
        if remaining == 0 {
            return true;
        }
        if self.order.len() > self.best.len() {
            self.best = self.order.clone();
            self.best_state = model.clone();
        }
        for i in candidates(self.history, remaining) {
            let mut next = model.clone();
            if next.step(&self.history[i].op) != self.history[i].ret {
                continue;
            }
            let rest = remaining & !(1u128 << i);
            if !self.seen.insert((rest, next.clone())) {
                continue;
            }
            self.order.push(i);
            if self.dfs(next, rest) {
                return true;
            }
            self.order.pop();
        }
        false
    }
}

/// The calls that may take effect next: those invoked before the earliest
/// response among the remaining calls (anything later must follow that call).
fn candidates<Op, Ret>(history: &[Call<Op, Ret>], remaining: u128) -> Vec<usize> {
    let live = || (0..history.len()).filter(move |i| remaining & (1u128 << i) != 0);
    let first_response = live()
        .map(|i| history[i].response)
        .min()
        .unwrap_or(u64::MAX);
    let mut c: Vec<usize> = live()
        .filter(|&i| history[i].invoke < first_response)
        .collect();
    // Earliest invoked first: the likeliest order, found fastest.
    c.sort_by_key(|&i| history[i].invoke);
    c
}
// ANCHOR_END: search

fn violation<M: Model>(history: &[Call<M::Op, M::Ret>], best: &[usize], state: &M) -> Violation {
    let mut remaining: u128 = 0;
    for i in 0..history.len() {
        if !best.contains(&i) {
            remaining |= 1u128 << i;
        }
    }
    let contradicted: Vec<(usize, String)> = candidates(history, remaining)
        .into_iter()
        .filter_map(|i| {
            let mut m = state.clone();
            let got = m.step(&history[i].op);
            (got != history[i].ret).then(|| (i, format!("{got:?}")))
        })
        .collect();
    let report = render::report(history, best, state, &contradicted);
    Violation {
        explained: best.to_vec(),
        state: format!("{state:?}"),
        contradicted,
        report,
    }
}

#[cfg(test)]
mod tests;
