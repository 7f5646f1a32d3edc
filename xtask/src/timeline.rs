//! The failing interleaving, drawn as a timeline with one column per thread.
//!
//! Under loom the facade records each synchronisation step of the current
//! execution (`kata_hooks::trace`), and a failing test's panic record carries
//! them. This module turns them into what a learner reads: the last steps
//! before the failure, in the order loom ran them, each in its thread's
//! column with the kata's line, a spin's repeated reads folded into one row,
//! and the failure marked at the bottom.

use std::sync::atomic::{AtomicUsize, Ordering};

use kata_verdict::{Panic, Step};

/// Rows shown unless `--trace-steps` says otherwise: with a header and the
/// failure line, a timeline stays within 40 lines.
pub const DEFAULT_ROWS: usize = 30;

static ROWS: AtomicUsize = AtomicUsize::new(DEFAULT_ROWS);

/// Sets how many rows a timeline shows (`--trace-steps`).
pub fn set_rows(rows: usize) {
    // Relaxed: set once, before any check runs.
    ROWS.store(rows.max(1), Ordering::Relaxed);
}

fn rows() -> usize {
    // Relaxed: see `set_rows`.
    ROWS.load(Ordering::Relaxed)
}

/// The steps of one failing execution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// The steps kept, oldest first (the end of a long execution).
    pub steps: Vec<Step>,
    /// How many steps the execution took in all.
    pub total: u64,
}

impl Trace {
    /// The trace a panic record carries, if it has steps.
    pub fn from_panic(panic: &Panic) -> Option<Trace> {
        if panic.trace.is_empty() {
            return None;
        }
        Some(Trace {
            steps: panic.trace.clone(),
            total: panic.trace_steps.max(panic.trace.len() as u64),
        })
    }
}

/// A row of the timeline: a step, or a run of the same step.
#[derive(Debug)]
struct Row<'a> {
    step: &'a Step,
    times: usize,
    /// A spurious wakeup just seen, not yet followed by the wait again.
    pending: Option<&'a Step>,
}

impl<'a> Row<'a> {
    fn new(step: &'a Step) -> Self {
        Row {
            step,
            times: 1,
            pending: None,
        }
    }

    /// A wait folded with its spurious wakeups reads `cv1.wait ×3`: it
    /// waited three times, the first two ending in a spurious wakeup (a
    /// wait that ended in a notification is followed by `cv1.woken`).
    fn text(&self) -> String {
        match self.times {
            1 => self.step.what.clone(),
            n => format!("{} ×{n}", self.step.what),
        }
    }
}

/// Folds each run of the same step by the same thread, one right after the
/// other, into one row, and a wait that wakes spuriously and waits again
/// into its wait. Only adjacent steps fold: a read repeated after another
/// thread's write stays two rows, since that is often the bug.
fn fold(steps: &[Step]) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = Vec::new();
    for s in steps {
        if let Some(last) = rows.last_mut() {
            let wait = last.step.what.strip_suffix(".wait");
            match last.pending {
                None if last.step == s => {
                    last.times += 1;
                    continue;
                }
                None if wait.is_some_and(|cv| {
                    s.what.strip_suffix(".spurious") == Some(cv)
                        && s.thread == last.step.thread
                        && s.at == last.step.at
                }) =>
                {
                    last.pending = Some(s);
                    continue;
                }
                Some(_) if last.step == s => {
                    last.pending = None;
                    last.times += 1;
                    continue;
                }
                Some(woke) => {
                    last.pending = None;
                    rows.push(Row::new(woke));
                }
                None => {}
            }
        }
        rows.push(Row::new(s));
    }
    if let Some(woke) = rows.last_mut().and_then(|r| r.pending.take()) {
        rows.push(Row::new(woke));
    }
    rows
}

/// How the timeline names a thread: loom's `ThreadId(0)` is the model's
/// main thread.
fn thread_name(label: &str) -> String {
    match label
        .strip_prefix("ThreadId(")
        .and_then(|r| r.strip_suffix(')'))
    {
        Some("0") => "main".to_owned(),
        Some(n) => format!("thread {n}"),
        None => label.to_owned(),
    }
}

