//! Running one stage's tests and summing up what they found.

use super::*;

/// Runs a test stage: every test of `exe`, or only those named in `only`.
pub(super) fn run_stage(
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
        Some(r) if r.stage == stage && !r.test.is_empty() => {
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
        hard_timeout: Duration::from_secs(600),
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
        && failures
            .iter()
            .all(|f| matches!(f.limit, Some(l) if l != Limit::GaveUp))
    {
        Status::Unverified(failures)
    } else if failures.is_empty() {
        let executions: u64 = runs.iter().flat_map(|r| r.notes("loom_executions")).sum();
        let mut s = plural(runs.len(), "test");
        if executions > 0 {
            s.push_str(&format!(
                ", {} explored",
                plural(executions as usize, "interleaving")
            ));
        }
        let schedules: u64 = runs.iter().flat_map(|r| r.notes("shuttle_schedules")).sum();
        if schedules > 0 {
            let note = |key: &str| runs.iter().find_map(|r| r.note(key)).unwrap_or(0);
            s.push_str(&format!(
                ", {} sampled (PCT at depth {}, seed {:#x})",
                plural(schedules as usize, "schedule"),
                note("shuttle_depth"),
                note("shuttle_seed")
            ));
        }
        if runs.len() < tests.len() {
            s.push_str(&format!(" ({} not run)", tests.len() - runs.len()));
        }
        let note = |key: &str| runs.iter().find_map(|r| r.note(key));
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

pub(super) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
