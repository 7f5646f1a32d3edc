//! `cargo xtask test`: everything CI runs, in one command.

use std::time::Instant;

use crate::Code;
use crate::check::{self, Verdict};
use crate::kata::{self, Subject};
use crate::term::Out;

/// Two checks at a time (see where the solutions are checked).
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    crate::runner::in_parallel(items, 2, f, |_| false)
}

#[derive(clap::Args)]
pub struct Args {
    /// Skip the mutant catalogue (the slowest part).
    #[arg(long)]
    pub no_mutants: bool,
}

pub fn run(args: &Args, out: &Out) -> Code {
    let start = Instant::now();
    let mut passed = 0;
    let mut failed = 0;
    // Counts a result; prints it unless `what` is empty (the mutant table
    // has already printed its own line for each).
    let mut tally = |ok: bool, what: &str| {
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
        if !what.is_empty() {
            let tag = if ok {
                out.green("ok  ")
            } else {
                out.red("FAIL")
            };
            println!("  {tag} {what}");
        }
    };

    section(out, start, "cargo test --workspace");
    let status = crate::paths::cargo()
        .args(["test", "--workspace", "--quiet"])
        .current_dir(crate::paths::root())
        .status();
    tally(
        status.map(|s| s.success()).unwrap_or(false),
        "cargo test --workspace",
    );

    section(out, start, "katas.toml matches the folders");
    let problems = crate::meta::problems();
    for p in &problems {
        println!("       {p}");
    }
    tally(
        problems.is_empty(),
        "katas.toml: every kata listed, with hints",
    );

    let katas = kata::all();
    let quiet = Out::new(true, out.verbose);
    section(
        out,
        start,
        "reference solutions pass, stubs are not started",
    );
    // Two checks at a time: a loom search or a Miri run keeps one core busy
    // for a minute while the other core would idle. A correct answer must
    // pass on a busy machine anyway (the watchdog judges by CPU time); the
    // mutants below, whose rejection by a real-thread stage can depend on
    // having both cores, run one at a time.
    let solutions = in_parallel(&katas, |_, k| {
        let sol = check::pipeline(k, &Subject::solution(k), false, &quiet);
        // The stub as shipped, not the learner's copy under katas/, which
        // may be finished, half-written or missing.
        let stub =
            Subject::file(k, &k.pristine_stub()).map(|s| check::pipeline(k, &s, false, &quiet));
        (sol, stub)
    });
    for (k, (sol, stub)) in katas.iter().zip(&solutions) {
        let sol_ok = passes(sol);
        tally(
            sol_ok,
            &format!("{}: solution passes every stage{}", k.name, partly(sol)),
        );
        if !sol_ok {
            // Show why, the way a learner would see it.
            let _ = check::run(
                &check::Args {
                    kata: k.name.clone(),
                    solution: true,
                    impl_file: None,
                    seed: Some(check::seed()),
                    no_miri: false,
                    replay: None,
                    only: None,
                    trace_steps: crate::timeline::DEFAULT_ROWS,
                },
                out,
            );
        }
        tally(
            matches!(stub, Ok(Verdict::NotStarted)),
            &format!("{}: the shipped stub is reported as not started", k.name),
        );
    }

    // Miri interprets every functional test, a minute or two per kata: the
    // reference solutions above were checked under it; the alternatives are
    // checked without it.
    crate::miri::ENABLED.store(false, std::sync::atomic::Ordering::Relaxed);
    section(
        out,
        start,
        "every correct alternative passes (without Miri)",
    );
    let mut alternatives = Vec::new();
    for k in &katas {
        let dir = k.solution_dir.join("alternatives");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        alternatives.extend(files.into_iter().map(|f| (k, f)));
    }
    let verdicts = in_parallel(&alternatives, |_, (k, f)| {
        Subject::file(k, f).map(|s| check::pipeline(k, &s, false, &quiet))
    });
    for ((k, f), verdict) in alternatives.iter().zip(&verdicts) {
        let ok = verdict.as_ref().is_ok_and(passes);
        tally(
            ok,
            &format!(
                "{}: alternative {} passes every stage{}",
                k.name,
                f.file_name().unwrap_or_default().to_string_lossy(),
                verdict.as_ref().map(partly).unwrap_or_default()
            ),
        );
        if !ok {
            println!(
                "       see why: cargo xtask check {} --impl {}",
                k.name,
                crate::paths::display(f)
            );
        }
    }

    if !args.no_mutants {
        section(out, start, "every mutant is rejected by its stage");
        let (ok, total) = crate::mutants::check_all(&katas, out);
        for i in 0..total {
            tally(i < ok, "");
        }
    }

    if !args.no_mutants {
        section(
            out,
            start,
            "shuttle alone finds what busy-waits hide from loom",
        );
        for (kata, mutant) in SPINNING {
            let r = kata::find(kata).and_then(|k| {
                let s = Subject::file(&k, &k.mutants_dir().join(format!("{mutant}.rs")))?;
                Ok(check::sample_with_shuttle(&k, &s, &quiet))
            });
            let found = match &r {
                Ok(r) => match &r.status {
                    check::Status::Fail(f) => f.iter().all(|f| f.limit.is_none()),
                    _ => false,
                },
                Err(_) => false,
            };
            if !found {
                println!("       {:?}", r.map(|r| r.status));
            }
            tally(
                found,
                &format!("{kata}/{mutant}: rejected by shuttle's sample alone"),
            );
        }
    }

    if !args.no_mutants {
        section(out, start, "a model failure replays with the same timeline");
        for (kata, mutant, test) in REPLAYED {
            let r = replays_the_same(kata, mutant, test);
            if let Err(why) = &r {
                println!("       {why}");
            }
            tally(
                r.is_ok(),
                &format!("{kata}/{mutant}: --replay model/{test}, twice"),
            );
        }
    }

    println!(
        "xtask test: {passed} passed, {failed} failed ({:.0}s)",
        start.elapsed().as_secs_f64()
    );
    if failed == 0 { Code::Ok } else { Code::Failed }
}

