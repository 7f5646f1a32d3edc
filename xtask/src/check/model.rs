//! The model stage: loom's search, and its limits: when loom gives up,
//! which tests look again, with what budget, and the second explorer.

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
/// 2. then the second explorer, shuttle, samples the same tests with its
///    PCT scheduler (`sample`), which a busy-wait cannot stall: a finding
///    there is the verdict;
/// 3. then loom looks at preemption bounds 0, 1 and 2, in that order until
///    one does not finish, for what shuttle does not model (weak memory). Both finishing is a pass that says what
///    each explored; one of them alone is PARTLY verified, never `ok`;
/// 4. a real finding (a data race, a deadlock, a failed assertion) at any
///    step is the verdict; a search that never finishes is NOT VERIFIED.
pub(super) fn model_second_looks(
    first: StageResult,
    mut rerun: impl FnMut(&[(&str, String)], &[String]) -> StageResult,
    sample: impl FnOnce(&[String]) -> Option<StageResult>,
) -> StageResult {
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
    // The second explorer first: it takes seconds where loom's lower bounds
    // take minutes, and a bug it finds ends the stage at once.
    let sampled = sample(&limited);
    let sample_took = sampled.as_ref().map_or(Duration::ZERO, |s| s.took);
    let shuttle = match sampled {
        Some(s) => match s.status {
            Status::Pass(summary) => Some(summary),
            Status::Fail(_) | Status::Unverified(_) if limits_only(&s) => None,
            // A finding: the busy-wait hid a real bug from loom.
            _ => return s,
        },
        None => None,
    };
    // Upwards from bound 0, until a bound does not finish: the search grows
    // with the bound, so a bound that ran out of time says the next would
    // too, and the time goes to bounds that finish.
    let mut loom_bound = None;
    for bound in 0..DEFAULT_PREEMPTIONS {
        let again = rerun(
            &[
                budget.clone(),
                time.clone(),
                ("KATA_LOOM_PREEMPTIONS", bound.to_string()),
            ],
            &limited,
        );
        match &again.status {
            Status::Pass(summary) => {
                loom_bound = Some((bound, summary.clone()));
                last = again;
            }
            _ if limits_only(&again) => {
                if loom_bound.is_none() {
                    last = again;
                }
                break;
            }
            _ => return again,
        }
    }
    let took = last.took + sample_took;
    let tests = plural(limited.len(), "test");
    let status = match (loom_bound, shuttle) {
        // Both explorers finished: loom every interleaving up to `bound`
        // preemptions, weak memory included; shuttle a fixed sample of
        // deeper schedules, which a busy-wait cannot stall.
        (Some((bound, loom)), Some(shuttle)) => Status::Pass(format!(
            "{tests} with busy-waits: loom {loom} at preemption bound {bound} (its full search at {DEFAULT_PREEMPTIONS} does not end when threads spin), and shuttle sampled deeper schedules: {shuttle} (the stage's other tests were explored in full)"
        )),
        (Some((bound, loom)), None) => Status::Partial(format!(
            "{loom} at preemption bound {bound}, not {DEFAULT_PREEMPTIONS}: the busy-waits made the full search too large, so interleavings that need more than {bound} preemptions were NOT explored, and shuttle could not sample them either (the stage's other tests were explored in full)"
        )),
        (None, Some(shuttle)) => Status::Partial(format!(
            "{tests} with busy-waits: loom could not finish even at preemption bound 0, so weak-memory behaviour (a Relaxed flag) was NOT explored; shuttle sampled the interleavings: {shuttle}"
        )),
        (None, None) => match last.status {
            Status::Fail(f) => Status::Unverified(f),
            other => other,
        },
    };
    StageResult {
        status,
        took,
        ..last
    }
}

/// Runs the model stage once `job`, its loom build, is done: loom's search,
/// then, when busy-waits stop it, the second looks of
/// [`model_second_looks`]. `Err` is the checker's own failure (cargo could
/// not build), never a verdict on the kata.
pub(super) fn run_model(
    job: build::Job,
    pkg: &package::Package,
    subject: &Subject,
    env: &[(String, String)],
    out: &Out,
) -> Result<StageResult, String> {
    // The stage's time counts from here: the build ran beside the others.
    let t = Instant::now();
    let lb = job.wait();
    if let Some(e) = lb.cargo_error {
        return Err(format!("cargo could not build the loom model:\n{e}"));
    }
    let Some(exe) = lb.executables.get("model") else {
        return Ok(StageResult {
            stage: Stage::Model,
            status: Status::Fail(
                lb.errors
                    .iter()
                    .map(|d| {
                        let mut f = compile_failure(d);
                        f.title = "does not compile under loom (--cfg loom)".into();
                        f
                    })
                    .collect(),
            ),
            took: t.elapsed(),
        });
    };
    let first = run_stage(Stage::Model, exe, subject, &pkg.dir, env, &[], out);
    // Busy-waits that loom could not bound: build the second explorer now
    // (beside loom's look with a larger branch budget, when it takes one;
    // warm, only the changed package rebuilds).
    let mut shuttle = Background(
        limits_only(&first).then(|| build::spawn(pkg, Flavor::Shuttle, &["model"], out, false)),
    );
    let sample = |tests: &[String]| {
        let job = shuttle.0.take()?;
        job.show_progress();
        let sb = job.wait();
        let exe = sb.executables.get("model")?;
        Some(run_stage(
            Stage::Model,
            exe,
            subject,
            &pkg.dir,
            env,
            tests,
            out,
        ))
    };
    let rerun = |extra: &[(&str, String)], tests: &[String]| {
        let mut env = env.to_vec();
        env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        run_stage(Stage::Model, exe, subject, &pkg.dir, &env, tests, out)
    };
    let mut r = model_second_looks(first, rerun, sample);
    r.took = t.elapsed();
    Ok(r)
}

