//! `cargo xtask test`: everything CI runs, in one command.

use std::time::Instant;

use crate::Code;
use crate::check::{self, Verdict};
use crate::kata::{self, Subject};
use crate::term::Out;

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

    println!("{}", out.bold("== cargo test --workspace"));
    let status = crate::paths::cargo()
        .args(["test", "--workspace", "--quiet"])
        .current_dir(crate::paths::root())
        .status();
    tally(
        status.map(|s| s.success()).unwrap_or(false),
        "cargo test --workspace",
    );

    println!("{}", out.bold("== katas.toml matches the folders"));
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
    println!(
        "{}",
        out.bold("== reference solutions pass, stubs are not started")
    );
    for k in &katas {
        let sol = check::pipeline(k, &Subject::solution(k), false, &quiet);
        let sol_ok = passes(&sol);
        tally(sol_ok, &format!("{}: solution passes every stage", k.name));
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
                    trace_steps: crate::timeline::DEFAULT_ROWS,
                },
                out,
            );
        }
        // The stub as shipped, not the learner's copy under katas/, which
        // may be finished, half-written or missing.
        let stub = Subject::file("stub", k, &k.pristine_stub())
            .map(|s| check::pipeline(k, &s, false, &quiet));
        tally(
            matches!(stub, Ok(Verdict::NotStarted)),
            &format!("{}: the shipped stub is reported as not started", k.name),
        );
    }

    // Miri interprets every functional test, a minute or two per kata: the
    // reference solutions above were checked under it; the alternatives are
    // checked without it.
    crate::miri::ENABLED.store(false, std::sync::atomic::Ordering::Relaxed);
    println!(
        "{}",
        out.bold("== every correct alternative passes (without Miri)")
    );
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
        for f in files {
            let verdict =
                Subject::file("alternative", k, &f).map(|s| check::pipeline(k, &s, false, &quiet));
            let ok = verdict.as_ref().is_ok_and(passes);
            tally(
                ok,
                &format!(
                    "{}: alternative {} passes every stage",
                    k.name,
                    f.file_name().unwrap_or_default().to_string_lossy()
                ),
            );
            if !ok {
                println!(
                    "       see why: cargo xtask check {} --impl {}",
                    k.name,
                    crate::paths::display(&f)
                );
            }
        }
    }

    if !args.no_mutants {
        println!("{}", out.bold("== every mutant is rejected by its stage"));
        let (ok, total) = crate::mutants::check_all(&katas, out);
        for i in 0..total {
            tally(i < ok, "");
        }
    }

    println!(
        "xtask test: {passed} passed, {failed} failed ({:.0}s)",
        start.elapsed().as_secs_f64()
    );
    if failed == 0 { Code::Ok } else { Code::Failed }
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
