//! `cargo xtask check <kata>`: run the hidden suite against a kata.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::build::{self, Flavor};
use crate::kata::{self, Kata, Subject};
use crate::runner::{self, Outcome, TestRun};
use crate::term::Out;
use crate::{Code, package, paths, scan};

#[derive(clap::Args)]
pub struct Args {
    /// The kata to check, e.g. `bounded-blocking-queue`.
    pub kata: String,
    /// Check the reference solution instead of your kata.
    #[arg(long, conflicts_with = "impl_file")]
    pub solution: bool,
    /// Check this single Rust file in place of the kata. Nothing is written
    /// to `katas/`.
    #[arg(long = "impl", value_name = "FILE")]
    pub impl_file: Option<PathBuf>,
    /// Replay a run's randomness (injected spurious wakeups, the stress
    /// stage's timing): a failure report prints the seed it used.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Skip the Miri stage of the katas that allow `unsafe` (it takes a
    /// minute or two); the verdict says what was not checked.
    #[arg(long)]
    pub no_miri: bool,
    /// Re-run only the failing test a report names after `replay`, e.g.
    /// `model/a_job_wakes_an_idle_worker` (loom finds the same interleaving
    /// again: its search is deterministic) or `stress/<test>@<seed>` (the
    /// same randomness; real threads' timing cannot be replayed).
    #[arg(long, value_name = "TOKEN")]
    pub replay: Option<String>,
    /// How many steps of a failing interleaving the timeline shows (the
    /// last ones before the failure).
    #[arg(long, value_name = "N", default_value_t = crate::timeline::DEFAULT_ROWS)]
    pub trace_steps: usize,
}

/// One test to re-run alone (`--replay`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    pub stage: Stage,
    pub test: String,
    pub seed: Option<u64>,
}

impl Replay {
    /// `stage/test` or `stage/test@seed`.
    pub fn parse(token: &str) -> Result<Replay, String> {
        let bad = || {
            format!(
                "`{token}` is not a replay token: a failure report prints one, like `model/some_test` or `stress/some_test@1234`"
            )
        };
        let (stage, rest) = token.split_once('/').ok_or_else(bad)?;
        let stage = Stage::parse(stage).ok_or_else(bad)?;
        if !matches!(stage, Stage::Functional | Stage::Stress | Stage::Model) {
            return Err(format!(
                "only a functional, stress or model failure can be replayed, not `{token}`"
            ));
        }
        let (test, seed) = match rest.rsplit_once('@') {
            Some((t, n)) => (t, Some(n.parse().map_err(|_| bad())?)),
            None => (rest, None),
        };
        if test.is_empty() {
            return Err(bad());
        }
        Ok(Replay {
            stage,
            test: test.to_owned(),
            seed,
        })
    }

    /// The token that names this test's failure, for a report.
    pub fn token(stage: Stage, test: &str) -> String {
        match stage {
            Stage::Model => format!("model/{test}"),
            _ => format!("{}/{test}@{}", stage.name(), seed()),
        }
    }
}

/// The test `--replay` re-runs, if it was given.
static REPLAY: std::sync::OnceLock<Replay> = std::sync::OnceLock::new();

/// Why a stage did not run under `--replay`, or `None` if it runs.
fn replay_skips(stage: Stage) -> Option<StageResult> {
    let r = REPLAY.get()?;
    (r.stage != stage).then(|| StageResult {
        stage,
        status: Status::Skip(format!("--replay runs only {}/{}", r.stage.name(), r.test)),
        took: Duration::ZERO,
    })
}

/// This process's seed for the suites' randomness: `--seed`, or fresh.
static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// The seed every test of this check gets as `KATA_SEED`.
pub fn seed() -> u64 {
    *SEED.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.finish() % 1_000_000_000
    })
}

/// The stages, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Facade,
    Build,
    Api,
    Functional,
    Stress,
    Model,
    /// Only for the katas that allow `unsafe`: the functional tests under
    /// Miri, for undefined behaviour loom does not model.
    Miri,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Facade,
        Stage::Build,
        Stage::Api,
        Stage::Functional,
        Stage::Stress,
        Stage::Model,
        Stage::Miri,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Facade => "facade",
            Stage::Build => "build",
            Stage::Api => "api",
            Stage::Functional => "functional",
            Stage::Stress => "stress",
            Stage::Model => "model",
            Stage::Miri => "miri",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.name() == s)
    }

    /// The suite's test target for this stage, if it has one.
    fn target(self) -> Option<&'static str> {
        match self {
            Stage::Api => Some("api"),
            Stage::Functional => Some("functional"),
            Stage::Stress => Some("stress"),
            Stage::Model => Some("model"),
            Stage::Facade | Stage::Build | Stage::Miri => None,
        }
    }

    /// Parallel test processes: stress tests bring their own threads.
    fn jobs(self) -> usize {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        match self {
            Stage::Stress | Stage::Api => 1,
            _ => cores,
        }
    }
}

/// One failing test (or scan finding, or compile error), ready to print.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    pub title: String,
    pub property: Option<String>,
    pub what: String,
    pub at: Option<String>,
    pub cause: Option<String>,
    pub book: Option<String>,
    /// The failing interleaving, drawn (model stage failures).
    pub timeline: Option<String>,
    /// The `--replay` token that re-runs just this failure.
    pub replay: Option<String>,
    /// The test that failed, for a failure of a test stage.
    pub test: String,
    pub output: String,
}

