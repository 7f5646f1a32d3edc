//! Running the stages in order, and deciding when to stop.

use super::*;

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

pub(super) fn in_subject(file: &std::path::Path, subject: &Subject) -> bool {
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    file.starts_with(&subject.impl_dir)
}
