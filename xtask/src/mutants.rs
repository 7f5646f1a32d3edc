//! `cargo xtask mutants`: prove each suite's power.
//!
//! Every file in `solutions/<kata>/mutants/` is a complete, known-wrong
//! implementation whose header names its bug and the stage that must reject
//! it:
//!
//! ```text
//! //! mutant: missing-notify-in-dequeue
//! //! stage: model
//! //! bug: `dequeue` never notifies `not_full`, ...
//! ```
//!
//! The mutant passes the catalogue only if that stage fails. Only that stage
//! runs (after the facade, build and api stages, without which nothing
//! runs), so each line proves the named stage's power alone.

use std::path::{Path, PathBuf};

use crate::Code;
use crate::check::{self, Stage, Status, Verdict};
use crate::kata::{self, Kata, Subject};
use crate::term::Out;

#[derive(clap::Args)]
pub struct Args {
    /// Only this kata's mutants.
    pub kata: Option<String>,
}

pub struct Mutant {
    pub file: PathBuf,
    pub name: String,
    pub stage: Stage,
    pub bug: String,
    /// `//! unscanned: <stage>`: with the facade stage skipped, this later
    /// stage must still reject the mutant (a second line of defence).
    pub unscanned: Option<Stage>,
}

/// Reads a mutant's header.
pub fn parse(file: &Path) -> Result<Mutant, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let field = |key: &str| {
        text.lines()
            .take_while(|l| l.starts_with("//!"))
            .find_map(|l| l.strip_prefix(&format!("//! {key}:")))
            .map(|v| v.trim().to_owned())
    };
    let name =
        field("mutant").ok_or_else(|| format!("{}: no `//! mutant:` header", file.display()))?;
    let stage_name =
        field("stage").ok_or_else(|| format!("{}: no `//! stage:` header", file.display()))?;
    let stage = Stage::parse(&stage_name)
        .ok_or_else(|| format!("{}: unknown stage `{stage_name}`", file.display()))?;
    let bug = field("bug").ok_or_else(|| format!("{}: no `//! bug:` header", file.display()))?;
    let unscanned = match field("unscanned") {
        Some(s) => Some(
            Stage::parse(&s).ok_or_else(|| format!("{}: unknown stage `{s}`", file.display()))?,
        ),
        None => None,
    };
    Ok(Mutant {
        file: file.to_path_buf(),
        name,
        stage,
        bug,
        unscanned,
    })
}

pub fn mutants_of(kata: &Kata) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(kata.mutants_dir())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

/// Checks every mutant; returns (rejected as promised, total).
pub fn check_all(katas: &[Kata], out: &Out) -> (usize, usize) {
    let quiet = Out::new(true, out.verbose);
    let items: Vec<(&Kata, PathBuf)> = katas
        .iter()
        .flat_map(|k| mutants_of(k).into_iter().map(move |f| (k, f)))
        .collect();
    // Two at a time, as `xtask test` checks the solutions: one mutant's
    // tests run while the other's build waits for cargo. Each result is
    // printed whole as it comes, so two never interleave.
    let printing = std::sync::Mutex::new(());
    let verdicts = crate::runner::in_parallel(
        &items,
        2,
        |_, (kata, file)| {
            let (good, text) = check_one(kata, file, out, &quiet);
            let _one_at_a_time = printing.lock().unwrap_or_else(|e| e.into_inner());
            print!("{text}");
            good
        },
        |_| false,
    );
    (verdicts.iter().filter(|g| **g).count(), items.len())
}

/// Checks one mutant up to the stage its header names; returns whether
/// that stage rejected it, and the lines to print.
fn check_one(kata: &Kata, file: &Path, out: &Out, quiet: &Out) -> (bool, String) {
    let mut text = String::new();
    let m = match parse(file) {
        Ok(m) => m,
        Err(e) => return (false, format!("  {} {e}\n", out.red("FAIL"))),
    };
    let subject = match Subject::file(kata, &m.file) {
        Ok(s) => s,
        Err(e) => return (false, format!("  {} {e}\n", out.red("FAIL"))),
    };
    // The named stage alone (after facade, build and api): an earlier stage
    // that would also reject it adds time, and later ones nothing.
    let verdict = check::pipeline_until(kata, &subject, true, Some(m.stage), quiet);
    let (rejected_by, mut note) = rejections(&verdict);
    let mut good = rejected_by.contains(&m.stage);
    // A model failure must show the learner how it happened.
    let untraced = untraced_model_failures(&verdict);
    if !untraced.is_empty() {
        good = false;
        note = format!(
            "{note}{}model failures with no timeline naming a line of the mutant: {}",
            if note.is_empty() { "" } else { "; " },
            untraced.join(", ")
        );
    }
    let mut second = String::new();
    if let Some(later) = m.unscanned {
        let v = check::pipeline_with(
            kata,
            &subject,
            true,
            Some(later),
            check::Facade::Skip,
            quiet,
        );
        let held = rejections(&v).0.contains(&later);
        good &= held;
        second = format!(
            "; with the facade stage skipped, {} {}",
            later.name(),
            if held {
                "rejects it too"
            } else {
                "does NOT reject it"
            }
        );
    }
    let others: Vec<&str> = rejected_by
        .iter()
        .filter(|s| **s != m.stage)
        .map(|s| s.name())
        .collect();
    let tag = if good {
        out.green("ok  ")
    } else {
        out.red("FAIL")
    };
    text.push_str(&format!(
        "  {tag} {}/{} must be rejected by {}: {}{}\n",
        kata.name,
        m.name,
        m.stage.name(),
        if good { "rejected" } else { "NOT rejected" },
        if others.is_empty() {
            String::new()
        } else {
            format!(" (also by {})", others.join(", "))
        },
    ));
    if !second.is_empty() {
        text.push_str(&format!("       {}\n", second.trim_start_matches("; ")));
    }
    if !note.is_empty() {
        text.push_str(&format!("       {note}\n"));
    }
    if !good && !out.quiet {
        text.push_str(&format!("       bug: {}\n", m.bug));
    }
    (good, text)
}