#[derive(Debug, Clone)]
pub enum Status {
    Pass(String),
    Fail(Vec<Failure>),
    Skip(String),
    /// The stage could not verify what it usually does, through no proven
    /// fault of the kata (the model checker could not bound its search, or
    /// crashed inside itself). Never a pass; the failures say what was not
    /// verified and why.
    Unverified(Vec<Failure>),
    /// The stage passed, but verified less than it usually does (the model
    /// stage at a lower preemption bound); the text says what was not
    /// explored. Counts as a pass, and is never printed as `ok`.
    Partial(String),
}

#[derive(Debug, Clone)]
pub struct StageResult {
    pub stage: Stage,
    pub status: Status,
    pub took: Duration,
}

pub enum Verdict {
    /// Every function is still `todo!()`.
    NotStarted,
    /// Some `todo!()` are left, at these places.
    Unfinished(Vec<String>),
    Ran(Vec<StageResult>),
    /// The project itself is broken.
    Internal(String),
}

pub fn run(args: &Args, out: &Out) -> Code {
    crate::timeline::set_rows(args.trace_steps);
    if let Some(token) = &args.replay {
        match Replay::parse(token) {
            Ok(r) => {
                if let Some(seed) = r.seed.or(args.seed) {
                    let _ = SEED.set(seed);
                }
                let _ = REPLAY.set(r);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Code::Usage;
            }
        }
    }
    if let Some(seed) = args.seed {
        let _ = SEED.set(seed);
    }
    if args.no_miri {
        // Relaxed: set before any check starts.
        crate::miri::ENABLED.store(false, std::sync::atomic::Ordering::Relaxed);
    }
    let kata = match kata::find(&args.kata) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Usage;
        }
    };
    let subject = if args.solution {
        Subject::solution(&kata)
    } else if let Some(f) = &args.impl_file {
        match Subject::file(&kata, f) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return Code::Usage;
            }
        }
    } else {
        Subject::kata(&kata)
    };
    let learner = !args.solution && args.impl_file.is_none();
    check_subject(&kata, &subject, &rerun_command(args), learner, out)
}

/// Checks the learner's own kata, as `cargo xtask check <kata>` does, and
/// remembers the verdict for `list` (`watch` uses this).
pub fn check_learner(kata: &Kata, out: &Out) -> Code {
    let rerun = format!("cargo xtask check {}", kata.name);
    check_subject(kata, &Subject::kata(kata), &rerun, true, out)
}

fn check_subject(kata: &Kata, subject: &Subject, rerun: &str, learner: bool, out: &Out) -> Code {
    out.status(&out.bold(&format!(
        "Checking {} ({})",
        kata.name,
        paths::display(&subject.lib)
    )));
    let verdict = pipeline(kata, subject, false, out);
    if learner {
        record_progress(&kata.name, &verdict);
    }
    render(kata, subject, &verdict, rerun, out)
}

/// Remembers the kata's status for `cargo xtask list`.
fn record_progress(kata: &str, verdict: &Verdict) {
    let status = match verdict {
        Verdict::NotStarted => "not started".to_owned(),
        Verdict::Unfinished(_) => "unfinished".to_owned(),
        Verdict::Internal(_) => return,
        Verdict::Ran(results) => results
            .iter()
            .find(|r| matches!(r.status, Status::Fail(_) | Status::Unverified(_)))
            .map_or_else(
                || "passed".to_owned(),
                |r| format!("failing at {}", r.stage.name()),
            ),
    };
    crate::progress::update(kata, |s| s.status = Some(status));
}

fn rerun_command(args: &Args) -> String {
    let mut s = format!("cargo xtask check {}", args.kata);
    if args.solution {
        s.push_str(" --solution");
    }
    if let Some(f) = &args.impl_file {
        s.push_str(&format!(" --impl {}", f.display()));
    }
    if let Some(seed) = args.seed {
        s.push_str(&format!(" --seed {seed}"));
    }
    if let Some(r) = &args.replay {
        s.push_str(&format!(" --replay {r}"));
    }
    s
}

/// Runs the stages. With `keep_going`, a failing stage does not stop the
/// later ones (mutants use this to see which stage rejects them), except
/// that nothing runs after a failed build, and the model stage never runs
/// on code the facade scan rejected, since loom would hang on it.
pub fn pipeline(kata: &Kata, subject: &Subject, keep_going: bool, out: &Out) -> Verdict {
    pipeline_until(kata, subject, keep_going, None, out)
}

/// Whether the facade stage runs. Only the mutant catalogue turns it off, to
/// prove that a later stage is a second line of defence (a forged verdict
/// fails even if the allowlist missed the forgery).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facade {
    Scan,
    Skip,
}

/// [`pipeline`], stopping after the stage `until` whatever its outcome: a
/// mutant need not run the stages after the one that must reject it.
pub fn pipeline_until(
    kata: &Kata,
    subject: &Subject,
    keep_going: bool,
    until: Option<Stage>,
    out: &Out,
) -> Verdict {
    pipeline_with(kata, subject, keep_going, until, Facade::Scan, out)
}

