//! The verdict channel's records, typed.
//!
//! A hidden test (through `kata-test`) appends one JSON object per line to
//! the report file `cargo xtask check` gave it; xtask reads them back to
//! decide the test's outcome and explain a failure. Both sides use these
//! types, so a field cannot be renamed on one side only, and nothing
//! crosses the process boundary as prose to be parsed back.
//!
//! Every line carries the run's nonce ([`Line::nonce`]): only a record
//! stamped with it counts (see `kata-test`'s `report` module for why code
//! under test cannot forge one).

use serde::{Deserialize, Serialize};

/// One line of a report file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    #[serde(flatten)]
    pub record: Record,
    pub nonce: String,
}

impl Line {
    /// The JSON line, without its newline.
    pub fn to_json(&self) -> String {
        // A record holds only strings, numbers and lists of them.
        serde_json::to_string(self).expect("a record always serialises")
    }

    /// The line's record, if `text` is a record stamped with `nonce`.
    pub fn parse(text: &str, nonce: &str) -> Option<Record> {
        serde_json::from_str::<Line>(text)
            .ok()
            .filter(|l| l.nonce == nonce)
            .map(|l| l.record)
    }
}

/// What a test reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Record {
    /// The test began checking a property.
    Start {
        property: String,
        cause: String,
        book: String,
    },
    /// The test's body ran to the end.
    Pass,
    /// The test failed without a panic of its own (a recorded violation).
    Fail,
    /// A panic: an assertion, a loom finding, a panic in the kata.
    Panic(Panic),
    /// The watchdog found no progress and ended the process.
    Stall { kind: StallKind, report: String },
    /// The test could not decide within the checker's limits (never a
    /// pass, never the kata's fault).
    Limit { why: String },
    /// A fact for the verdict, e.g. how many loom executions were explored.
    Note { key: String, value: u64 },
}

/// A panic, with what the checker knew when it happened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panic {
    pub message: String,
    /// Where the panic was raised (`file:line`).
    pub location: Option<String>,
    /// The innermost line of the code under test on the panicking stack.
    pub learner: Option<String>,
    /// The panicking thread's name.
    pub thread: Option<String>,
    /// Every thread blocked in a `kata_sync` primitive at the time.
    #[serde(default)]
    pub blocked: Vec<Blocked>,
    /// Under loom, the failing execution's steps, oldest first (the last
    /// ones, if it took more than are kept).
    #[serde(default)]
    pub trace: Vec<Step>,
    /// How many steps the execution took in all.
    #[serde(default)]
    pub trace_steps: u64,
}

/// A thread blocked in a facade primitive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    pub thread: String,
    /// The blocking call, e.g. `Condvar::wait`.
    pub op: String,
    /// `file:line` of the call.
    pub at: String,
}

/// One synchronisation step of one thread, for the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub thread: String,
    /// `file:line`, or empty when no call site names the step.
    pub at: String,
    /// What it did, e.g. `m1.lock`, `a2.load(Acquire) = 0`.
    pub what: String,
}

/// What the watchdog concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StallKind {
    /// Every thread asleep in a wait or a join, none able to wake another.
    Deadlock,
    /// No progress while the threads used the CPU budget.
    Spin,
    /// No progress while the suite's callers retried and every thread the
    /// kata spawned slept in a wait.
    Stranded,
    /// No progress, and not enough CPU to tell why.
    Undecided,
}

impl StallKind {
    pub fn name(self) -> &'static str {
        match self {
            StallKind::Deadlock => "deadlock",
            StallKind::Spin => "spin",
            StallKind::Stranded => "stranded",
            StallKind::Undecided => "undecided",
        }
    }
}

/// The model stage's settings that both sides must agree on: the suites
/// run loom with them (`kata_test::model`), and `cargo xtask check` reports
/// and adjusts them (its second looks at a search that did not fit).
pub mod model {
    use std::time::Duration;

    /// The preemption bound used unless `KATA_LOOM_PREEMPTIONS` or a test
    /// says otherwise.
    pub const DEFAULT_PREEMPTIONS: usize = 3;

    /// How much CPU time one model test may spend exploring:
    /// `KATA_LOOM_BUDGET_SECS`, 30 seconds by default: more than three times
    /// the largest search a blocking answer in the catalogue needs (about 9 s,
    /// the web crawler's `coordinator_and_queues.rs`). The busy-waits whose
    /// search never ends go on to the second explorer (shuttle) sooner.
    pub fn time_budget() -> Duration {
        std::env::var("KATA_LOOM_BUDGET_SECS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(Duration::from_secs(30), Duration::from_secs_f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_round_trips_and_only_with_its_nonce() {
        let line = Line {
            record: Record::Panic(Panic {
                message: "a \"quoted\"\nmessage".into(),
                blocked: vec![Blocked {
                    thread: "t".into(),
                    op: "Mutex::lock".into(),
                    at: "a.rs:1".into(),
                }],
                trace: vec![Step {
                    thread: "t".into(),
                    at: String::new(),
                    what: "m1.unlock".into(),
                }],
                trace_steps: 1,
                ..Panic::default()
            }),
            nonce: "n1".into(),
        };
        let text = line.to_json();
        assert!(text.starts_with(r#"{"event":"panic","#), "{text}");
        assert_eq!(Line::parse(&text, "n1"), Some(line.record.clone()));
        assert_eq!(Line::parse(&text, "n2"), None, "another run's nonce");
        assert_eq!(Line::parse("not json", "n1"), None);
    }

    #[test]
    fn a_record_without_optional_fields_still_reads() {
        let r = Line::parse(r#"{"event":"panic","message":"m","nonce":"n"}"#, "n");
        assert!(matches!(r, Some(Record::Panic(p)) if p.message == "m" && p.trace.is_empty()));
        let s = Line::parse(
            r#"{"event":"stall","kind":"stranded","report":"r","nonce":"n"}"#,
            "n",
        );
        assert_eq!(
            s,
            Some(Record::Stall {
                kind: StallKind::Stranded,
                report: "r".into()
            })
        );
    }
}
