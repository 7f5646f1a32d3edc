//! `cargo xtask compare <kata>`: your answer beside the reference, then the
//! same benchmark run on both, and on what you would use in production.

use std::io::{BufRead, IsTerminal, Write};

use similar::{ChangeTag, DiffTag, TextDiff};

use crate::term::Out;
use crate::{Code, bench, kata, meta, paths, progress, scan};

#[derive(clap::Args)]
pub struct Args {
    /// The kata to compare.
    pub kata: String,
    /// Show the reference even if your kata has not passed yet, without
    /// asking.
    #[arg(long, short)]
    pub yes: bool,
    /// Show the two files side by side instead of as a unified diff.
    #[arg(long)]
    pub side_by_side: bool,
    /// Skip the benchmark; only show the difference.
    #[arg(long)]
    pub no_bench: bool,
}

pub fn run(args: &Args, out: &Out) -> Code {
    let k = match kata::find(&args.kata) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Usage;
        }
    };
    let m = match meta::find(&k.name) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Internal;
        }
    };
    let status = progress::load()
        .get(&k.name)
        .map(|s| s.status.clone())
        .unwrap_or_default();
    let passed = status == progress::Status::Passed;
    let status = status.text();
    if !passed && !args.yes {
        match confirm(&k.name, &status) {
            Some(true) => {}
            Some(false) => {
                println!(
                    "Not shown. Keep going: `cargo xtask check {0}`, and `cargo xtask hint {0}` when stuck.",
                    k.name
                );
                return Code::Ok;
            }
            None => {
                eprintln!(
                    "error: {} has not passed yet (status: {status}), and the reference would give it away; \
                     re-run with --yes to see it anyway",
                    k.name
                );
                return Code::Usage;
            }
        }
    }

    let yours = k.stub_dir.join("src").join("lib.rs");
    let reference = k.solution_dir.join("src").join("lib.rs");
    let (Ok(yours_text), Ok(reference_text)) = (
        std::fs::read_to_string(&yours),
        std::fs::read_to_string(&reference),
    ) else {
        eprintln!(
            "error: could not read {} or {}",
            paths::display(&yours),
            paths::display(&reference)
        );
        return Code::Internal;
    };
    println!(
        "{} {}  {} {}\n",
        out.red("---"),
        paths::display(&yours),
        out.green("+++"),
        paths::display(&reference)
    );
    if yours_text == reference_text {
        println!("(the two files are identical)");
    } else if args.side_by_side {
        print!(
            "{}",
            side_by_side(&yours_text, &reference_text, width(), out)
        );
    } else {
        print!("{}", unified(&yours_text, &reference_text, out));
    }
    println!(
        "\n{}",
        out.dim(&format!(
            "The book explains the reference: book/src/{}",
            m.chapter
        ))
    );

    let Some(bench) = m.bench.filter(|_| !args.no_bench) else {
        if m.bench.is_none() {
            println!(
                "{} is a coordination kata: its cost is in the waiting, not in throughput, so there is no benchmark.",
                k.name
            );
        }
        return Code::Ok;
    };
    let family = bench.family();
    let complete = scan::todos(std::slice::from_ref(&yours)).is_empty();
    let mut features = Vec::new();
    if passed && complete {
        features.push(format!("yours-{}", k.name));
    } else {
        println!(
            "\n{}",
            out.yellow(&format!(
                "Your {} is benchmarked once it passes `cargo xtask check {}`; below are the reference and the alternatives.",
                k.name, k.name
            ))
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "\n{}",
        out.bold(&format!(
            "Benchmark `{}` (criterion; thread counts as in each column; this machine has {cores} cores). This takes a minute or two.",
            family.target
        ))
    );
    match bench::run(family, &features, false, out) {
        Ok(figures) => {
            println!(
                "\n{}",
                bench::ratio_table(&figures, "reference", family.unit)
            );
            println!(
                "{}",
                out.dim(&format!(
                    "Time per {} and its ratio to the reference in the same column (below 1.00x is faster). \
                     All rows were measured in this one run; on a shared machine compare ratios, not absolute times.\n\
                     Re-run: cargo bench -p kata-bench --bench {}{}",
                    family.unit,
                    family.target,
                    if features.is_empty() {
                        String::new()
                    } else {
                        format!(" --features {}", features.join(","))
                    }
                ))
            );
            Code::Ok
        }
        Err(e) => {
            eprintln!("{} {e}", out.red("error:"));
            Code::Internal
        }
    }
}

