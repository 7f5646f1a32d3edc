//! Printing a verdict: a line per stage while it runs, then the failures.

use super::*;

pub(super) fn progress(out: &Out, r: &StageResult) {
    if out.quiet {
        return;
    }
    let name = format!("{:<10}", r.stage.name());
    let took = out.dim(&format!("{:.1}s", r.took.as_secs_f64()));
    let line = match &r.status {
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
    };
    if out.color() {
        // Clear the "building..." line left on the terminal.
        eprint!("\r\x1b[2K");
    }
    println!("{line}");
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

pub(super) fn render(
    kata: &Kata,
    subject: &Subject,
    verdict: &Verdict,
    rerun: &str,
    out: &Out,
) -> Code {
    match verdict {
        Verdict::NotStarted => {
            println!(
                "{} {} is not started: every function is still todo!().",
                out.yellow("not started:"),
                kata.name
            );
            println!(
                "  open {} and follow the // TODO: comments, then run `{rerun}`.",
                paths::display(&subject.lib)
            );
            Code::NotStarted
        }
        Verdict::Unfinished(places) => {
            println!(
                "{} {} still has todo!() at:",
                out.yellow("unfinished:"),
                kata.name
            );
            for p in places {
                println!("  {p}");
            }
            println!("  fill them in, then run `{rerun}`.");
            Code::NotStarted
        }
        Verdict::Internal(e) => {
            eprintln!("{} {e}", out.red("error:"));
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
                println!();
                for f in limits.iter().take(3) {
                    print_failure(stage, f, rerun, out);
                }
                println!(
                    "{} {}: every stage that ran found no bug, but the {} stage could not verify what it usually does (above), so this is not a pass.  re-run: {}",
                    out.yellow("NOT VERIFIED"),
                    kata.name,
                    stage.name(),
                    out.bold(rerun)
                );
                return Code::Failed;
            }
            match failing {
                None if REPLAY.get().is_some() => {
                    let r = REPLAY.get().expect("matched");
                    println!(
                        "{} {}/{} did not fail this time. This is not a verdict on {}: for a model test, whose search is deterministic, it means the code changed; for a test on real threads, that its timing did. Run `cargo xtask check {}` for a verdict.",
                        out.yellow("replayed:"),
                        r.stage.name(),
                        r.test,
                        kata.name,
                        kata.name
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
                        println!(
                            "{} {} passes every stage ({:.1}s).",
                            out.green("PASS"),
                            kata.name,
                            total.as_secs_f64()
                        );
                    } else {
                        println!(
                            "{} {} passes every stage, but the {} stage verified less than usual (above) ({:.1}s).",
                            out.yellow("PASS (partly verified)"),
                            kata.name,
                            partly.join(", "),
                            total.as_secs_f64()
                        );
                    }
                    Code::Ok
                }
                Some((stage, failures)) => {
                    println!();
                    for f in failures.iter().take(3) {
                        print_failure(stage, f, rerun, out);
                    }
                    if failures.len() > 3 {
                        println!("  ... and {} more like it\n", failures.len() - 3);
                    }
                    println!(
                        "{} {} fails the {} stage.  re-run: {}",
                        out.red("FAIL"),
                        kata.name,
                        stage.name(),
                        out.bold(rerun)
                    );
                    Code::Failed
                }
            }
        }
    }
}

pub(super) fn print_failure(stage: Stage, f: &Failure, rerun: &str, out: &Out) {
    println!(
        "{} {}",
        out.red(&format!("[{}]", stage.name())),
        out.bold(&f.title)
    );
    let field = |label: &str, text: &str| {
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            println!("  {:<9} {first}", out.dim(label));
            for l in lines {
                println!("  {:<9} {l}", "");
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
    if let Some(token) = f.replay.as_ref().filter(|_| REPLAY.get().is_none()) {
        field("replay", &format!("{rerun} --replay {token}"));
    }
    if out.verbose && !f.output.is_empty() {
        field("output", &f.output);
    }
    println!();
}
