//! Printing a verdict: a line per stage while it runs, then the failures.
//!
//! Everything here is text built from a [`Verdict`] (or a [`StageResult`]);
//! only [`progress`] and [`render`] print it, so the snapshot tests below
//! see exactly what a learner sees.

use std::fmt::Write as _;

use super::*;

pub(super) fn progress(out: &Out, r: &StageResult) {
    if out.quiet {
        return;
    }
    if out.color() {
        // Clear the "building..." line left on the terminal.
        eprint!("\r\x1b[2K");
    }
    println!("{}", progress_line(out, r));
}

/// A stage's line: `  ok   model      3 tests, ... 1.2s`.
pub(super) fn progress_line(out: &Out, r: &StageResult) -> String {
    let name = format!("{:<10}", r.stage.name());
    let took = out.dim(&format!("{:.1}s", r.took.as_secs_f64()));
    match &r.status {
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
    }
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

/// Prints the verdict (after the stages' lines) and returns the exit code.
pub(super) fn render(
    kata: &Kata,
    subject: &Subject,
    verdict: &Verdict,
    rerun: &str,
    out: &Out,
) -> Code {
    let (text, code) = report(&kata.name, &subject.lib, verdict, rerun, REPLAY.get(), out);
    if code == Code::Internal {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    code
}

/// The verdict as text: the failures (at most three per stage), then one
/// line that says what it means, and the exit code that goes with it.
pub(super) fn report(
    kata: &str,
    lib: &std::path::Path,
    verdict: &Verdict,
    rerun: &str,
    replay: Option<&Replay>,
    out: &Out,
) -> (String, Code) {
    let mut o = String::new();
    let code = report_into(&mut o, kata, lib, verdict, rerun, replay, out);
    (o, code)
}

fn report_into(
    o: &mut String,
    kata: &str,
    lib: &std::path::Path,
    verdict: &Verdict,
    rerun: &str,
    replay: Option<&Replay>,
    out: &Out,
) -> Code {
    match verdict {
        Verdict::NotStarted => {
            let _ = writeln!(
                o,
                "{} {} is not started: every function is still todo!().",
                out.yellow("not started:"),
                kata
            );
            let _ = writeln!(
                o,
                "  open {} and follow the // TODO: comments, then run `{rerun}`.",
                paths::display(lib)
            );
            Code::NotStarted
        }
        Verdict::Unfinished(places) => {
            let _ = writeln!(
                o,
                "{} {} still has todo!() at:",
                out.yellow("unfinished:"),
                kata
            );
            for p in places {
                let _ = writeln!(o, "  {p}");
            }
            let _ = writeln!(o, "  fill them in, then run `{rerun}`.");
            Code::NotStarted
        }
        Verdict::Internal(e) => {
            let _ = writeln!(o, "{} {e}", out.red("error:"));
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
                print_failures(o, stage, limits, rerun, replay, out);
                let _ = writeln!(
                    o,
                    "{} {}: every stage that ran found no bug, but the {} stage could not verify what it usually does (above), so this is not a pass.  re-run: {}",
                    out.yellow("NOT VERIFIED"),
                    kata,
                    stage.name(),
                    out.bold(rerun)
                );
                return Code::Failed;
            }
            match failing {
                None if replay.is_some_and(|r| r.test.is_empty()) => {
                    let r = replay.expect("matched");
                    let _ = writeln!(
                        o,
                        "{} the {} stage finds no bug, but the other stages did not run ({}), so this is not a verdict on {kata}. Run `cargo xtask check {kata}` for one.",
                        out.yellow("only:"),
                        r.stage.name(),
                        r.flag()
                    );
                    Code::Ok
                }
                None if replay.is_some() => {
                    let r = replay.expect("matched");
                    let _ = writeln!(
                        o,
                        "{} {}/{} did not fail this time. This is not a verdict on {kata}: for a model test, whose search is deterministic, it means the code changed; for a test on real threads, that its timing did. Run `cargo xtask check {kata}` for a verdict.",
                        out.yellow("replayed:"),
                        r.stage.name(),
                        r.test,
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
                        let _ = writeln!(
                            o,
                            "{} {} passes every stage ({:.1}s).",
                            out.green("PASS"),
                            kata,
                            total.as_secs_f64()
                        );
                    } else {
                        let _ = writeln!(
                            o,
                            "{} {} passes every stage, but the {} stage verified less than usual (above) ({:.1}s).",
                            out.yellow("PASS (partly verified)"),
                            kata,
                            partly.join(", "),
                            total.as_secs_f64()
                        );
                    }
                    Code::Ok
                }
                Some((stage, failures)) => {
                    print_failures(o, stage, failures, rerun, replay, out);
                    let _ = writeln!(
                        o,
                        "{} {} fails the {} stage.  re-run: {}",
                        out.red("FAIL"),
                        kata,
                        stage.name(),
                        out.bold(rerun)
                    );
                    Code::Failed
                }
            }
        }
    }
}

/// A stage's failures, at most three of them, after a blank line.
fn print_failures(
    o: &mut String,
    stage: Stage,
    failures: &[Failure],
    rerun: &str,
    replay: Option<&Replay>,
    out: &Out,
) {
    o.push('\n');
    let replaying = replay.is_some_and(|r| !r.test.is_empty());
    for f in failures.iter().take(3) {
        print_failure(o, stage, f, rerun, replaying, out);
    }
    if failures.len() > 3 {
        let _ = writeln!(o, "  ... and {} more like it\n", failures.len() - 3);
    }
}

pub(super) fn print_failure(
    o: &mut String,
    stage: Stage,
    f: &Failure,
    rerun: &str,
    replaying: bool,
    out: &Out,
) {
    let _ = writeln!(
        o,
        "{} {}",
        out.red(&format!("[{}]", stage.name())),
        out.bold(&f.title)
    );
    let mut field = |label: &str, text: &str| {
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            let _ = writeln!(o, "  {:<9} {first}", out.dim(label));
            for l in lines {
                let _ = writeln!(o, "  {:<9} {l}", "");
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
    if let Some(token) = f.replay.as_ref().filter(|_| !replaying) {
        // `--only` (always last in `rerun`) and `--replay` do not go together.
        let base = rerun.split(" --only ").next().unwrap_or(rerun);
        field("replay", &format!("{base} --replay {token}"));
    }
    if out.verbose && !f.output.is_empty() {
        field("output", &f.output);
    }
    o.push('\n');
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;

    fn stage(stage: Stage, status: Status, secs: f64) -> StageResult {
        StageResult {
            stage,
            status,
            took: Duration::from_secs_f64(secs),
        }
    }

    fn ok(s: Stage, what: &str) -> StageResult {
        stage(s, Status::Pass(what.into()), 0.1)
    }

    /// The first stages of a run, all passing, up to (not including) `until`.
    fn passing_until(until: Stage) -> Vec<StageResult> {
        [
            ok(
                Stage::Facade,
                "1 file uses kata_sync for all synchronisation",
            ),
            ok(Stage::Build, "compiled"),
            ok(Stage::Api, "1 test"),
            ok(Stage::Functional, "19 tests"),
            ok(Stage::Stress, "4 tests"),
            ok(Stage::Model, "3 tests, 9325 interleavings explored"),
        ]
        .into_iter()
        .take_while(|r| r.stage != until)
        .collect()
    }

    /// What the learner sees: each stage's line, then the report.
    fn seen(verdict: &Verdict, replay: Option<&Replay>) -> String {
        let out = Out::plain();
        let mut text = String::new();
        if let Verdict::Ran(results) = verdict {
            for r in results {
                text.push_str(&progress_line(&out, r));
                text.push('\n');
            }
        }
        let rerun = "cargo xtask check q";
        let (report, code) = report(
            "q",
            Path::new("katas/q/src/lib.rs"),
            verdict,
            rerun,
            replay,
            &out,
        );
        format!("{text}{report}(exit code {})", code as i32)
    }

    fn failing(at: Stage, failure: Failure) -> Verdict {
        let mut results = passing_until(at);
        results.push(stage(at, Status::Fail(vec![failure]), 1.0));
        Verdict::Ran(results)
    }

    fn a_failure(test: &str) -> Failure {
        Failure {
            title: test.into(),
            test: test.into(),
            property: Some("no item is lost or duplicated".into()),
            what: "dequeue returned Item(3) twice".into(),
            at: Some("katas/q/src/lib.rs:41".into()),
            cause: Some("an item taken twice: decide and take in one critical section".into()),
            book: Some("check-then-act".into()),
            replay: Some(format!("functional/{test}@42")),
            ..Failure::default()
        }
    }

    #[test]
    fn a_pass() {
        let mut results = passing_until(Stage::Miri);
        results.push(stage(
            Stage::Miri,
            Status::Skip("no `unsafe` code: nothing for Miri to check".into()),
            0.0,
        ));
        insta::assert_snapshot!(seen(&Verdict::Ran(results), None));
    }

    #[test]
    fn a_partly_verified_pass_is_never_ok() {
        let mut results = passing_until(Stage::Model);
        results.push(stage(
            Stage::Model,
            Status::Partial("1 test, 5 interleavings explored at preemption bound 0, not 3: the busy-waits made the full search too large, so interleavings that need more than 0 preemptions were NOT explored".into()),
            30.0,
        ));
        let text = seen(&Verdict::Ran(results), None);
        assert!(!text.contains("  ok   model"), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn not_verified_is_not_a_pass() {
        let mut results = passing_until(Stage::Model);
        let mut f = a_failure("spins_forever");
        f.title = format!("{CHECKER_LIMIT} spins_forever");
        f.what = "the model checker explored 812 interleavings in 60s of CPU time without finding a bug, but did not finish the search within its budget".into();
        f.limit = Some(Limit::OutOfTime);
        f.replay = None;
        results.push(stage(Stage::Model, Status::Unverified(vec![f]), 60.0));
        insta::assert_snapshot!(seen(&Verdict::Ran(results), None));
    }

    #[test]
    fn not_started_and_unfinished() {
        insta::assert_snapshot!("not_started", seen(&Verdict::NotStarted, None));
        let unfinished = Verdict::Unfinished(vec!["katas/q/src/lib.rs:12".into()]);
        insta::assert_snapshot!("unfinished", seen(&unfinished, None));
    }

    #[test]
    fn a_facade_failure() {
        let f = Failure {
            title: "`std::sync::Mutex` is not from kata_sync".into(),
            property: Some("kata code takes every synchronisation primitive from kata_sync".into()),
            what: "loom, which runs the model stage, cannot see `std::sync::Mutex`: a thread blocked on it would hang the model checker".into(),
            at: Some("katas/q/src/lib.rs:3:5".into()),
            cause: Some("use kata_sync::Mutex instead".into()),
            book: Some("facade".into()),
            ..Failure::default()
        };
        insta::assert_snapshot!(seen(&failing(Stage::Facade, f), None));
    }

    #[test]
    fn a_compile_error() {
        let f = Failure {
            title: "error[E0308]: mismatched types".into(),
            what: "expected `usize`, found `u32`".into(),
            at: Some("katas/q/src/lib.rs:30".into()),
            ..Failure::default()
        };
        insta::assert_snapshot!(seen(&failing(Stage::Build, f), None));
    }

    /// An api case that does not compile: the failure is named by the
    /// property of the test that runs the case, read from the real suite.
    #[test]
    fn an_api_case_that_does_not_compile() {
        let d = crate::build::Diagnostic {
            message: "mismatched types".into(),
            rendered: "error[E0308]: mismatched types\n --> tests/api/signatures.rs:9:63\n  = note: expected fn pointer `for<'a> fn(&'a BoundedBlockingQueue<Opaque>, Opaque) -> ()`\n             found fn item `for<'a> fn(&'a BoundedBlockingQueue<_>, _) -> bool`".into(),
            at: Some("tests/api/signatures.rs:9".into()),
            file: Some("tests/api/signatures.rs".into()),
            spans: vec![
                ("tests/api/signatures.rs".into(), 9),
                ("/learner/lib.rs".into(), 57),
            ],
        };
        let suite = paths::root().join("solutions/bounded-blocking-queue");
        let failures = super::super::api::case_failures(&[&d], &suite, |f| {
            f == std::path::Path::new("/learner/lib.rs")
        });
        let results = vec![
            StageResult {
                stage: Stage::Facade,
                status: Status::Pass("1 file uses kata_sync for all synchronisation".into()),
                took: Duration::ZERO,
            },
            StageResult {
                stage: Stage::Build,
                status: Status::Pass("compiled".into()),
                took: Duration::ZERO,
            },
            StageResult {
                stage: Stage::Api,
                status: Status::Fail(failures),
                took: Duration::ZERO,
            },
        ];
        insta::assert_snapshot!(seen(&Verdict::Ran(results), None));
    }

    #[test]
    fn a_functional_failure_with_its_replay_line() {
        insta::assert_snapshot!(seen(
            &failing(Stage::Functional, a_failure("items_come_out_in_order")),
            None
        ));
    }

    #[test]
    fn a_stall_with_blocked_threads() {
        let f = Failure {
            what: "every thread is blocked, none can wake another, and none has moved for 1.0s (a deadlock: no notification or unlock is pending), while checking that no item is lost.\ncalls that never returned:\n  consumer-0: dequeue()  (blocked in Condvar::wait at katas/q/src/lib.rs:56)\nother threads blocked in kata_sync:\n  main: JoinHandle::join at tests/stress.rs:80".into(),
            at: Some("katas/q/src/lib.rs:56".into()),
            cause: Some("threads wait for a wakeup that never comes: a notify that is missing, or that wakes the wrong kind of waiter (a lost wakeup), or locks taken in a cycle".into()),
            book: Some("deadlock".into()),
            replay: Some("stress/lose_nothing@42".into()),
            ..a_failure("lose_nothing")
        };
        insta::assert_snapshot!(seen(&failing(Stage::Stress, f), None));
    }

    #[test]
    fn a_miri_finding() {
        let f = Failure {
            title: "Miri found undefined behaviour".into(),
            test: String::new(),
            property: Some("unsafe code upholds Rust's rules: no uninitialised reads, no use after free, no double drop, no aliasing violation".into()),
            what: "error: Undefined Behavior: using uninitialized data, but this operation requires initialized memory".into(),
            at: Some("katas/spsc-ring/src/lib.rs:97".into()),
            cause: Some("an `unsafe` block whose SAFETY argument does not hold on some path: read Miri's report below (run with --verbose)".into()),
            book: Some("checker-limits".into()),
            replay: None,
            ..a_failure("")
        };
        insta::assert_snapshot!(seen(&failing(Stage::Miri, f), None));
    }

    #[test]
    fn a_loom_counterexample() {
        let f = Failure {
            what: "loom found a data race: Causality violation: Concurrent read and write accesses.".into(),
            at: Some("katas/q/src/lib.rs:140".into()),
            timeline: Some("all 3 steps of the failing execution, in the order loom ran them\nmain        │ producer\n────────────┼────────────\n            │ c1.write :112\n            │ a2.store(1, Relaxed) :114\na2.load(Acquire) = 1 :130\n✗ Causality violation: Concurrent read and write accesses.".into()),
            cause: Some("two threads touch the same data and nothing orders them: a Relaxed flag, or a read outside the lock".into()),
            book: Some("data-race".into()),
            replay: Some("model/a_popped_item_was_written_before_it_is_read".into()),
            ..a_failure("a_popped_item_was_written_before_it_is_read")
        };
        let verdict = failing(Stage::Model, f);
        insta::assert_snapshot!("a_loom_counterexample", seen(&verdict, None));
        // A replay prints no replay line of its own, and says what it re-ran.
        let replay = Replay {
            stage: Stage::Model,
            test: "a_popped_item_was_written_before_it_is_read".into(),
            seed: None,
        };
        let replayed = seen(&verdict, Some(&replay));
        assert!(!replayed.contains("  replay "), "{replayed}");
        let passed_this_time = Verdict::Ran(passing_until(Stage::Miri));
        insta::assert_snapshot!(
            "a_replay_that_passed",
            seen(&passed_this_time, Some(&replay))
        );
        // `--only model` that finds nothing is not a pass either.
        let only = Replay::only("model").unwrap();
        let text = seen(&passed_this_time, Some(&only));
        assert!(!text.contains("PASS"), "{text}");
        insta::assert_snapshot!("only_one_stage", text);
        assert!(Replay::only("api").is_err());
    }

    #[test]
    fn more_than_three_failures_are_summed_up() {
        let failures = (0..5).map(|i| a_failure(&format!("case_{i}"))).collect();
        let mut results = passing_until(Stage::Functional);
        results.push(stage(Stage::Functional, Status::Fail(failures), 1.0));
        let text = seen(&Verdict::Ran(results), None);
        assert_eq!(text.matches("[functional]").count(), 3, "{text}");
        assert!(text.contains("... and 2 more like it"), "{text}");
    }
}