/// [`pipeline_until`], choosing whether the facade stage runs.
pub fn pipeline_with(
    kata: &Kata,
    subject: &Subject,
    keep_going: bool,
    until: Option<Stage>,
    facade: Facade,
    out: &Out,
) -> Verdict {
    let todos = scan::todos(&subject.sources);
    if !todos.is_empty() {
        let fns = scan::function_count(&subject.sources);
        if todos.len() >= fns {
            return Verdict::NotStarted;
        }
        return Verdict::Unfinished(
            todos
                .iter()
                .map(|(f, l)| format!("{}:{l}", paths::display(f)))
                .collect(),
        );
    }

    let mut results: Vec<StageResult> = Vec::new();
    let failed = |results: &[StageResult], st: Stage| {
        results
            .iter()
            .any(|r| r.stage == st && matches!(r.status, Status::Fail(_)))
    };
    let stop = |results: &[StageResult]| {
        (!keep_going && results.iter().any(|r| matches!(r.status, Status::Fail(_))))
            || until.is_some_and(|u| results.iter().any(|r| r.stage == u))
    };

    // Facade.
    let t = Instant::now();
    let policy = crate::meta::find(&kata.name)
        .map(|m| m.policy())
        .unwrap_or_default();
    let findings = match facade {
        Facade::Scan => scan::scan(&subject.sources, &policy),
        Facade::Skip => Vec::new(),
    };
    let status = if findings.is_empty() {
        Status::Pass(format!(
            "{} uses kata_sync for all synchronisation",
            plural(subject.sources.len(), "file")
        ))
    } else {
        Status::Fail(findings.iter().map(facade_failure).collect())
    };
    results.push(StageResult {
        stage: Stage::Facade,
        status,
        took: t.elapsed(),
    });
    progress(out, results.last().expect("pushed"));
    if stop(&results) {
        return Verdict::Ran(results);
    }

    // Build the subject and the real-thread stages in one cargo call.
    let pkg = match package::generate(kata, subject) {
        Ok(p) => p,
        Err(e) => return Verdict::Internal(e),
    };
    let t = Instant::now();
    let thread_targets = ["api", "functional", "stress"];
    let b = build::build(&pkg, Flavor::Threads, &thread_targets, out);
    if let Some(e) = b.cargo_error {
        return Verdict::Internal(format!("cargo could not build the check package:\n{e}"));
    }
    let (mine, theirs): (Vec<_>, Vec<_>) = b.errors.iter().partition(|d| {
        d.file
            .as_ref()
            .is_some_and(|f| in_subject(&pkg.dir.join(f), subject))
    });
    let status = if mine.is_empty() {
        Status::Pass("compiled".to_owned())
    } else {
        Status::Fail(mine.iter().map(|d| compile_failure(d)).collect())
    };
    results.push(StageResult {
        stage: Stage::Build,
        status,
        took: t.elapsed(),
    });
    progress(out, results.last().expect("pushed"));
    if failed(&results, Stage::Build) {
        return Verdict::Ran(results);
    }

    let env = vec![
        (
            "CARGO_MANIFEST_DIR".to_owned(),
            pkg.dir.display().to_string(),
        ),
        (
            "CARGO_TARGET_DIR".to_owned(),
            paths::check_dir().join("threads").display().to_string(),
        ),
        ("KATA_SEED".to_owned(), seed().to_string()),
    ];
    for stage in [Stage::Api, Stage::Functional, Stage::Stress] {
        if stop(&results) {
            return Verdict::Ran(results);
        }
        let target = stage.target().expect("test stage");
        // A mutant shares the kata's API, so its trybuild cases tell nothing
        // unless the API stage is the one that must reject it (a suite that
        // does not compile against the mutant still fails below).
        let judging_a_mutant = keep_going && until.is_some_and(|u| u != Stage::Api);
        let r = match b.executables.get(target) {
            Some(_) if theirs.is_empty() && replay_skips(stage).is_some() => {
                replay_skips(stage).expect("checked")
            }
            Some(_) if stage == Stage::Api && judging_a_mutant && theirs.is_empty() => {
                StageResult {
                    stage,
                    status: Status::Skip("not needed to judge a mutant".into()),
                    took: Duration::ZERO,
                }
            }
            Some(exe) => run_stage(stage, exe, subject, &pkg.dir, &env, &[], out),
            None if !theirs.is_empty() => StageResult {
                stage,
                status: Status::Fail(vec![suite_compile_failure(&theirs)]),
                took: Duration::ZERO,
            },
            None => continue,
        };
        let mut r = r;
        let suite_broken = !theirs.is_empty() && stage == Stage::Api;
        if suite_broken && !matches!(r.status, Status::Fail(_)) {
            // The API matched trybuild's cases but the suite still does not
            // compile against it: the API stage fails, once, and says why.
            r.status = Status::Fail(vec![suite_compile_failure(&theirs)]);
        }
        results.push(r);
        progress(out, results.last().expect("pushed"));
        if suite_broken {
            return Verdict::Ran(results);
        }
    }

    // Model.
    if stop(&results) {
        return Verdict::Ran(results);
    }
    if failed(&results, Stage::Facade) {
        results.push(StageResult {
            stage: Stage::Model,
            status: Status::Skip("loom would hang on primitives it cannot see (see facade)".into()),
            took: Duration::ZERO,
        });
        return Verdict::Ran(results);
    }
    if !kata.solution_dir.join("tests/model.rs").is_file() {
        return Verdict::Ran(results);
    }
    if let Some(skip) = replay_skips(Stage::Model) {
        results.push(skip);
        progress(out, results.last().expect("pushed"));
        return Verdict::Ran(results);
    }
    if !out.quiet && out.color() {
        eprint!(
            "{}",
            out.dim("  building the loom model (release mode)...\r")
        );
    }
    let t = Instant::now();
    let lb = build::build(&pkg, Flavor::Loom, &["model"], out);
    let r = match (lb.executables.get("model"), lb.cargo_error) {
        (_, Some(e)) => {
            return Verdict::Internal(format!("cargo could not build the loom model:\n{e}"));
        }
        (Some(exe), None) => {
            let first = run_stage(Stage::Model, exe, subject, &pkg.dir, &env, &[], out);
            let mut r = model_second_looks(first, |extra: &[(&str, String)], tests: &[String]| {
                let mut env = env.clone();
                env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
                run_stage(Stage::Model, exe, subject, &pkg.dir, &env, tests, out)
            });
            r.took = t.elapsed();
            r
        }
        (None, None) => StageResult {
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
        },
    };
    results.push(r);
    progress(out, results.last().expect("pushed"));
    if stop(&results) {
        return Verdict::Ran(results);
    }
    if policy.allow_unsafe && REPLAY.get().is_none() {
        // Safe code cannot have undefined behaviour: Miri runs only on a
        // kata that uses the `unsafe` its statement allows.
        let r = if scan::uses_unsafe(&subject.sources) {
            crate::miri::run(&pkg)
        } else {
            StageResult {
                stage: Stage::Miri,
                status: Status::Skip("no `unsafe` code: nothing for Miri to check".into()),
                took: Duration::ZERO,
            }
        };
        results.push(r);
        progress(out, results.last().expect("pushed"));
    }
    Verdict::Ran(results)
}

