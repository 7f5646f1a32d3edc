//! The model stage's runner: loom with a stated preemption bound.

/// The preemption bound used unless `KATA_LOOM_PREEMPTIONS` says otherwise.
///
/// Loom explores every interleaving that needs at most this many involuntary
/// thread switches. Three finds every bug the mutant catalogue holds while
/// keeping each kata's model stage to a few seconds on two cores.
pub use kata_verdict::model::DEFAULT_PREEMPTIONS;

/// How much CPU time one model test may spend exploring before it stops and
/// reports that it did not finish: `KATA_LOOM_BUDGET_SECS`, 30 seconds by
/// default (`cargo xtask check` then looks again at lower bounds, and says
/// so). CPU time, not wall time: on a machine busy with other work the
/// search is slower, but it covers exactly what it covers on an idle one.
pub use kata_verdict::model::time_budget;

/// loom's limit on scheduling decisions in one execution, unless
/// `KATA_LOOM_MAX_BRANCHES` says otherwise (loom's own default is 1,000).
pub const DEFAULT_MAX_BRANCHES: usize = 10_000;

/// Explores every interleaving of `f` that needs at most
/// [`DEFAULT_PREEMPTIONS`] preemptions.
pub fn run<F>(f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    run_with_preemptions(DEFAULT_PREEMPTIONS, f);
}

// ANCHOR: run_with_preemptions
/// Like [`run`], with another default bound, for scenarios whose state space
/// at the default would blow the time budget. Say why at the call site.
/// `KATA_LOOM_PREEMPTIONS` still overrides it.
pub fn run_with_preemptions<F>(default_bound: usize, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let bound = std::env::var("KATA_LOOM_PREEMPTIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_bound);
    #[cfg(kata_shuttle)]
    {
        crate::shuttle::run(bound, f);
    }
    #[cfg(not(kata_shuttle))]
    run_loom(bound, f);
}

#[cfg(not(kata_shuttle))]
fn run_loom<F>(bound: usize, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(bound);
    // Never `max_duration`: loom would stop early and call it a pass.
    builder.max_duration = None;
    builder.max_permutations = None;
    // How many scheduling decisions one execution may take before loom gives
    // up on it ("too many branches"). Facade atomics yield on a spin, so a
    // busy-wait rarely gets near this; `cargo xtask check` raises it once
    // before it calls a model unverifiable.
    builder.max_branches = std::env::var("KATA_LOOM_MAX_BRANCHES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_MAX_BRANCHES);
    let executions = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&executions);
    let budget = time_budget();
    // The process's CPU clock: loom runs every execution on this one OS
    // thread, so this is the search's own time, whatever else the machine
    // is doing.
    let start = crate::watchdog::process_cpu_time();
    builder.check(move || {
        // Relaxed: loom runs one execution at a time on this OS thread.
        let explored = counter.fetch_add(1, Ordering::Relaxed);
        let used = crate::watchdog::process_cpu_time().saturating_sub(start);
        if used > budget {
            // Never a pass for a search cut short (loom's own time limit
            // would report one): say what was explored, and stop.
            crate::report::limit(&format!(
                "the model checker explored {explored} interleavings in {:.0}s of CPU time without finding a bug, but did not finish the search within its budget (KATA_LOOM_BUDGET_SECS, {:.0}s of CPU time)",
                used.as_secs_f64(),
                budget.as_secs_f64()
            ));
            std::process::exit(0);
        }
        crate::events::progress();
        kata_hooks::reset();
        f();
    });
    crate::report::note("loom_executions", executions.load(Ordering::Relaxed));
    crate::report::note("loom_preemption_bound", bound as u64);
}
// ANCHOR_END: run_with_preemptions
