//! What a check is made of: the stages, and what each one concluded.

use super::*;

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

    /// Whether a check that stops after `self` runs `later` at all.
    pub fn reaches(self, later: Stage) -> bool {
        let at = |s: Stage| Stage::ALL.iter().position(|&x| x == s);
        at(self) >= at(later)
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.name() == s)
    }

    /// The suite's test target for this stage, if it has one.
    pub(super) fn target(self) -> Option<&'static str> {
        match self {
            Stage::Api => Some("api"),
            Stage::Functional => Some("functional"),
            Stage::Stress => Some("stress"),
            Stage::Model => Some("model"),
            Stage::Facade | Stage::Build | Stage::Miri => None,
        }
    }

    /// Parallel test processes: stress tests bring their own threads.
    pub(super) fn jobs(self) -> usize {
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
    /// Set when the failure is a limit of the checker, not a finding.
    pub limit: Option<Limit>,
    pub output: String,
}

/// Why a stage could not decide, through no proven fault of the kata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// loom gave up on an execution after its branch budget (a busy-wait).
    GaveUp,
    /// The model's search did not finish within its time budget.
    OutOfTime,
    /// loom failed one of its own internal assertions.
    LoomBug,
    /// The machine was too busy for the watchdog to decide.
    TooBusy,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each suite file opens with `//! Stage N of T, <stage>:`, numbered as
    /// the pipeline runs the stages (T counts Miri only where the kata
    /// allows `unsafe`), so a learner reading a failure's suite knows where
    /// it stands.
    #[test]
    fn every_suite_header_numbers_its_stage_as_the_pipeline_runs_it() {
        let mut seen = 0;
        for m in crate::meta::load().expect("katas.toml") {
            let total = if m.policy().allow_unsafe { 7 } else { 6 };
            let tests = paths::root().join("solutions").join(&m.name).join("tests");
            for stage in [Stage::Api, Stage::Functional, Stage::Stress, Stage::Model] {
                let file = match stage {
                    Stage::Api => tests.join("api/main.rs"),
                    _ => tests.join(format!("{}.rs", stage.name())),
                };
                let Ok(text) = std::fs::read_to_string(&file) else {
                    continue;
                };
                let n = Stage::ALL.iter().position(|&s| s == stage).expect("listed") + 1;
                let want = format!("//! Stage {n} of {total}, {}:", stage.name());
                assert!(
                    text.starts_with(&want),
                    "{} should open with `{want}`",
                    file.display()
                );
                seen += 1;
            }
        }
        assert!(seen >= 17 * 4, "only {seen} suite files found");
    }
}
