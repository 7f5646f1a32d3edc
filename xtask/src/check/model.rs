//! The model stage's limits: when loom gives up, which tests look again,
//! and with what budget.

use kata_verdict::model::{DEFAULT_PREEMPTIONS, time_budget};

use super::*;

/// How a branch-limit failure says it.
pub(super) const GAVE_UP: &str = "loom gave up after too many steps";

/// The branch budget of the second look at a model loom gave up on.
pub(super) const LARGER_BRANCH_BUDGET: usize = 200_000;

/// How the title of a failure that is the checker's limitation begins.
pub(super) const CHECKER_LIMIT: &str = "not verified:";

/// Whether a failure is a limit of the search (loom gave up on its branch
/// budget, or ran out of time), not a finding.
pub(super) fn is_limit(f: &Failure) -> bool {
    f.limit.is_some()
}

/// The model stage's policy when the search, not the kata, hit a limit
/// (busy-waits make loom's search much larger than blocking waits do):
///
/// 1. a second look with a much larger branch budget, at the same bound;
/// 2. then looks at preemption bounds 2, 1 and 0: a search that finishes
///    there is PARTLY verified, naming the bound, and never printed `ok`;
/// 3. a real finding (a data race, a deadlock, a failed assertion) at any
///    step is the verdict; a search that never finishes is NOT VERIFIED.
pub(super) fn model_second_looks(
    first: StageResult,
    mut rerun: impl FnMut(&[(&str, String)], &[String]) -> StageResult,
) -> StageResult {
    let limits_only = |r: &StageResult| match &r.status {
        Status::Fail(f) | Status::Unverified(f) => f.iter().all(is_limit),
        _ => false,
    };
    if !limits_only(&first) {
        return first;
    }
    // Only the tests that hit a limit look again (the others were explored
    // in full), each look with a third of the first one's time: a search
    // that did not fit at one bound is usually far smaller at the next.
    let limited: Vec<String> = match &first.status {
        Status::Fail(f) | Status::Unverified(f) => f.iter().map(|f| f.test.clone()).collect(),
        _ => Vec::new(),
    };
    let budget = ("KATA_LOOM_MAX_BRANCHES", LARGER_BRANCH_BUDGET.to_string());
    let time = (
        "KATA_LOOM_BUDGET_SECS",
        format!("{:.0}", (time_budget().as_secs_f64() / 3.0).max(1.0)),
    );
    let out_of_time = matches!(&first.status,
        Status::Fail(f) | Status::Unverified(f) if f.iter().any(|f| f.limit == Some(Limit::OutOfTime)));
    // A search that ran out of time would only take longer with a larger
    // branch budget: go straight to the lower bounds.
    let mut last = if out_of_time {
        first
    } else {
        rerun(&[budget.clone(), time.clone()], &limited)
    };
    if !limits_only(&last) {
        return last;
    }
    for bound in [2, 1, 0] {
        let again = rerun(
            &[
                budget.clone(),
                time.clone(),
                ("KATA_LOOM_PREEMPTIONS", bound.to_string()),
            ],
            &limited,
        );
        match again.status {
            Status::Pass(summary) => {
                return StageResult {
                    status: Status::Partial(format!(
                        "{summary} at preemption bound {bound}, not {DEFAULT_PREEMPTIONS}: the busy-waits made the full search too large, so interleavings that need more than {bound} preemptions were NOT explored (the stage's other tests were explored in full)"
                    )),
                    ..again
                };
            }
            _ if limits_only(&again) => last = again,
            _ => return again,
        }
    }
    if let Status::Fail(f) = last.status {
        last.status = Status::Unverified(f);
    }
    last
}