/// Asks before showing a spoiler. `None` when there is no one to ask.
fn confirm(kata: &str, status: &str) -> Option<bool> {
    if !std::io::stdin().is_terminal() {
        return None;
    }
    print!(
        "{kata} has not passed yet (status: {status}). The reference solution gives the answer away.\nShow it anyway? [y/N] "
    );
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(matches!(line.trim(), "y" | "Y" | "yes"))
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(160)
        .max(60)
}

/// A unified diff, three lines of context, coloured on a terminal.
fn unified(yours: &str, reference: &str, out: &Out) -> String {
    let diff = TextDiff::from_lines(yours, reference);
    let mut s = String::new();
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        s.push_str(&out.dim(&hunk.header().to_string()));
        s.push('\n');
        for change in hunk.iter_changes() {
            let line = change.value().trim_end_matches('\n');
            match change.tag() {
                ChangeTag::Delete => s.push_str(&out.red(&format!("-{line}"))),
                ChangeTag::Insert => s.push_str(&out.green(&format!("+{line}"))),
                ChangeTag::Equal => s.push_str(&format!(" {line}")),
            }
            s.push('\n');
        }
    }
    s
}

/// Yours on the left, the reference on the right, lines paired where the
/// diff pairs them.
fn side_by_side(yours: &str, reference: &str, width: usize, out: &Out) -> String {
    let col = (width - 3) / 2;
    let diff = TextDiff::from_lines(yours, reference);
    let old: Vec<&str> = yours.lines().collect();
    let new: Vec<&str> = reference.lines().collect();
    let fit = |s: &str| -> String {
        let s = s.replace('\t', "    ");
        let cut: String = s.chars().take(col).collect();
        format!("{cut:<col$}")
    };
    let mut s = format!("{} | {}\n", fit("yours"), fit("reference"));
    s.push_str(&format!("{}-+-{}\n", "-".repeat(col), "-".repeat(col)));
    for op in diff.ops() {
        let (o, n) = (op.old_range(), op.new_range());
        let left = &old[o.start.min(old.len())..o.end.min(old.len())];
        let right = &new[n.start.min(new.len())..n.end.min(new.len())];
        let rows = left.len().max(right.len());
        for i in 0..rows {
            let l = left.get(i).copied();
            let r = right.get(i).copied();
            let (ls, rs) = (fit(l.unwrap_or("")), fit(r.unwrap_or("")));
            let (ls, mark, rs) = match op.tag() {
                DiffTag::Equal => (ls, " | ", rs),
                _ => (
                    if l.is_some() { out.red(&ls) } else { ls },
                    match (l, r) {
                        (Some(_), Some(_)) => " ~ ",
                        (Some(_), None) => " < ",
                        _ => " > ",
                    },
                    if r.is_some() { out.green(&rs) } else { rs },
                ),
            };
            s.push_str(&format!("{ls}{mark}{rs}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Out {
        Out::plain()
    }

    #[test]
    fn unified_diff_marks_removed_and_added_lines() {
        let d = unified("a\nb\nc\n", "a\nB\nc\n", &plain());
        assert!(d.contains("-b\n"), "{d}");
        assert!(d.contains("+B\n"), "{d}");
        assert!(d.contains(" a\n"), "context is kept: {d}");
    }

    #[test]
    fn side_by_side_pairs_changed_lines_and_keeps_equal_ones() {
        let d = side_by_side("same\nold\n", "same\nnew\nextra\n", 43, &plain());
        let rows: Vec<&str> = d.lines().skip(2).collect();
        assert_eq!(rows.len(), 3, "{d}");
        assert!(rows[0].contains("same") && rows[0].contains(" | "), "{d}");
        assert!(
            rows[1].contains("old") && rows[1].contains(" ~ ") && rows[1].contains("new"),
            "{d}"
        );
        assert!(rows[2].contains(" > ") && rows[2].contains("extra"), "{d}");
    }
}
