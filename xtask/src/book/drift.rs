//! The checker output the book quotes, kept true.
//!
//! A chapter quotes a report with `{{#include ../generated/checks/<kata>/<mutant>.txt}}`.
//! `cargo xtask book --bless` writes each such file by running the real
//! checker on `solutions/<kata>/mutants/<mutant>.rs`; `--check` runs it
//! again and fails when the report has drifted from the quoted one.
//!
//! Timings are dropped when a report is written. The comparison then looks
//! only at what a chapter's argument rests on: the failing stage, and each
//! failure's property, likely cause and book section. The facade, build,
//! api and model stages give the same failures on every run (loom's search
//! is exhaustive and deterministic). The stages on real threads, functional
//! and stress, do not: which tests trip, and so which properties, causes
//! and even book sections are printed, depends on scheduling. Measured over
//! ten runs each, a lost-update time-map mutant failed the linearizability
//! test on some runs and the lost-increments test on others; FooBar's
//! print-after-handing-over mutant sent the reader to `while-not-if` on some
//! runs and to the FooBar chapter on others. Even the stage moves: a
//! thread-pool worker that checks the queue and waits in two critical
//! sections was caught by the functional stage on some runs and by the
//! stress stage on others. For those two stages the comparison keeps only
//! the verdict that real threads rejected the mutant. A mutant that real
//! threads catch on most runs but not all fails the model stage instead,
//! so a mismatch is re-run up to [`ATTEMPTS`] times before it counts as
//! drift.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use crate::term::Out;
use crate::{Code, paths};

const MARKER: &str = "generated/checks/";

/// Runs of the checker before a mismatch counts as drift. Measured on two
/// busy cores, the worst quoted mutant (time-map's update_unlocks_around_f)
/// slipped past the stress stage to the model stage in 2 runs of 9: five
/// runs all missing is about 1 in 2,000, while a real drift mismatches
/// every time. Only a mismatch is re-run, so this costs nothing when the
/// quotes are current.
const ATTEMPTS: usize = 5;

/// A quoted report: `(kata, mutant file stem)`.
type Quote = (String, String);

fn checks_dir() -> PathBuf {
    super::src_dir().join("generated").join("checks")
}

fn file_of((kata, stem): &Quote) -> PathBuf {
    checks_dir().join(kata).join(format!("{stem}.txt"))
}

/// Every report some chapter includes.
fn quoted() -> BTreeSet<Quote> {
    let mut found = BTreeSet::new();
    let mut stack = vec![super::src_dir()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                found.extend(quotes_in(&text));
            }
        }
    }
    found
}

fn quotes_in(markdown: &str) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let mut rest = markdown;
    while let Some(i) = rest.find(MARKER) {
        rest = &rest[i + MARKER.len()..];
        let end = rest.find(".txt").unwrap_or(0);
        if let Some((kata, stem)) = rest[..end].split_once('/')
            && !stem.contains('/')
            && !kata.is_empty()
        {
            quotes.push((kata.to_owned(), stem.to_owned()));
        }
    }
    quotes
}

/// Runs the real checker on the mutant, as a learner would see it in a
/// pipe: no colour, no progress line.
///
/// A quote named `<mutant>.model.txt` shows the model stage alone
/// (`--only model`): for a mutant that real threads catch on most runs but
/// not all, the chapter's argument about what loom finds stays true on
/// every run.
fn generate((kata, stem): &Quote) -> Result<String, String> {
    let (stem, only) = match stem.strip_suffix(".model") {
        Some(mutant) => (mutant, Some("model")),
        None => (stem.as_str(), None),
    };
    let mutant = paths::solutions()
        .join(kata)
        .join("mutants")
        .join(format!("{stem}.rs"));
    if !mutant.is_file() {
        return Err(format!(
            "the book quotes {kata}/{stem}, but {} does not exist",
            paths::display(&mutant)
        ));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe)
        .current_dir(paths::root())
        .env("NO_COLOR", "1")
        .args(["check", kata, "--impl"])
        .arg(paths::display(&mutant))
        .args(only.map(|stage| ["--only", stage]).into_iter().flatten())
        .output()
        .map_err(|e| e.to_string())?;
    let report = String::from_utf8_lossy(&output.stdout);
    if output.status.code() != Some(Code::Failed as i32) {
        return Err(format!(
            "`cargo xtask check {kata} --impl {}` should fail with exit code 1, but gave {:?}:\n{report}",
            paths::display(&mutant),
            output.status.code()
        ));
    }
    Ok(without_timings(&report))
}

/// Drops the seconds each stage took ("0.1s" at the end of a stage's line),
/// which change on every run. A duration inside a sentence (the watchdog's
/// "no progress for 5.0s") is configuration, not timing, and stays.
fn without_timings(report: &str) -> String {
    let mut s = String::new();
    for line in report.lines() {
        let line = line.trim_end();
        let kept = match line.rsplit_once(' ') {
            Some((rest, last)) if is_duration(last) => rest,
            _ => line,
        };
        s.push_str(kept.trim_end());
        s.push('\n');
    }
    s
}

