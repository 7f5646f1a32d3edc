//! The model stage's second explorer: shuttle's PCT scheduler, for the tests
//! whose busy-waits loom cannot bound.
//!
//! Built only in the shuttle flavour (`--cfg loom --cfg kata_shuttle`), where
//! the crate named `loom` is shuttle: the facade's loom code then runs on
//! shuttle's scheduler unchanged. Shuttle runs the modelled threads one at a
//! time, as loom does, but instead of trying every interleaving it samples
//! them with PCT (Burckhardt et al., "A Randomized Scheduler with
//! Probabilistic Guarantees of Finding Bugs", ASPLOS 2010). A thread that
//! yields (every spin through the facade does) loses its priority, so a
//! busy-wait hands the processor on instead of making the search endless.
//!
//! What it does not model: weak memory. Shuttle's atomics are sequentially
//! consistent, so a `Relaxed` flag is left to loom, which still explores
//! these tests at the largest preemption bound it can finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Schedules sampled per test unless `KATA_SHUTTLE_SCHEDULES` says otherwise.
pub const DEFAULT_SCHEDULES: usize = 50_000;

/// The seed of the schedules unless `KATA_SHUTTLE_SEED` says otherwise. Fixed,
/// so that a check gives the same verdict on every run, and a failure
/// replays with the same seed.
pub const DEFAULT_SEED: u64 = 0x6b61_7461;

/// Steps (stretches of code between two scheduling points) one schedule may
/// take before it counts as a spin that never ends.
pub const MAX_STEPS: usize = 200_000;

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Samples [`DEFAULT_SCHEDULES`] schedules of `f` with PCT at depth
/// `bound + 1`: `bound` priority changes, loom's preemptions' counterpart.
pub(crate) fn run<F>(bound: usize, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let schedules = env_or("KATA_SHUTTLE_SCHEDULES", DEFAULT_SCHEDULES);
    let seed = env_or("KATA_SHUTTLE_SEED", DEFAULT_SEED);
    let depth = bound + 1;
    let mut config = loom::Config::new();
    // Room for the panic reporter's backtrace, which runs on the failing
    // thread's own stack (shuttle's default is 60 KiB).
    config.stack_size = 1 << 20;
    config.max_steps = loom::MaxSteps::FailAfter(MAX_STEPS);
    let scheduler = loom::scheduler::PctScheduler::new_from_seed(seed, depth, schedules);
    let explored = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&explored);
    let budget = crate::model::time_budget();
    let start = crate::watchdog::process_cpu_time();
    let ran = loom::Runner::new(scheduler, config).run(move || {
        // Relaxed: shuttle runs one schedule at a time on this OS thread.
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let used = crate::watchdog::process_cpu_time().saturating_sub(start);
        if used > budget {
            crate::report::limit(&format!(
                "shuttle sampled {n} of {schedules} schedules in {:.0}s of CPU time without finding a bug, but did not finish within its budget (KATA_LOOM_BUDGET_SECS, {:.0}s of CPU time)",
                used.as_secs_f64(),
                budget.as_secs_f64()
            ));
            std::process::exit(0);
        }
        crate::events::progress();
        kata_hooks::reset();
        f();
    });
    crate::report::note("shuttle_schedules", ran as u64);
    crate::report::note("shuttle_depth", depth as u64);
    crate::report::note("shuttle_seed", seed);
}