/// The marker [`classify`] puts in a branch-limit failure.
const GAVE_UP: &str = "loom gave up after too many steps";

/// The branch budget of the second look at a model loom gave up on.
const LARGER_BRANCH_BUDGET: usize = 200_000;

/// What a model test that ran out of its time budget says (kata-test's
/// `model::run`).
const OUT_OF_TIME: &str = "did not finish the search within its time budget";

/// The preemption bound of the model stage unless a test says otherwise
/// (kata-test's `model::DEFAULT_PREEMPTIONS`).
const DEFAULT_PREEMPTIONS: usize = 3;

/// How the title of a failure that is the checker's limitation begins.
const CHECKER_LIMIT: &str = "not verified:";

/// Whether a failure is a limit of the search (loom gave up on its branch
/// budget, or ran out of time), not a finding.
fn is_limit(f: &Failure) -> bool {
    f.what.contains(GAVE_UP) || f.title.starts_with(CHECKER_LIMIT)
}

/// The model stage's policy when the search, not the kata, hit a limit
/// (busy-waits make loom's search much larger than blocking waits do):
///
/// 1. a second look with a much larger branch budget, at the same bound;
/// 2. then looks at preemption bounds 2, 1 and 0: a search that finishes
///    there is PARTLY verified, naming the bound, and never printed `ok`;
/// 3. a real finding (a data race, a deadlock, a failed assertion) at any
///    step is the verdict; a search that never finishes is NOT VERIFIED.
fn model_second_looks(
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
        format!("{:.0}", (model_time_budget().as_secs_f64() / 3.0).max(1.0)),
    );
    let out_of_time = matches!(&first.status,
        Status::Fail(f) | Status::Unverified(f) if f.iter().any(|f| f.what.contains(OUT_OF_TIME)));
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