/// A section's title, with the time since `cargo xtask test` started, so a
/// slow CI run says where its time went.
fn section(out: &Out, start: Instant, title: &str) {
    println!(
        "{} {}",
        out.bold(&format!("== {title}")),
        out.dim(&format!("(at {:.0}s)", start.elapsed().as_secs_f64()))
    );
}

/// ` (partly verified: ...)` when a stage verified less than usual. The
/// Miri stage that this command turned off itself (for the alternatives)
/// is not news.
fn partly(v: &Verdict) -> String {
    let Verdict::Ran(results) = v else {
        return String::new();
    };
    // Relaxed: a setting made before any check starts.
    let miri_off = !crate::miri::ENABLED.load(std::sync::atomic::Ordering::Relaxed);
    results
        .iter()
        .filter(|r| !(miri_off && r.stage == check::Stage::Miri))
        .find_map(|r| match &r.status {
            check::Status::Partial(why) => {
                Some(format!(" (partly verified: {} {why})", r.stage.name()))
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn passes(v: &Verdict) -> bool {
    match v {
        Verdict::Ran(results) => results.iter().all(|r| {
            matches!(
                r.status,
                check::Status::Pass(_) | check::Status::Skip(_) | check::Status::Partial(_)
            )
        }),
        _ => false,
    }
}

/// Mutants that busy-wait and race: the model stage's second explorer must
/// reject each one on its own, without loom's help.
const SPINNING: [(&str, &str); 2] = [
    ("bounded-blocking-queue", "check_then_act_spin"),
    ("once-cell", "check_then_act_spin"),
];

/// Model failures replayed in `cargo xtask test`: a lost wakeup (a deadlock),
/// a `Relaxed` publish (a data race), a check-then-act (an assertion) and a
/// stranded pool worker, each by a test of the kata's model stage.
const REPLAYED: [(&str, &str, &str); 4] = [
    (
        "bounded-blocking-queue",
        "one_condvar_notify_one",
        "two_producers_and_two_consumers_all_finish",
    ),
    (
        "spsc-ring",
        "relaxed_tail_publish",
        "a_popped_item_was_written_before_it_is_read",
    ),
    (
        "lru-cache",
        "check_then_act_put",
        "two_new_keys_racing_into_a_full_cache",
    ),
    ("thread-pool", "lost_wakeup", "a_job_wakes_an_idle_worker"),
];

/// Runs `cargo xtask check KATA --impl MUTANT --replay model/TEST` twice, as
/// a learner would, and checks that both fail with the same timeline, one
/// that names a line of the mutant.
fn replays_the_same(kata: &str, mutant: &str, test: &str) -> Result<(), String> {
    let file = format!("solutions/{kata}/mutants/{mutant}.rs");
    let run = || -> Result<String, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let o = std::process::Command::new(exe)
            .current_dir(crate::paths::root())
            .env("NO_COLOR", "1")
            .args(["check", kata, "--no-miri", "--impl", &file, "--replay"])
            .arg(format!("model/{test}"))
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        if o.status.code() != Some(Code::Failed as i32) {
            return Err(format!("the replay did not fail:\n{text}"));
        }
        timeline_of(&text).ok_or_else(|| format!("the replay printed no timeline:\n{text}"))
    };
    let (first, second) = (run()?, run()?);
    if !first.contains(" :") {
        return Err(format!("the timeline names no line of {file}:\n{first}"));
    }
    if first != second {
        return Err(format!(
            "two replays drew different timelines:\n{first}\n---\n{second}"
        ));
    }
    Ok(())
}

/// The `timeline` field of the first failure in a printed report.
fn timeline_of(report: &str) -> Option<String> {
    let mut lines = report
        .lines()
        .skip_while(|l| !l.starts_with("  timeline  "));
    let first = lines.next()?;
    let mut t = vec![first.trim_start_matches("  timeline  ").to_owned()];
    t.extend(
        lines
            .take_while(|l| l.starts_with("            "))
            .map(|l| l[12..].to_owned()),
    );
    Some(t.join("\n"))
}
