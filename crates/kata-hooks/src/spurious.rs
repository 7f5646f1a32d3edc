//! Which `Condvar::wait` calls return without a notification.
//!
//! std allows a wait to return spuriously, but neither parking_lot nor loom
//! ever does, so the classic bug of `if` where `while` belongs would go
//! unseen. Check builds therefore inject spurious wakeups, by a plan the
//! suites choose and kata code cannot see:
//!
//! - [`SpuriousPlan::Random`] (real threads): each thread starts with a
//!   streak of one or two spurious wakeups, then alternates one real wait
//!   with a streak of spurious ones whose length is drawn at random and
//!   grows with the number of real waits so far (up to 64). A wait under a
//!   single `if` is caught the first time; a chain of k `if`s is caught as
//!   soon as a streak of k lands on it, which a long run always produces.
//!   The draws come from a seed that the failure report prints, so
//!   `--seed` replays them.
//! - [`SpuriousPlan::Repeat`] (the model stage): a fixed per-thread pattern,
//!   by default two spurious wakeups then a real wait, so that every
//!   interleaving loom explores also has two spurious wakeups in a row.
//!
//! Every real wait in between means a missing `notify` still leaves its
//! waiter stuck, so that bug is caught too.

use std::sync::Mutex as StdMutex;

/// How the current run injects spurious wakeups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpuriousPlan {
    /// No injected wakeups.
    Off,
    /// Random streaks of growing length, from this seed.
    Random { seed: u64 },
    /// The same pattern on every thread, repeated.
    Repeat(Pattern),
}

/// A repeating per-thread pattern of waits: `true` is a spurious one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern(pub Vec<bool>);

impl Pattern {
    /// Two spurious wakeups, then a real wait.
    pub fn two_then_real() -> Self {
        Pattern(vec![true, true, false])
    }
}

static PLAN: StdMutex<Option<SpuriousPlan>> = StdMutex::new(None);

/// Sets the plan for the rest of the process (the suites call this once,
/// when a test starts). Threads that already waited keep their counters.
pub fn set_plan(plan: SpuriousPlan) {
    *PLAN.lock().unwrap_or_else(|e| e.into_inner()) = Some(plan);
}

fn plan() -> SpuriousPlan {
    PLAN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or(if cfg!(loom) {
            SpuriousPlan::Repeat(Pattern::two_then_real())
        } else {
            SpuriousPlan::Random { seed: 0 }
        })
}

#[derive(Default)]
struct PerThread {
    started: bool,
    waits: u64,
    rng: u64,
    streak: u32,
    real_waits: u32,
}

/// SplitMix64: small, fast and good enough to draw streak lengths.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash_label(label: &str) -> u64 {
    // FNV-1a: stable across runs, so a seed replays per thread name.
    label.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn decide(state: &mut PerThread) -> bool {
    let n = state.waits;
    state.waits += 1;
    match plan() {
        SpuriousPlan::Off => false,
        SpuriousPlan::Repeat(Pattern(p)) => !p.is_empty() && p[(n % p.len() as u64) as usize],
        SpuriousPlan::Random { seed } => {
            if !state.started {
                state.started = true;
                state.rng = seed ^ hash_label(&crate::threads::current_label());
                state.streak = 1 + (next(&mut state.rng) % 2) as u32;
            }
            if state.streak > 0 {
                state.streak -= 1;
                return true;
            }
            state.real_waits = state.real_waits.saturating_add(1);
            let longest = u64::from(state.real_waits.min(63)) + 1;
            state.streak = (next(&mut state.rng) % (longest + 1)) as u32;
            false
        }
    }
}

/// Whether the current `Condvar::wait` returns spuriously.
pub fn spurious_wakeup_now() -> bool {
    #[cfg(loom)]
    loom::thread_local! { static STATE: std::cell::RefCell<PerThread> = std::cell::RefCell::new(PerThread::default()); }
    #[cfg(not(loom))]
    std::thread_local! { static STATE: std::cell::RefCell<PerThread> = std::cell::RefCell::new(PerThread::default()); }
    STATE.with(|s| decide(&mut s.borrow_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(plan: SpuriousPlan, waits: usize) -> Vec<bool> {
        set_plan(plan);
        let mut s = PerThread::default();
        (0..waits).map(|_| decide(&mut s)).collect()
    }

    #[test]
    fn plans_start_spurious_make_long_streaks_and_replay_by_seed() {
        let seq = run(SpuriousPlan::Random { seed: 7 }, 20_000);
        assert!(seq[0], "the first wait must be spurious");
        assert!(seq.iter().any(|s| !s), "some waits must be real");
        let mut longest = 0;
        let mut current = 0;
        for s in &seq {
            current = if *s { current + 1 } else { 0 };
            longest = longest.max(current);
        }
        assert!(longest >= 20, "longest streak {longest}");
        // Two seeds give different plans; one seed gives the same plan twice.
        let again = run(SpuriousPlan::Random { seed: 7 }, 20_000);
        assert_eq!(seq, again);
        let other = run(SpuriousPlan::Random { seed: 8 }, 20_000);
        assert_ne!(seq, other);

        // One test, not two: the plan is process-wide.
        let seq = run(SpuriousPlan::Repeat(Pattern::two_then_real()), 6);
        assert_eq!(seq, [true, true, false, true, true, false]);
        set_plan(SpuriousPlan::Off);
    }
}