/// The model stage's time budget per test: `KATA_LOOM_BUDGET_SECS` as the
/// suites read it (kata-test's `model::time_budget`), 60 s by default.
fn model_time_budget() -> Duration {
    std::env::var("KATA_LOOM_BUDGET_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .map_or(Duration::from_secs(60), Duration::from_secs_f64)
}

fn in_subject(file: &std::path::Path, subject: &Subject) -> bool {
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    file.starts_with(&subject.impl_dir)
}

/// Runs a test stage: every test of `exe`, or only those named in `only`.
fn run_stage(
    stage: Stage,
    exe: &std::path::Path,
    subject: &Subject,
    cwd: &std::path::Path,
    env: &[(String, String)],
    only: &[String],
    out: &Out,
) -> StageResult {
    let t = Instant::now();
    let tests = match runner::list(exe) {
        Ok(t) => t,
        Err(e) => {
            return StageResult {
                stage,
                status: Status::Fail(vec![Failure {
                    title: "the suite could not list its tests".into(),
                    what: e,
                    ..Failure::default()
                }]),
                took: t.elapsed(),
            };
        }
    };
    let tests = match REPLAY.get() {
        _ if !only.is_empty() => tests.into_iter().filter(|t| only.contains(t)).collect(),
        Some(r) if r.stage == stage => {
            if !tests.contains(&r.test) {
                return StageResult {
                    stage,
                    status: Status::Fail(vec![Failure {
                        title: format!("no test named {}", r.test),
                        what: format!(
                            "the {} stage has no test `{}` to replay; its tests are:\n{}",
                            stage.name(),
                            r.test,
                            tests.join("\n")
                        ),
                        ..Failure::default()
                    }]),
                    took: t.elapsed(),
                };
            }
            vec![r.test.clone()]
        }
        _ => tests,
    };
    let opts = runner::Options {
        impl_dir: &subject.impl_dir,
        work_dir: paths::check_dir()
            .join("runs")
            .join(&subject.slug)
            .join(stage.name()),
        jobs: stage.jobs(),
        // Only a backstop: each test's watchdog decides hangs (a deadlock
        // at once, a spin by CPU time, "too busy to decide" after a minute
        // without progress), and a test that keeps making progress on a
        // busy machine must be let finish.
        hard_timeout: Duration::from_secs(match stage {
            // trybuild's first build compiles the dependencies again.
            Stage::Api => 900,
            _ => 600,
        }),
        // The learner wants the first failure fast; mutants want a verdict,
        // and one failure is a verdict too.
        fail_fast: true,
        env: env.to_vec(),
        cwd,
    };
    let runs = runner::run(exe, &tests, &opts);
    if out.verbose {
        for r in &runs {
            eprintln!(
                "--- {} {} ({:?})\n{}",
                stage.name(),
                r.name,
                r.outcome,
                r.output
            );
        }
    }
    let failures: Vec<Failure> = runs
        .iter()
        .filter(|r| !r.passed())
        .map(|r| test_failure(stage, r, subject))
        .collect();
    let status = if !failures.is_empty()
        && failures.iter().all(|f| f.title.starts_with(CHECKER_LIMIT))
    {
        Status::Unverified(failures)
    } else if failures.is_empty() {
        let executions: u64 = runs
            .iter()
            .flat_map(|r| r.events("note"))
            .filter(|n| n["key"] == "loom_executions")
            .filter_map(|n| n["value"].as_u64())
            .sum();
        let mut s = plural(runs.len(), "test");
        if executions > 0 {
            s.push_str(&format!(", {executions} interleavings explored"));
        }
        if runs.len() < tests.len() {
            s.push_str(&format!(" ({} not run)", tests.len() - runs.len()));
        }
        let note = |key: &str| {
            runs.iter()
                .flat_map(|r| r.events("note"))
                .find(|n| n["key"] == key)
                .and_then(|n| n["value"].as_u64())
        };
        if let (Some(runnable), Some(cpu), Some(window)) = (
            note("wait_runnable_us"),
            note("wait_cpu_us"),
            note("wait_window_us"),
        ) && window > 0
        {
            let ms = |us: u64| us as f64 / 1000.0;
            if runnable * 2 >= window {
                s.push_str(&format!(
                    "; note: a thread that could only wait stayed runnable for {:.0} of {:.0} ms ({:.0} ms on a CPU): a busy-wait, fine for a short wait, a core burnt for a long one",
                    ms(runnable),
                    ms(window),
                    ms(cpu)
                ));
            } else {
                s.push_str(&format!(
                    "; waiting threads sleep ({:.1} ms runnable in a {:.0} ms wait)",
                    ms(runnable),
                    ms(window)
                ));
            }
        }
        Status::Pass(s)
    } else {
        Status::Fail(failures)
    };
    StageResult {
        stage,
        status,
        took: t.elapsed(),
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn facade_failure(f: &scan::Finding) -> Failure {
    let at = Some(format!(
        "{}:{}:{}",
        paths::display(&f.file),
        f.line,
        f.column
    ));
    match &f.kind {
        scan::Kind::Invisible { instead } => Failure {
            title: format!("`{}` is not from kata_sync", f.path),
            property: Some("kata code takes every synchronisation primitive from kata_sync".into()),
            what: format!(
                "loom, which runs the model stage, cannot see `{}`: a thread blocked on it would hang the model checker",
                f.path
            ),
            at,
            cause: Some(format!("use {instead} instead")),
            book: Some("facade".into()),
            ..Failure::default()
        },
        scan::Kind::Outside { why, instead } => Failure {
            title: format!("`{}` is outside what a kata may use", f.path),
            property: Some(
                "kata code uses only kata_sync and the parts of std that hold data".into(),
            ),
            what: format!(
                "`{}` {why}. The kata runs in the same process as the hidden tests, so the checker can trust a run only if the code under test cannot reach anything else",
                f.path
            ),
            at,
            cause: Some(format!("use {instead} instead")),
            book: Some("allowlist".into()),
            ..Failure::default()
        },
        scan::Kind::ReadyMade => Failure {
            title: format!("`{}` is the primitive this kata asks you to build", f.path),
            property: Some("the kata builds its primitive from atomics (and, where the statement allows, the facade's other primitives)".into()),
            what: format!(
                "`{}` is on this kata's `forbid` list in katas.toml: using the ready-made one would skip the exercise",
                f.path
            ),
            at,
            cause: Some("build it from kata_sync::atomic and kata_sync::cell::UnsafeCell".into()),
            book: Some("facade".into()),
            ..Failure::default()
        },
    }
}

fn compile_failure(d: &build::Diagnostic) -> Failure {
    Failure {
        title: format!("error: {}", d.message),
        what: d.rendered.trim_end().to_owned(),
        at: d
            .at
            .as_deref()
            .map(|a| paths::display(std::path::Path::new(a))),
        ..Failure::default()
    }
}

fn suite_compile_failure(errors: &[&build::Diagnostic]) -> Failure {
    let first = errors
        .first()
        .map(|d| d.message.clone())
        .unwrap_or_default();
    Failure {
        title: "the hidden suite does not compile against this API".into(),
        property: Some("the public API matches the kata's statement".into()),
        what: format!(
            "{first}\n(the suite calls the API exactly as the kata's statement gives it; compare your signatures with the stub's)"
        ),
        cause: Some("a signature, a bound or a type differs from the stub".into()),
        book: Some("api".into()),
        ..Failure::default()
    }
}

/// Turns a failed test into the learner's report.
fn test_failure(stage: Stage, run: &TestRun, subject: &Subject) -> Failure {
    let start = run.events("start").next();
    let s =
        |v: Option<&serde_json::Value>, k: &str| v.and_then(|v| v[k].as_str()).map(str::to_owned);
    let mut f = Failure {
        title: run.name.clone(),
        test: run.name.clone(),
        property: s(start, "property"),
        cause: s(start, "cause"),
        book: s(start, "book"),
        output: run.output.clone(),
        replay: Some(Replay::token(stage, &run.name)),
        ..Failure::default()
    };
    let in_kata = |loc: &str| loc.starts_with(&*subject.impl_dir.to_string_lossy());
    let panic = run
        .events("panic")
        .find(|p| p["learner"].is_string())
        .or_else(|| run.events("panic").next());
    f.at = panic
        .and_then(|p| p["learner"].as_str())
        .map(str::to_owned)
        .or_else(|| {
            run.records.iter().find_map(|r| {
                r["blocked"].as_array().and_then(|b| {
                    b.iter().filter_map(|e| e.as_str()).find_map(|e| {
                        e.rsplit(" at ")
                            .next()
                            .filter(|l| in_kata(l))
                            .map(str::to_owned)
                    })
                })
            })
        })
        .map(|a| paths::display(std::path::Path::new(&a)));
    if let Some(why) = run.events("limit").next().and_then(|l| l["why"].as_str()) {
        f.title = format!("{CHECKER_LIMIT} {}", run.name);
        f.what = why.to_owned();
        f.cause = Some("nothing found to fix; a busy-wait makes the model's search much larger than a blocking wait does. Re-run with a larger KATA_LOOM_BUDGET_SECS to finish it, or wait by blocking".into());
        f.book = Some("checker-limits".into());
        return f;
    }
    if matches!(stage, Stage::Functional | Stage::Stress)
        && let Some(seed) = run
            .events("note")
            .find(|n| n["key"] == "seed")
            .and_then(|n| n["value"].as_u64())
    {
        f.output = format!(
            "{}(this run's spurious wakeups came from seed {seed}; `--seed {seed}` replays them)\n",
            f.output
        );
        f.cause = Some(
            format!(
                "{}\nreplay this run's spurious wakeups with --seed {seed}",
                f.cause.take().unwrap_or_default()
            )
            .trim_start()
            .to_owned(),
        );
    }
    // loom reports what it finds (a data race, a deadlock, a leak) by
    // panicking from its own source too; only a failed internal assertion
    // is loom's own bug.
    let inside_loom = panic
        .and_then(|p| p["location"].as_str())
        .is_some_and(|l| l.contains("/loom-") && !in_kata(l))
        && panic
            .and_then(|p| p["message"].as_str())
            .is_some_and(loom_internal_error);
    if stage == Stage::Model && run.outcome == Outcome::Failed && inside_loom {
        let msg = panic.and_then(|p| p["message"].as_str()).unwrap_or("");
        f.title = format!("{CHECKER_LIMIT} {}", run.name);
        f.what = format!(
            "loom, the model checker, failed one of its own internal assertions ({}), at {}. This is a known loom bug (tokio-rs/loom#252, #389) that some correct designs trigger, such as relaxed read-modify-writes racing with other stores; it says nothing about your code",
            first_line(msg),
            panic
                .and_then(|p| p["location"].as_str())
                .unwrap_or("loom's source")
        );
        f.cause = Some("nothing to fix in your kata: the functional and stress stages still checked it on real threads, but these interleavings were not explored".into());
        f.book = Some("checker-limits".into());
        return f;
    }
    match &run.outcome {
        Outcome::Stalled => {
            let stall = run.events("stall").next();
            let report = stall.and_then(|r| r["report"].as_str()).unwrap_or_default();
            let kind = stall.and_then(|r| r["kind"].as_str()).unwrap_or("deadlock");
            f.what = report.replace(&format!("{}/", paths::root().display()), "");
            if f.at.is_none() {
                f.at = first_kata_location(report, subject);
            }
            if kind == "undecided" {
                // Not the kata's failure: the machine did not give the test
                // the CPU to decide. Say so, and ask for a re-run.
                f.title = format!("{CHECKER_LIMIT} {}", run.name);
                f.cause = Some("the machine was too busy for this test to decide: re-run when it is quieter (or raise KATA_WALL_SECS)".into());
                f.book = Some("checker-limits".into());
                return f;
            }
            let why = match kind {
                "spin" => SPIN_CAUSE,
                "stranded" => STRANDED_CAUSE,
                _ => STALL_CAUSE,
            };
            f.cause = Some(match f.cause.take() {
                Some(c) => format!("{why}\n{c}"),
                None => why.to_owned(),
            });
            match kind {
                "spin" => f.book = Some("spin".into()),
                "stranded" => f.book = Some("lost-wakeup".into()),
                _ => {}
            }
        }
        Outcome::TimedOut => {
            f.what = "the test neither finished nor reported a hang, and was killed: a thread may be spinning in a way even the watchdog could not report".into();
        }
        Outcome::NoVerdict(why) => f.what = why.clone(),
        Outcome::Failed | Outcome::Passed => {
            let msg = panic
                .and_then(|p| p["message"].as_str())
                .unwrap_or("the test failed without a panic message")
                .to_owned();
            let blocked: Vec<String> = panic
                .and_then(|p| p["blocked"].as_array())
                .into_iter()
                .flatten()
                .filter_map(|b| b.as_str())
                .map(|b| {
                    format!(
                        "  {}",
                        b.replace(&format!("{}/", paths::root().display()), "")
                    )
                })
                .collect();
            let (what, cause, book) = classify(stage, &msg);
            f.what = what;
            f.timeline = panic
                .and_then(|p| crate::timeline::for_panic(p, &subject.impl_dir.to_string_lossy()));
            // The timeline ends with the same threads, blocked.
            if !blocked.is_empty() && f.timeline.is_none() {
                f.what.push_str("\nwhere each thread was:\n");
                f.what.push_str(&blocked.join("\n"));
            }
            if let Some(c) = cause {
                f.cause = Some(match f.cause.take() {
                    Some(prop) => format!("{c}\n{prop}"),
                    None => c.to_owned(),
                });
            }
            if let Some(b) = book {
                f.book = Some(b.to_owned());
            }
        }
    }
    f
}

/// Whether a panic message from inside loom is loom's own bug (a failed
/// internal assertion, tokio-rs/loom#252) rather than one of its findings.
fn loom_internal_error(message: &str) -> bool {
    let findings = [
        "Causality violation",
        "deadlock",
        "Model exceeded",
        "leaked",
        "Too many threads",
        "too many threads",
    ];
    !findings.iter().any(|f| message.contains(f))
        && (message.starts_with("assertion")
            || message.contains("internal error")
            || message.contains("unwrap()")
            || message.contains("index out of bounds"))
}

const SPIN_CAUSE: &str = "a thread spins on a condition that never becomes true (its wait has nothing that would end it), or threads keep undoing each other's work (a livelock)";

const STRANDED_CAUSE: &str = "a lost wakeup: the kata's threads went to sleep with work to do, because a notify is missing, comes before the wait, or the condition is checked in one critical section and waited on in another";

const STALL_CAUSE: &str = "threads wait for a wakeup that never comes: a notify that is missing, or that wakes the wrong kind of waiter (a lost wakeup), or locks taken in a cycle";

fn first_kata_location(text: &str, subject: &Subject) -> Option<String> {
    let dir = subject.impl_dir.to_string_lossy();
    text.split_whitespace()
        .map(|w| w.trim_end_matches([')', ',', ':']))
        .find(|w| w.starts_with(&*dir))
        .map(|a| paths::display(std::path::Path::new(a)))
}

/// Loom's own failure messages, translated. Returns (what happened, extra
/// likely cause, book topic).
fn classify(stage: Stage, msg: &str) -> (String, Option<&'static str>, Option<&'static str>) {
    if stage == Stage::Model && msg.starts_with("deadlock;") {
        return (
            "loom found an interleaving in which every thread is blocked and none can wake the others".into(),
            Some("a lost wakeup (a notify that is missing, goes to the wrong waiter, or comes before the wait) or locks taken in a cycle"),
            Some("deadlock"),
        );
    }
    if msg.contains("Causality violation") || msg.contains("data race") {
        return (
            if stage == Stage::Model {
                format!("loom found a data race: {}", first_line(msg))
            } else {
                format!("two callbacks overlapped: {}", first_line(msg))
            },
            Some(
                "two threads touch the same data and nothing orders them: a Relaxed flag, or a read outside the lock",
            ),
            Some("data-race"),
        );
    }
    if msg.contains("Model exceeded maximum number of branches") {
        return (
            format!(
                "in some interleaving a thread keeps running without any other thread making progress: {GAVE_UP} (loom's branch limit, raised to {LARGER_BRANCH_BUDGET} for a second look)"
            ),
            Some(
                "a busy-wait whose condition only another thread can change, while that thread cannot run or never does",
            ),
            Some("spin"),
        );
    }
    if msg.starts_with("not yet implemented") || msg.starts_with("not implemented") {
        return (format!("reached {msg}"), Some("finish the function"), None);
    }
    (msg.to_owned(), None, None)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn progress(out: &Out, r: &StageResult) {
    if out.quiet {
        return;
    }
    let name = format!("{:<10}", r.stage.name());
    let took = out.dim(&format!("{:.1}s", r.took.as_secs_f64()));
    let line = match &r.status {
        Status::Pass(s) => format!("  {} {name} {s} {took}", out.green("ok  ")),
        Status::Fail(f) => format!(
            "  {} {name} {} {took}",
            out.red("FAIL"),
            plural(f.len(), "failure")
        ),
        Status::Skip(s) => format!("  {} {name} {s}", out.yellow("skip")),
        Status::Unverified(_) => format!(
            "  {} {name} not verified (see below) {took}",
            out.yellow("????")
        ),
        Status::Partial(s) => format!("  {} {name} {s} {took}", out.yellow("part")),
    };
    if out.color() {
        // Clear the "building..." line left on the terminal.
        eprint!("\r\x1b[2K");
    }
    println!("{line}");
}

/// Resolves a book topic key through `book/topics.toml`.
pub fn book_link(topic: &str) -> String {
    let path = paths::root().join("book/topics.toml");
    let page = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("topics")?.get(topic)?.as_str().map(str::to_owned));
    match page {
        Some(p) => format!("book/src/{p}"),
        None => format!("book topic `{topic}`"),
    }
}

fn render(kata: &Kata, subject: &Subject, verdict: &Verdict, rerun: &str, out: &Out) -> Code {
    match verdict {
        Verdict::NotStarted => {
            println!(
                "{} {} is not started: every function is still todo!().",
                out.yellow("not started:"),
                kata.name
            );
            println!(
                "  open {} and follow the // TODO: comments, then run `{rerun}`.",
                paths::display(&subject.lib)
            );
            Code::NotStarted
        }
        Verdict::Unfinished(places) => {
            println!(
                "{} {} still has todo!() at:",
                out.yellow("unfinished:"),
                kata.name
            );
            for p in places {
                println!("  {p}");
            }
            println!("  fill them in, then run `{rerun}`.");
            Code::NotStarted
        }
        Verdict::Internal(e) => {
            eprintln!("{} {e}", out.red("error:"));
            Code::Internal
        }
        Verdict::Ran(results) => {
            let failing = results.iter().find_map(|r| match &r.status {
                Status::Fail(f) => Some((r.stage, f)),
                _ => None,
            });
            let unverified = results.iter().find_map(|r| match &r.status {
                Status::Unverified(f) => Some((r.stage, f)),
                _ => None,
            });
            if let (None, Some((stage, limits))) = (failing, unverified) {
                println!();
                for f in limits.iter().take(3) {
                    print_failure(stage, f, rerun, out);
                }
                println!(
                    "{} {}: every stage that ran found no bug, but the {} stage could not verify what it usually does (above), so this is not a pass.  re-run: {}",
                    out.yellow("NOT VERIFIED"),
                    kata.name,
                    stage.name(),
                    out.bold(rerun)
                );
                return Code::Failed;
            }
            match failing {
                None if REPLAY.get().is_some() => {
                    let r = REPLAY.get().expect("matched");
                    println!(
                        "{} {}/{} did not fail this time. This is not a verdict on {}: for a model test, whose search is deterministic, it means the code changed; for a test on real threads, that its timing did. Run `cargo xtask check {}` for a verdict.",
                        out.yellow("replayed:"),
                        r.stage.name(),
                        r.test,
                        kata.name,
                        kata.name
                    );
                    Code::Ok
                }
                None => {
                    let total: Duration = results.iter().map(|r| r.took).sum();
                    let partly: Vec<&str> = results
                        .iter()
                        .filter(|r| matches!(r.status, Status::Partial(_)))
                        .map(|r| r.stage.name())
                        .collect();
                    if partly.is_empty() {
                        println!(
                            "{} {} passes every stage ({:.1}s).",
                            out.green("PASS"),
                            kata.name,
                            total.as_secs_f64()
                        );
                    } else {
                        println!(
                            "{} {} passes every stage, but the {} stage verified less than usual (above) ({:.1}s).",
                            out.yellow("PASS (partly verified)"),
                            kata.name,
                            partly.join(", "),
                            total.as_secs_f64()
                        );
                    }
                    Code::Ok
                }
                Some((stage, failures)) => {
                    println!();
                    for f in failures.iter().take(3) {
                        print_failure(stage, f, rerun, out);
                    }
                    if failures.len() > 3 {
                        println!("  ... and {} more like it\n", failures.len() - 3);
                    }
                    println!(
                        "{} {} fails the {} stage.  re-run: {}",
                        out.red("FAIL"),
                        kata.name,
                        stage.name(),
                        out.bold(rerun)
                    );
                    Code::Failed
                }
            }
        }
    }
}

fn print_failure(stage: Stage, f: &Failure, rerun: &str, out: &Out) {
    println!(
        "{} {}",
        out.red(&format!("[{}]", stage.name())),
        out.bold(&f.title)
    );
    let field = |label: &str, text: &str| {
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            println!("  {:<9} {first}", out.dim(label));
            for l in lines {
                println!("  {:<9} {l}", "");
            }
        }
    };
    if let Some(p) = &f.property {
        field("property", p);
    }
    field("what", &f.what);
    if let Some(a) = &f.at {
        field("where", a);
    }
    if let Some(t) = &f.timeline {
        field("timeline", t);
    }
    if let Some(c) = &f.cause {
        field("cause", c);
    }
    if let Some(b) = &f.book {
        field("read", &book_link(b));
    }
    if let Some(token) = f.replay.as_ref().filter(|_| REPLAY.get().is_none()) {
        field("replay", &format!("{rerun} --replay {token}"));
    }
    if out.verbose && !f.output.is_empty() {
        field("output", &f.output);
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::{Replay, Stage};

    #[test]
    fn a_replay_token_names_a_stage_a_test_and_maybe_a_seed() {
        assert_eq!(
            Replay::parse("model/a::b").unwrap(),
            Replay {
                stage: Stage::Model,
                test: "a::b".into(),
                seed: None
            }
        );
        let stress = Replay::parse("stress/lose_nothing::case_2@1234").unwrap();
        assert_eq!((stress.stage, stress.seed), (Stage::Stress, Some(1234)));
        assert_eq!(stress.test, "lose_nothing::case_2");
        for bad in ["model", "model/", "vibes/t", "api/t", "stress/t@x"] {
            assert!(Replay::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Replay::token(Stage::Model, "t"), "model/t");
        assert!(Replay::token(Stage::Stress, "t").starts_with("stress/t@"));
    }

    #[test]
    fn a_loom_finding_is_the_learners_bug_and_a_loom_assertion_is_not() {
        assert!(!super::loom_internal_error(
            "Causality violation: Concurrent write accesses to `UnsafeCell`."
        ));
        assert!(!super::loom_internal_error("deadlock; threads = [...]"));
        assert!(super::loom_internal_error(
            "assertion `left != right` failed\n  left: VersionVec { versions: [14, 0] }"
        ));
    }
}