/// The model-stage failures (findings, not limits) whose report has no
/// timeline, or one that names no line of the code under test (`:N`).
fn untraced_model_failures(verdict: &Verdict) -> Vec<String> {
    let Verdict::Ran(results) = verdict else {
        return Vec::new();
    };
    results
        .iter()
        .filter(|r| r.stage == Stage::Model)
        .flat_map(|r| match &r.status {
            check::Status::Fail(fs) => fs.as_slice(),
            _ => &[],
        })
        .filter(|f| f.limit.is_none())
        .filter(|f| {
            !f.timeline.as_deref().is_some_and(|t| {
                t.split_whitespace().any(|w| {
                    w.len() > 1 && w.starts_with(':') && w[1..].chars().all(|c| c.is_ascii_digit())
                })
            })
        })
        .map(|f| f.title.clone())
        .collect()
}

/// The stages that rejected a subject, and a note when none could run.
fn rejections(verdict: &Verdict) -> (Vec<Stage>, String) {
    match verdict {
        Verdict::Ran(results) => (
            results
                .iter()
                .filter(|r| matches!(r.status, Status::Fail(_)))
                .map(|r| r.stage)
                .collect(),
            String::new(),
        ),
        Verdict::NotStarted | Verdict::Unfinished(_) => {
            (Vec::new(), "it still has todo!()".to_owned())
        }
        Verdict::Internal(e) => (Vec::new(), e.clone()),
    }
}

pub fn run(args: &Args, out: &Out) -> Code {
    let katas = match &args.kata {
        Some(name) => match kata::find(name) {
            Ok(k) => vec![k],
            Err(e) => {
                eprintln!("error: {e}");
                return Code::Usage;
            }
        },
        None => kata::all(),
    };
    let (ok, total) = check_all(&katas, out);
    println!("mutants: {ok} passed, {} failed", total - ok);
    if ok == total { Code::Ok } else { Code::Failed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_failure_without_a_timeline_naming_the_mutant_is_caught() {
        let model = |failures: Vec<check::Failure>| {
            Verdict::Ran(vec![check::StageResult {
                stage: Stage::Model,
                status: Status::Fail(failures),
                took: std::time::Duration::ZERO,
            }])
        };
        let failure = |title: &str, timeline: Option<&str>| check::Failure {
            title: title.into(),
            timeline: timeline.map(str::to_owned),
            ..check::Failure::default()
        };
        let v = model(vec![
            failure("drawn", Some("m1.lock :12\n✗ boom")),
            failure("none", None),
            failure("suite_only", Some("spawn model.rs:40\n✗ boom")),
        ]);
        assert_eq!(untraced_model_failures(&v), ["none", "suite_only"]);
        // A limit of the checker is not a finding, and draws nothing.
        let mut limit = failure("limit", None);
        limit.limit = Some(check::Limit::GaveUp);
        assert!(untraced_model_failures(&model(vec![limit])).is_empty());
    }

    #[test]
    fn every_mutant_header_names_a_bug_and_a_stage() {
        let katas = kata::all();
        assert!(!katas.is_empty(), "no katas found under solutions/");
        for k in &katas {
            let files = mutants_of(k);
            assert!(
                !files.is_empty(),
                "{} has no mutants: a suite that rejects nothing wrong proves nothing",
                k.name
            );
            for f in files {
                let m = parse(&f).unwrap_or_else(|e| panic!("{e}"));
                assert!(!m.bug.is_empty(), "{}: empty `bug:`", f.display());
            }
        }
    }

    #[test]
    fn parse_rejects_an_unknown_stage() {
        let dir = std::env::temp_dir().join(format!("xtask-mutant-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.rs");
        std::fs::write(&file, "//! mutant: m\n//! stage: vibes\n//! bug: b\n").unwrap();
        let err = parse(&file).err().unwrap_or_default();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("unknown stage `vibes`"), "{err}");
    }
}