/// The model stage's second explorer alone: every model test of `subject`
/// sampled by shuttle, with no loom search first. `cargo xtask test` uses
/// it to prove that shuttle finds, by itself, the bugs that spinning
/// mutants hide behind their busy-waits.
pub fn sample_with_shuttle(kata: &Kata, subject: &Subject, out: &Out) -> StageResult {
    let internal = |what: String| StageResult {
        stage: Stage::Model,
        status: Status::Fail(vec![Failure {
            title: "the shuttle flavour could not be built".into(),
            what,
            ..Failure::default()
        }]),
        took: Duration::ZERO,
    };
    let pkg = match package::generate(kata, subject) {
        Ok(p) => p,
        Err(e) => return internal(e),
    };
    let b = build::build(&pkg, Flavor::Shuttle, &["model"], out);
    let Some(exe) = b.executables.get("model") else {
        return internal(b.cargo_error.unwrap_or_else(|| {
            b.errors
                .iter()
                .map(|d| d.rendered.clone())
                .collect::<Vec<_>>()
                .join("\n")
        }));
    };
    let env = [(
        "CARGO_MANIFEST_DIR".to_owned(),
        pkg.dir.display().to_string(),
    )];
    run_stage(Stage::Model, exe, subject, &pkg.dir, &env, &[], out)
}

/// A background build that is cancelled if nobody waits for it.
pub(super) struct Background(pub(super) Option<build::Job>);

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(job) = self.0.take() {
            job.cancel();
        }
    }
}

/// Whether a stage's only failures are limits of the search.
pub(super) fn limits_only(r: &StageResult) -> bool {
    match &r.status {
        Status::Fail(f) | Status::Unverified(f) => f.iter().all(is_limit),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(status: Status) -> StageResult {
        StageResult {
            stage: Stage::Model,
            status,
            took: Duration::ZERO,
        }
    }

    fn out_of_time() -> StageResult {
        result(Status::Unverified(vec![Failure {
            test: "spins".into(),
            limit: Some(Limit::OutOfTime),
            ..Failure::default()
        }]))
    }

    fn finding() -> StageResult {
        result(Status::Fail(vec![Failure {
            test: "spins".into(),
            what: "not linearizable".into(),
            ..Failure::default()
        }]))
    }

    fn pass(s: &str) -> StageResult {
        result(Status::Pass(s.into()))
    }

    /// Runs the policy on a first look that ran out of time, with loom
    /// finishing at `loom_from` and below, and shuttle answering `shuttle`.
    fn policy(loom_from: Option<usize>, shuttle: Option<StageResult>) -> (StageResult, Vec<usize>) {
        let mut bounds = Vec::new();
        let r = model_second_looks(
            out_of_time(),
            |env: &[(&str, String)], tests: &[String]| {
                assert_eq!(
                    tests,
                    ["spins".to_owned()],
                    "only the limited test looks again"
                );
                let bound = env
                    .iter()
                    .find(|(k, _)| *k == "KATA_LOOM_PREEMPTIONS")
                    .map(|(_, v)| v.parse().expect("a bound"))
                    .expect("looks again at a stated bound");
                bounds.push(bound);
                match loom_from {
                    Some(b) if bound <= b => pass("1 test, 9 interleavings explored"),
                    _ => out_of_time(),
                }
            },
            |_| shuttle,
        );
        (r, bounds)
    }

    #[test]
    fn a_bug_shuttle_finds_behind_a_busy_wait_is_the_verdict_before_loom_looks_again() {
        let (r, bounds) = policy(Some(2), Some(finding()));
        assert!(matches!(r.status, Status::Fail(_)), "{:?}", r.status);
        assert!(
            bounds.is_empty(),
            "loom looked again after a finding: {bounds:?}"
        );
    }

    #[test]
    fn both_explorers_finishing_is_a_pass_that_names_both() {
        let (r, bounds) = policy(Some(1), Some(pass("1 test, 20000 schedules sampled")));
        assert_eq!(bounds, [0, 1, 2], "upwards, until a bound does not finish");
        let Status::Pass(s) = r.status else {
            panic!("not a pass: {:?}", r.status)
        };
        assert!(
            s.contains("preemption bound 1") && s.contains("20000 schedules"),
            "{s}"
        );
    }

    #[test]
    fn one_explorer_alone_is_never_ok() {
        let (r, _) = policy(Some(0), None);
        assert!(
            matches!(&r.status, Status::Partial(s) if s.contains("NOT explored")),
            "{:?}",
            r.status
        );
        let (r, _) = policy(None, Some(pass("1 test, 20000 schedules sampled")));
        assert!(
            matches!(&r.status, Status::Partial(s) if s.contains("weak-memory")),
            "{:?}",
            r.status
        );
        let (r, bounds) = policy(None, None);
        assert!(matches!(r.status, Status::Unverified(_)), "{:?}", r.status);
        assert_eq!(bounds, [0], "a bound that does not finish ends the looks");
    }

    #[test]
    fn a_search_shuttle_could_not_finish_does_not_count_as_a_sample() {
        let (r, _) = policy(Some(0), Some(out_of_time()));
        assert!(matches!(r.status, Status::Partial(_)), "{:?}", r.status);
    }
}
