//! Turning a failed test's records (a panic, a stall, loom's own words)
//! into a failure a learner can act on: what happened, where, the likely
//! cause and the section to read.

use super::*;

/// Turns a failed test into the learner's report.
pub(super) fn test_failure(stage: Stage, run: &TestRun, subject: &Subject) -> Failure {
    let start = run.start();
    let mut f = Failure {
        title: run.name.clone(),
        test: run.name.clone(),
        property: start.map(|s| s.0.to_owned()),
        cause: start.map(|s| s.1.to_owned()),
        book: start.map(|s| s.2.to_owned()),
        output: run.output.clone(),
        replay: Some(Replay::token(stage, &run.name)),
        ..Failure::default()
    };
    let in_kata = |loc: &str| loc.starts_with(&*subject.impl_dir.to_string_lossy());
    let panic = run
        .panics()
        .find(|p| p.learner.is_some())
        .or_else(|| run.panics().next());
    f.at = panic
        .and_then(|p| p.learner.clone())
        .or_else(|| {
            run.panics()
                .flat_map(|p| &p.blocked)
                .find(|b| in_kata(&b.at))
                .map(|b| b.at.clone())
        })
        .map(|a| paths::display(std::path::Path::new(&a)));
    if let Some(why) = run.limit() {
        f.title = format!("{CHECKER_LIMIT} {}", run.name);
        f.limit = Some(Limit::OutOfTime);
        f.what = why.to_owned();
        f.cause = Some("nothing found to fix; a busy-wait makes the model's search much larger than a blocking wait does. Re-run with a larger KATA_LOOM_BUDGET_SECS to finish it, or wait by blocking".into());
        f.book = Some("checker-limits".into());
        return f;
    }
    if matches!(stage, Stage::Functional | Stage::Stress)
        && let Some(seed) = run.note("seed")
    {
        f.output = format!(
            "{}(this run's spurious wakeups came from seed {seed}; `--seed {seed}` replays them)\n",
            f.output
        );
        // The `replay` line carries the seed: `--replay <stage>/<test>@seed`.
    }
    // loom reports what it finds (a data race, a deadlock, a leak) by
    // panicking from its own source too; only a failed internal assertion
    // is loom's own bug.
    let inside_loom = panic
        .and_then(|p| p.location.as_deref())
        .is_some_and(|l| l.contains("/loom-") && !in_kata(l))
        && panic.is_some_and(|p| loom_internal_error(&p.message));
    if stage == Stage::Model && run.outcome == Outcome::Failed && inside_loom {
        let msg = panic.map_or("", |p| p.message.as_str());
        f.title = format!("{CHECKER_LIMIT} {}", run.name);
        f.limit = Some(Limit::LoomBug);
        f.what = format!(
            "loom, the model checker, failed one of its own internal assertions ({}), at {}. This is a known loom bug (tokio-rs/loom#252, #389) that some correct designs trigger, such as relaxed read-modify-writes racing with other stores; it says nothing about your code",
            first_line(msg),
            panic
                .and_then(|p| p.location.as_deref())
                .unwrap_or("loom's source")
        );
        f.cause = Some("nothing to fix in your kata: the functional and stress stages still checked it on real threads, but these interleavings were not explored".into());
        f.book = Some("checker-limits".into());
        return f;
    }
    match &run.outcome {
        Outcome::Stalled => {
            let (kind, report) = run.stall().unwrap_or((StallKind::Deadlock, ""));
            f.what = report.replace(&format!("{}/", paths::root().display()), "");
            if f.at.is_none() {
                f.at = first_kata_location(report, subject);
            }
            if kind == StallKind::Undecided {
                // Not the kata's failure: the machine did not give the test
                // the CPU to decide. Say so, and ask for a re-run.
                f.title = format!("{CHECKER_LIMIT} {}", run.name);
                f.limit = Some(Limit::TooBusy);
                f.cause = Some("the machine was too busy for this test to decide: re-run when it is quieter (or raise KATA_WALL_SECS)".into());
                f.book = Some("checker-limits".into());
                return f;
            }
            let why = match kind {
                StallKind::Spin => SPIN_CAUSE,
                StallKind::Stranded => STRANDED_CAUSE,
                StallKind::Deadlock | StallKind::Undecided => STALL_CAUSE,
            };
            f.cause = Some(match f.cause.take() {
                Some(c) => format!("{why}\n{c}"),
                None => why.to_owned(),
            });
            match kind {
                StallKind::Spin => f.book = Some("spin".into()),
                StallKind::Stranded => f.book = Some("lost-wakeup".into()),
                StallKind::Deadlock | StallKind::Undecided => {}
            }
        }
        Outcome::TimedOut => {
            f.what = "the test neither finished nor reported a hang, and was killed: a thread may be spinning in a way even the watchdog could not report".into();
        }
        Outcome::NoVerdict(why) => f.what = why.clone(),
        Outcome::Failed | Outcome::Passed => {
            let msg = panic.map_or_else(
                || "the test failed without a panic message".to_owned(),
                |p| p.message.clone(),
            );
            let root = format!("{}/", paths::root().display());
            let blocked: Vec<String> = panic
                .into_iter()
                .flat_map(|p| &p.blocked)
                .map(|b| {
                    format!(
                        "  {} is blocked in {} at {}",
                        b.thread,
                        b.op,
                        b.at.replace(&root, "")
                    )
                })
                .collect();
            let (what, cause, book) = classify(stage, &msg);
            f.what = what;
            if stage == Stage::Model && msg.contains("Model exceeded maximum number of branches") {
                f.limit = Some(Limit::GaveUp);
            }
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
pub(super) fn loom_internal_error(message: &str) -> bool {
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

pub(super) const SPIN_CAUSE: &str = "a thread spins on a condition that never becomes true (its wait has nothing that would end it), or threads keep undoing each other's work (a livelock)";

pub(super) const STRANDED_CAUSE: &str = "a lost wakeup: the kata's threads went to sleep with work to do, because a notify is missing, comes before the wait, or the condition is checked in one critical section and waited on in another";

pub(super) const STALL_CAUSE: &str = "threads wait for a wakeup that never comes: a notify that is missing, or that wakes the wrong kind of waiter (a lost wakeup), or locks taken in a cycle";

pub(super) fn first_kata_location(text: &str, subject: &Subject) -> Option<String> {
    let dir = subject.impl_dir.to_string_lossy();
    text.split_whitespace()
        .map(|w| w.trim_end_matches([')', ',', ':']))
        .find(|w| w.starts_with(&*dir))
        .map(|a| paths::display(std::path::Path::new(a)))
}

/// Loom's own failure messages, translated. Returns (what happened, extra
/// likely cause, book topic).
pub(super) fn classify(
    stage: Stage,
    msg: &str,
) -> (String, Option<&'static str>, Option<&'static str>) {
    // Shuttle, the second explorer, words its findings its own way.
    if stage == Stage::Model && msg.starts_with("deadlock! blocked tasks") {
        return (
            format!(
                "shuttle found a schedule in which every thread is blocked and none can wake the others ({})",
                first_line(msg)
            ),
            Some(
                "a lost wakeup (a notify that is missing, goes to the wrong waiter, or comes before the wait) or locks taken in a cycle",
            ),
            Some("deadlock"),
        );
    }
    if stage == Stage::Model && msg.starts_with("exceeded max_steps bound") {
        return (
            "shuttle found a schedule in which threads kept running without finishing: a spin whose condition never becomes true, or a livelock".into(),
            Some(
                "a busy-wait whose condition only another thread can change, while that thread waits for the spinner",
            ),
            Some("spin"),
        );
    }
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

pub(super) fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}
