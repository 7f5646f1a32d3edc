//! `cargo xtask check <kata>`: run the hidden suite against a kata.
//!
//! - [`stages`]: the stages and their results;
//! - [`pipeline`]: runs them in order ([`suite`] runs one stage's tests,
//!   [`model`] runs the model stage and takes a second look when loom
//!   gives up, [`api`] tells the api cases' compile errors from the
//!   learner's);
//! - [`diagnose`] and [`failure`]: what a failure says;
//! - [`render`]: printing the verdict.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::build::{self, Flavor};
use crate::kata::{self, Kata, Subject};
use crate::runner::{self, Outcome, TestRun};
use crate::term::Out;
use crate::{Code, package, paths, scan};
use kata_verdict::StallKind;

mod api;
mod diagnose;
mod failure;
mod model;
mod pipeline;
mod render;
mod stages;
mod suite;

use diagnose::*;
use failure::*;
pub use model::sample_with_shuttle;
use model::*;
pub use pipeline::{Facade, in_subject, pipeline, pipeline_until, pipeline_with};
use render::*;
pub use stages::*;
use suite::*;

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
    /// Run only this test stage (functional, stress or model) after the
    /// build, e.g. to see what loom says about an answer that real threads
    /// already reject. Never a verdict: the other stages do not run.
    #[arg(long, value_name = "STAGE", conflicts_with = "replay")]
    pub only: Option<String>,
    /// How many steps of a failing interleaving the timeline shows (the
    /// last ones before the failure).
    #[arg(long, value_name = "N", default_value_t = crate::timeline::DEFAULT_ROWS)]
    pub trace_steps: usize,
}

/// One test to re-run alone (`--replay`), or one stage to run alone
/// (`--only`, whose `test` is empty).
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

    /// `--only STAGE`.
    pub fn only(stage: &str) -> Result<Replay, String> {
        match Stage::parse(stage) {
            Some(stage @ (Stage::Functional | Stage::Stress | Stage::Model)) => Ok(Replay {
                stage,
                test: String::new(),
                seed: None,
            }),
            _ => Err(format!(
                "--only takes functional, stress or model, not `{stage}`"
            )),
        }
    }

    /// What runs, as the flag that asked for it.
    pub fn flag(&self) -> String {
        if self.test.is_empty() {
            format!("--only {}", self.stage.name())
        } else {
            format!("--replay {}/{}", self.stage.name(), self.test)
        }
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
        status: Status::Skip(format!("not run: {}", r.flag())),
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

pub fn run(args: &Args, out: &Out) -> Code {
    crate::timeline::set_rows(args.trace_steps);
    let asked = match (&args.replay, &args.only) {
        (Some(token), _) => Some(Replay::parse(token)),
        (None, Some(stage)) => Some(Replay::only(stage)),
        (None, None) => None,
    };
    if let Some(asked) = asked {
        match asked {
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
    let code = render(kata, subject, &verdict, rerun, out);
    if learner && matches!(verdict, Verdict::NotStarted) {
        // The stub compiles (its bodies are `todo!()`), so building it now
        // builds everything the first real check needs but the learner's
        // own code: that check is then warm.
        pipeline::warm(kata, subject, out);
    }
    code
}

/// Remembers the kata's status for `cargo xtask list`.
fn record_progress(kata: &str, verdict: &Verdict) {
    use crate::progress::Status as Progress;
    let status = match verdict {
        Verdict::NotStarted => Progress::NotStarted,
        Verdict::Unfinished(_) => Progress::Unfinished,
        Verdict::Internal(_) => return,
        Verdict::Ran(results) => results
            .iter()
            .find(|r| matches!(r.status, Status::Fail(_) | Status::Unverified(_)))
            .map_or(Progress::Passed, |r| {
                Progress::FailingAt(r.stage.name().to_owned())
            }),
    };
    crate::progress::update(kata, |s| s.status = status);
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
    if let Some(stage) = &args.only {
        s.push_str(&format!(" --only {stage}"));
    }
    s
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
