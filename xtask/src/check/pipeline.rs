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

/// [`pipeline`] for one stage, `until`: the facade, build and api stages
/// run as ever (nothing later can run without them), then the real-thread
/// stages before `until` are left out, and nothing after it runs. A mutant
/// must be rejected by the stage its header names on its own; an earlier
/// stage that would also catch it only adds time (the stress stage spends
/// seconds of CPU on a stall before it reports one).
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

    let pkg = match package::generate(kata, subject) {
        Ok(p) => p,
        Err(e) => return Verdict::Internal(e),
    };
    // The loom build is the longest step of a warm check: start it now,
    // beside the threads build, so that it runs while the real-thread
    // stages do. It is cancelled (dropped) if the check ends first.
    let wants_model = !failed(&results, Stage::Facade)
        && kata.solution_dir.join("tests/model.rs").is_file()
        && replay_skips(Stage::Model).is_none()
        && until.is_none_or(|u| u.reaches(Stage::Model));
    let mut loom =
        Background(wants_model.then(|| build::spawn(&pkg, Flavor::Loom, &["model"], out, false)));

    // Build the subject, the api cases and the real-thread stages in one
    // cargo call.
    let t = Instant::now();
    let b = build::build(&pkg, Flavor::Threads, &["api", "functional", "stress"], out);
    if let Some(e) = b.cargo_error {
        return Verdict::Internal(format!("cargo could not build the check package:\n{e}"));
    }
    let errors = api::classify(&b.errors, &pkg.dir, subject);
    let status = if errors.mine.is_empty() {
        Status::Pass("compiled".to_owned())
    } else {
        Status::Fail(errors.mine.iter().map(|d| compile_failure(d)).collect())
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

    // The api stage: its cases compiled in the build above. A case that did
    // not compile fails it, named by its property; so does any other part of
    // the suite that does not compile against the API (once, here, rather
    // than as a failure of every later stage).
    let compile_failures = if !errors.api.is_empty() {
        api::case_failures(&errors.api, &kata.solution_dir, |f| {
            in_subject(&pkg.dir.join(f), subject)
        })
    } else if !errors.suite.is_empty() {
        vec![suite_compile_failure(&errors.suite)]
    } else {
        Vec::new()
    };
    if !compile_failures.is_empty() {
        results.push(StageResult {
            stage: Stage::Api,
            status: Status::Fail(compile_failures),
            took: Duration::ZERO,
        });
        progress(out, results.last().expect("pushed"));
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
        if stage != Stage::Api && until.is_some_and(|u| u != stage) {
            continue;
        }
        let target = stage.target().expect("test stage");
        let Some(exe) = b.executables.get(target) else {
            continue;
        };
        let r = match replay_skips(stage) {
            Some(skip) => skip,
            None => run_stage(stage, exe, subject, &pkg.dir, &env, &[], out),
        };
        results.push(r);
        progress(out, results.last().expect("pushed"));
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
    let Some(job) = loom.0.take() else {
        return Verdict::Ran(results);
    };
    if !job.is_finished() {
        job.show_progress();
        if !out.quiet && out.color() {
            eprint!(
                "{}",
                out.dim("  building the loom model (release mode)...\r")
            );
        }
    }
    let r = match run_model(job, &pkg, subject, &env, out) {
        Ok(r) => r,
        Err(e) => return Verdict::Internal(e),
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
            crate::miri::run(&pkg, subject)
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

/// Builds a subject in both flavours without running anything, so that the
/// next check of this kata only compiles the learner's changes. Errors are
/// left for that check to report.
pub fn warm(kata: &Kata, subject: &Subject, out: &Out) {
    let Ok(pkg) = package::generate(kata, subject) else {
        return;
    };
    // Once per package: it lives in the target folder, so `cargo clean`
    // removes the mark with what it marked.
    let mark = pkg.dir.join("warmed");
    if mark.exists() {
        return;
    }
    let t = Instant::now();
    out.status(
        &out.dim(
            "Building the checker for your first check (once; every later check reuses it)...",
        ),
    );
    let model = kata.solution_dir.join("tests/model.rs").is_file();
    let mut loom =
        Background(model.then(|| build::spawn(&pkg, Flavor::Loom, &["model"], out, false)));
    let _ = build::build(&pkg, Flavor::Threads, &["api", "functional", "stress"], out);
    if let Some(job) = loom.0.take() {
        job.show_progress();
        let _ = job.wait();
    }
    let _ = std::fs::write(&mark, "");
    out.status(&out.dim(&format!(
        "Ready in {:.0}s: write your solution, then run the same command again.",
        t.elapsed().as_secs_f64()
    )));
}

pub fn in_subject(file: &std::path::Path, subject: &Subject) -> bool {
    let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    file.starts_with(&subject.impl_dir)
}