/// Where a step was taken, short: `:41` in the kata's file, `file.rs:41`
/// in the suite, nothing in the checker's own helpers or when unknown.
fn place(at: &str, kata_dir: &str) -> String {
    let Some((file, line)) = at.rsplit_once(':') else {
        return String::new();
    };
    if file.contains("crates/kata-") || file.starts_with("/rustc/") {
        return String::new();
    }
    if file.starts_with(kata_dir) {
        format!(":{line}")
    } else {
        let base = file.rsplit('/').next().unwrap_or(file);
        format!("{base}:{line}")
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `what` and `place` in `w` columns, cutting `what` (never the line) when
/// it does not fit.
fn cell(what: &str, place: &str, w: usize) -> String {
    let room = w.saturating_sub(width(place) + 1);
    let what = if width(what) > room {
        let mut cut: String = what.chars().take(room.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        what.to_owned()
    };
    let text = if place.is_empty() {
        what
    } else {
        format!("{what} {place}")
    };
    format!("{text:<w$}")
}

/// The timeline of a failing test's panic record, if it carries steps (a
/// model-stage failure): its steps, then the threads still blocked, then
/// the failure.
pub fn for_panic(panic: &Panic, kata_dir: &str) -> Option<String> {
    let trace = Trace::from_panic(panic)?;
    let message = panic.message.as_str();
    let failure = if message.starts_with("deadlock;") {
        // loom's own words list thread ids and internal states.
        "deadlock: every thread that has not finished is blocked, and none can wake another"
    } else {
        message.lines().next().unwrap_or(message)
    };
    Some(render(&trace, &blocked_steps(panic), failure, kata_dir))
}

/// Draws `trace` as a timeline ending in `failure` (the panic's first
/// line), after a row for each thread still `blocked` at the end (its `what`
/// is the blocking call). `kata_dir` is the folder of the code under test,
/// whose lines are shown as `:N`.
pub fn render(trace: &Trace, blocked: &[Step], failure: &str, kata_dir: &str) -> String {
    render_rows(trace, blocked, failure, kata_dir, rows())
}

/// The threads a panic record lists as blocked, as steps for [`render`].
pub fn blocked_steps(panic: &Panic) -> Vec<Step> {
    panic
        .blocked
        .iter()
        .map(|b| Step {
            thread: b.thread.clone(),
            at: b.at.clone(),
            // `Condvar::wait` -> `blocked in wait`: the step before it names
            // the primitive.
            what: format!("blocked in {}", b.op.rsplit("::").next().unwrap_or(&b.op)),
        })
        .collect()
}

fn render_rows(
    trace: &Trace,
    blocked: &[Step],
    failure: &str,
    kata_dir: &str,
    max_rows: usize,
) -> String {
    let mut folded = fold(&trace.steps);
    let steps_shown = max_rows.min(folded.len());
    folded.extend(blocked.iter().map(Row::new));
    let shown = &folded[folded.len() - steps_shown - blocked.len()..];
    // Columns in order of each thread's first step in the whole trace.
    let mut threads: Vec<&str> = Vec::new();
    for s in trace.steps.iter().chain(blocked) {
        if !threads.contains(&s.thread.as_str()) && shown.iter().any(|r| r.step.thread == s.thread)
        {
            threads.push(&s.thread);
        }
    }
    // Fit in about 120 columns, after the report's 12-column indent.
    let n = threads.len().max(1);
    let w = ((108 - 3 * (n - 1)) / n).clamp(16, 36);
    let mut out = String::new();
    let shown_steps: usize = shown[..steps_shown].iter().map(|r| r.times).sum();
    if (shown_steps as u64) < trace.total {
        out.push_str(&format!(
            "the last {shown_steps} of {} steps of the failing execution, in the order loom ran them (--trace-steps N shows more)\n",
            trace.total
        ));
    } else {
        out.push_str(&format!(
            "all {} steps of the failing execution, in the order loom ran them\n",
            trace.total
        ));
    }
    let join = |cells: Vec<String>| cells.join(" │ ").trim_end_matches([' ', '│']).to_owned();
    out.push_str(&join(
        threads
            .iter()
            .map(|t| cell(&thread_name(t), "", w))
            .collect(),
    ));
    out.push('\n');
    out.push_str(&vec!["─".repeat(w); n].join("─┼─"));
    out.push('\n');
    for r in shown {
        let col = threads
            .iter()
            .position(|t| *t == r.step.thread)
            .unwrap_or(0);
        let mut what = r.text();
        for verb in ["join ", "joined "] {
            if let Some(whom) = what.strip_prefix(verb) {
                what = format!("{verb}{}", thread_name(whom));
            }
        }
        let cells = (0..n)
            .map(|i| {
                if i == col {
                    cell(&what, &place(&r.step.at, kata_dir), w)
                } else {
                    " ".repeat(w)
                }
            })
            .collect();
        out.push_str(&join(cells));
        out.push('\n');
    }
    out.push_str(&format!("✗ {failure}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real panic records of failing loom executions (paths shortened to
    /// `/p/`), and one drawn by hand, rendered as a learner sees them.
    #[rstest::rstest]
    #[case::lost_wakeup(
        "lost_wakeup_one_condvar",
        "/p/solutions/bounded-blocking-queue/mutants/"
    )]
    #[case::relaxed_publish("relaxed_publish_spsc", "/p/solutions/spsc-ring/mutants/")]
    #[case::check_then_act("check_then_act_lru", "/p/solutions/lru-cache/mutants/")]
    #[case::not_linearizable("not_linearizable_lru", "/p/solutions/lru-cache/mutants/")]
    #[case::lock_order_deadlock("lock_order_deadlock", "/p/solutions/example/mutants/")]
    fn timelines_of_real_failures(#[case] name: &str, #[case] kata_dir: &str) {
        let path = format!(
            "{}/src/timeline_fixtures/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let record: kata_verdict::Record =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let kata_verdict::Record::Panic(panic) = record else {
            panic!("{path} is not a panic record");
        };
        let text = for_panic(&panic, kata_dir).expect("a trace");
        assert!(text.lines().count() <= 40, "{text}");
        insta::assert_snapshot!(name, text);
    }

    fn step(thread: &str, at: &str, what: &str) -> Step {
        Step {
            thread: thread.into(),
            at: at.into(),
            what: what.into(),
        }
    }

    fn trace(steps: Vec<Step>) -> Trace {
        let total = steps.len() as u64;
        Trace { steps, total }
    }

    #[test]
    fn each_thread_gets_a_column_and_the_kata_lines_are_short() {
        let t = trace(vec![
            step("ThreadId(0)", "/k/src/lib.rs:10", "m1.lock"),
            step("ThreadId(1)", "/k/src/lib.rs:20", "cv1.wait"),
            step("ThreadId(0)", "/s/tests/model.rs:5", "join ThreadId(1)"),
            step(
                "ThreadId(0)",
                "/p/crates/kata-test/src/spawn.rs:22",
                "joined thread 1",
            ),
        ]);
        let text = render_rows(&t, &[], "deadlock", "/k/", 30);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("all 4 steps"), "{text}");
        assert!(lines[1].starts_with("main"), "{text}");
        assert!(lines[1].contains("│ thread 1"), "{text}");
        assert!(lines[3].starts_with("m1.lock :10"), "{text}");
        let second = lines[4];
        assert!(second.contains("│ cv1.wait :20"), "{text}");
        assert_eq!(second.find("cv1.wait"), lines[1].find("thread 1"), "{text}");
        assert!(lines[5].contains("model.rs:5"), "{text}");
        assert_eq!(
            lines[6].trim_end(),
            "joined thread 1",
            "the checker's helpers are no place"
        );
        assert_eq!(*lines.last().unwrap(), "✗ deadlock");
    }

    #[test]
    fn a_spin_folds_into_one_row_but_a_read_after_a_write_does_not() {
        let spin = step("ThreadId(1)", "/k/a.rs:7", "a1.load(Acquire) = 0");
        let t = trace(vec![
            spin.clone(),
            spin.clone(),
            spin.clone(),
            step("ThreadId(0)", "/k/a.rs:3", "a1.store(1, Relaxed)"),
            spin.clone(),
        ]);
        let text = render_rows(&t, &[], "assertion failed", "/k/", 30);
        assert!(text.contains("a1.load(Acquire) = 0 ×3 :7"), "{text}");
        assert_eq!(text.matches("a1.load").count(), 2, "{text}");
    }

    #[test]
    fn a_wait_that_wakes_spuriously_and_waits_again_is_one_row() {
        let wait = step("c", "/k/a.rs:9", "cv1.wait");
        let spurious = step("c", "/k/a.rs:9", "cv1.spurious");
        let t = trace(vec![
            wait.clone(),
            spurious.clone(),
            wait.clone(),
            spurious.clone(),
            wait.clone(),
            step("p", "/k/a.rs:4", "cv1.notify_one"),
            step("c", "/k/a.rs:9", "cv1.woken"),
            wait.clone(),
            spurious.clone(),
        ]);
        let text = render_rows(&t, &[], "f", "/k/", 30);
        assert!(text.contains("cv1.wait ×3 :9"), "{text}");
        assert!(text.contains("cv1.woken :9"), "{text}");
        assert!(
            text.contains("cv1.spurious :9"),
            "a last spurious wakeup stays: {text}"
        );
        assert_eq!(text.lines().count(), 3 + 5 + 1, "{text}");
    }

    #[test]
    fn threads_still_blocked_end_the_timeline() {
        let t = trace(vec![
            step("a", "/k/a.rs:1", "m1.lock"),
            step("a", "/k/a.rs:2", "m2.lock"),
        ]);
        let blocked_at = |thread: &str, at: &str| kata_verdict::Blocked {
            thread: thread.into(),
            op: "Mutex::lock".into(),
            at: at.into(),
        };
        let panic = Panic {
            blocked: vec![blocked_at("a", "/k/a.rs:7"), blocked_at("b", "/k/a.rs:2")],
            ..Panic::default()
        };
        let blocked = blocked_steps(&panic);
        assert_eq!(blocked.len(), 2);
        let text = render_rows(&t, &blocked, "deadlock", "/k/", 1);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("the last 1 of 2 steps"), "{text}");
        assert!(
            lines[1].contains("│ b"),
            "a blocked thread gets a column: {text}"
        );
        assert!(lines[3].starts_with("m2.lock :2"), "{text}");
        assert!(lines[4].starts_with("blocked in lock :7"), "{text}");
        assert!(lines[5].contains("│ blocked in lock :2"), "{text}");
    }

    #[test]
    fn only_the_last_rows_are_shown_and_it_says_so() {
        let steps = (0..100)
            .map(|i| step("ThreadId(0)", &format!("/k/a.rs:{i}"), "m1.lock"))
            .collect();
        let text = render_rows(&trace(steps), &[], "boom", "/k/", 10);
        assert!(text.starts_with("the last 10 of 100 steps"), "{text}");
        assert!(text.contains(":99") && !text.contains(":89 "), "{text}");
        assert!(text.lines().count() <= 10 + 4, "{text}");
    }

    #[test]
    fn a_long_step_is_cut_but_keeps_its_line() {
        let t = trace(vec![
            step("a", "/k/a.rs:1", "x"),
            step("b", "/k/a.rs:2", "x"),
            step("c", "/k/a.rs:3", "x"),
            step("d", "/k/a.rs:4", "x"),
            step(
                "e",
                "/k/a.rs:5",
                "a1.compare_exchange(false -> true, Acquire) failed, saw true",
            ),
        ]);
        let text = render_rows(&t, &[], "f", "/k/", 30);
        let row = text.lines().find(|l| l.contains(":5")).unwrap();
        assert!(row.contains('…'), "{text}");
        assert!(text.lines().all(|l| width(l) <= 120), "{text}");
    }
}