fn is_duration(word: &str) -> bool {
    let w = word.trim_matches(|c| c == '(' || c == ')' || c == '.' || c == ',');
    w.strip_suffix('s').is_some_and(|n| {
        !n.is_empty() && n.contains('.') && n.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// What the comparison looks at: the verdict line; for each failure outside
/// the real-thread stages, its stage, property, cause and book section
/// (continuation lines included); functional and stress failures add
/// nothing beyond the verdict, and the verdict does not say which of the
/// two it was (see the module comment).
fn stable_view(report: &str) -> Vec<String> {
    let mut view = Vec::new();
    let mut tag = String::new();
    let mut keep = false;
    for line in report.lines() {
        let trimmed = line.trim_start();
        let on_threads = tag == "[stress]" || tag == "[functional]";
        if line.starts_with("FAIL ") {
            view.push(
                line.replace("the functional stage", "a real-thread stage")
                    .replace("the stress stage", "a real-thread stage"),
            );
            keep = false;
        } else if line.starts_with('[') {
            tag = line.split(']').next().unwrap_or(line).to_owned() + "]";
            if !(tag == "[stress]" || tag == "[functional]") {
                view.push(tag.clone());
            }
            keep = false;
        } else if line.starts_with("  ") && !line.starts_with("   ") {
            // A labelled field: "  cause     ...".
            let label = trimmed.split_whitespace().next().unwrap_or("");
            if on_threads {
                keep = false;
            } else {
                keep = matches!(label, "property" | "cause" | "read");
                if keep {
                    view.push(trimmed.to_owned());
                }
            }
        } else if keep && line.starts_with("            ") {
            view.push(trimmed.to_owned());
        } else if !line.starts_with("            ") {
            keep = false;
        }
    }
    view
}

/// The first line where two views differ, for a report.
fn first_difference(was: &[String], now: &[String]) -> String {
    was.iter()
        .zip(now)
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("quoted: {a}\n         now:    {b}"))
        .unwrap_or_else(|| {
            format!(
                "the quoted report has {} stable lines, the checker's now {}",
                was.len(),
                now.len()
            )
        })
}

/// Regenerates every quoted report, or only those of `kata`.
pub fn bless(kata: Option<&str>, out: &Out) -> Code {
    let quotes = quoted();
    let chosen: Vec<&Quote> = quotes
        .iter()
        .filter(|(k, _)| kata.is_none_or(|want| want == k))
        .collect();
    if chosen.is_empty() {
        println!(
            "no chapter quotes checker output{}",
            kata.map(|k| format!(" of {k}")).unwrap_or_default()
        );
        return Code::Ok;
    }
    let mut failed = false;
    for q in chosen {
        out.status(&format!("checking {}/{} ...", q.0, q.1));
        match generate(q) {
            Ok(report) => {
                let file = file_of(q);
                let _ = std::fs::create_dir_all(file.parent().expect("has a parent"));
                if let Err(e) = std::fs::write(&file, report) {
                    eprintln!("error: {}: {e}", paths::display(&file));
                    failed = true;
                } else {
                    println!("  wrote {}", paths::display(&file));
                }
            }
            Err(e) => {
                eprintln!("{} {e}", out.red("error:"));
                failed = true;
            }
        }
    }
    for stale in unquoted_files(&quotes) {
        println!(
            "  {} {} is quoted by no chapter; delete it",
            out.yellow("note:"),
            paths::display(&stale)
        );
    }
    if failed { Code::Failed } else { Code::Ok }
}

fn unquoted_files(quotes: &BTreeSet<Quote>) -> Vec<PathBuf> {
    let wanted: BTreeSet<PathBuf> = quotes.iter().map(file_of).collect();
    let mut stale = Vec::new();
    for kata in std::fs::read_dir(checks_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        for f in std::fs::read_dir(kata.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if !wanted.contains(&f.path()) {
                stale.push(f.path());
            }
        }
    }
    stale
}

/// Every quoted report exists and still says what the checker says.
pub fn check(out: &Out) -> Result<String, Vec<String>> {
    let quotes = quoted();
    let list: Vec<&Quote> = quotes.iter().collect();
    // Two at a time, as `xtask test` checks the mutants: one quote's tests
    // run while the other's build waits for cargo.
    let mut problems: Vec<String> =
        crate::runner::in_parallel(&list, 2, |_, q| recheck(q, out), |_| false)
            .into_iter()
            .flatten()
            .collect();
    for stale in unquoted_files(&quotes) {
        problems.push(format!(
            "{} is quoted by no chapter: delete it",
            paths::display(&stale)
        ));
    }
    if problems.is_empty() {
        Ok(format!("{} quoted reports match the checker", quotes.len()))
    } else {
        Err(problems)
    }
}

/// Re-checks one quoted report, up to [`ATTEMPTS`] times while scheduling
/// alone moves it; returns what no longer matches.
fn recheck(q: &Quote, out: &Out) -> Vec<String> {
    let mut problems = Vec::new();
    let file = file_of(q);
    let Ok(quoted_text) = std::fs::read_to_string(&file) else {
        problems.push(format!(
            "{} is quoted but missing: run `cargo xtask book --bless`",
            paths::display(&file)
        ));
        return problems;
    };
    let was = stable_view(&quoted_text);
    let mut outcome = Err(String::new());
    for attempt in 1..=ATTEMPTS {
        out.status(&format!(
            "re-checking {}/{} (run {attempt} of at most {ATTEMPTS}) ...",
            q.0, q.1
        ));
        outcome = generate(q);
        let differs = match &outcome {
            Ok(fresh) if stable_view(fresh) == was => break,
            Ok(fresh) => first_difference(&was, &stable_view(fresh)),
            Err(e) => e.lines().next().unwrap_or_default().to_owned(),
        };
        if attempt < ATTEMPTS {
            // Said on every mismatch, so that a CI log shows how often
            // scheduling alone moves a report.
            println!(
                "  {} {}/{} run {attempt} differed, re-running: {}",
                out.yellow("note:"),
                q.0,
                q.1,
                differs.replace('\n', " / ")
            );
        }
    }
    match outcome {
        Ok(fresh) => {
            let now = stable_view(&fresh);
            if was != now {
                problems.push(format!(
                    "{} no longer matches the checker in {ATTEMPTS} runs (run `cargo xtask book --bless {}`, then re-read the chapter that quotes it):\n         {}",
                    paths::display(&file),
                    q.0,
                    first_difference(&was, &now)
                ));
            }
        }
        Err(e) => problems.push(e),
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Checking q (solutions/q/mutants/m.rs)
  ok   facade     1 file uses kata_sync for all synchronisation 0.0s
  FAIL stress     1 failure 5.1s

[stress] lose_nothing::case_2
  property  no item is lost
  what      no progress for 5.0s: calls that never returned
              producer-0: enqueue(p0#14)
  where     m.rs:49
  cause     threads wait for a wakeup that never comes
            a missing notify
  read      book/src/part-1/03-choosing-a-primitive.md#lost-wakeups

FAIL q fails the stress stage.  re-run: cargo xtask check q --impl m.rs
";

    #[test]
    fn chapters_name_their_quotes() {
        let md = "x\n```text\n{{#include ../generated/checks/foobar/bar_never_waits.txt}}\n```\n";
        assert_eq!(
            quotes_in(md),
            [("foobar".to_owned(), "bar_never_waits".to_owned())]
        );
    }

    #[test]
    fn timings_are_dropped_and_nothing_else() {
        let t = without_timings(REPORT);
        assert!(t.contains("  FAIL stress     1 failure\n"), "{t}");
        assert!(
            t.contains("no progress for 5.0s:"),
            "a duration inside a sentence stays: {t}"
        );
        let stall = without_timings("  what      no progress for 5.0s while checking that x\n");
        assert_eq!(
            stall, "  what      no progress for 5.0s while checking that x\n",
            "only a stage's closing duration is a timing"
        );
        assert!(t.contains("producer-0: enqueue(p0#14)"), "{t}");
    }

    #[test]
    fn the_comparison_ignores_what_scheduling_changes_and_sees_what_matters() {
        let varied = REPORT
            .replace("case_2", "case_4")
            .replace("p0#14", "p2#3")
            .replace("m.rs:49", "m.rs:69");
        assert_eq!(stable_view(REPORT), stable_view(&varied));
        let other_stage = REPORT.replace("the stress stage", "the model stage");
        assert_ne!(stable_view(REPORT), stable_view(&other_stage));
        let other_section = REPORT.replace("#lost-wakeups", "#deadlock");
        assert_eq!(stable_view(REPORT), stable_view(&other_section));
    }

    /// Which stress test trips first varies between runs, and with it the
    /// property, cause and section printed; the rejecting stage does not.
    #[test]
    fn a_stress_failure_is_compared_by_its_stage() {
        let other_test = REPORT
            .replace("lose_nothing::case_2", "histories_are_linearizable")
            .replace("no item is lost", "every history is linearizable")
            .replace("a missing notify", "a lock released too early");
        assert_eq!(stable_view(REPORT), stable_view(&other_test));
        let two_failures = REPORT.replace(
            "\nFAIL q fails",
            "[stress] other\n  property  p\n  cause     c\n  read      book/src/part-1/03-choosing-a-primitive.md#lost-wakeups\n\nFAIL q fails",
        );
        assert_eq!(stable_view(REPORT), stable_view(&two_failures));
        let functional = REPORT
            .replace("[stress]", "[functional]")
            .replace("the stress stage", "the functional stage");
        assert_eq!(stable_view(REPORT), stable_view(&functional));
    }

    /// Outside stress, failures are deterministic, so wording counts.
    #[test]
    fn a_model_failure_is_compared_word_for_word() {
        let model = REPORT
            .replace("[stress]", "[model]")
            .replace("the stress stage", "the model stage");
        assert!(stable_view(&model).contains(&"property  no item is lost".to_owned()));
        let other_cause = model.replace("a missing notify", "a spin");
        assert_ne!(stable_view(&model), stable_view(&other_cause));
    }
}
