//! `cargo xtask hint <kata>`: the next graded hint, one per run.

use crate::term::Out;
use crate::{Code, kata, meta, progress};

#[derive(clap::Args)]
pub struct Args {
    /// The kata to get a hint for.
    pub kata: String,
}

pub fn run(args: &Args, out: &Out) -> Code {
    match kata::find(&args.kata) {
        Ok(k) => show(&k, out),
        Err(e) => {
            eprintln!("error: {e}");
            Code::Usage
        }
    }
}

/// Prints the next hint for `k` and remembers that it was shown.
pub fn show(k: &kata::Kata, out: &Out) -> Code {
    let m = match meta::find(&k.name) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Internal;
        }
    };
    if m.hints.is_empty() {
        eprintln!("error: katas.toml has no hints for `{}`", k.name);
        return Code::Internal;
    }
    let shown = progress::load().get(&k.name).map_or(0, |s| s.hints_shown);
    let i = shown.min(m.hints.len() - 1);
    println!(
        "{} {}",
        out.bold(&format!(
            "Hint {} of {} for {}:",
            i + 1,
            m.hints.len(),
            k.name
        )),
        m.hints[i]
    );
    if i + 1 < m.hints.len() {
        println!(
            "{}",
            out.dim(&format!(
                "(run `cargo xtask hint {}` again for the next one)",
                k.name
            ))
        );
    } else {
        println!(
            "{}",
            out.dim(&format!(
                "(that was the last hint; the book chapter is book/src/{}, and once you pass, `cargo xtask compare {}` shows the reference)",
                m.chapter, k.name
            ))
        );
    }
    progress::update(&k.name, |s| s.hints_shown = (i + 1).max(s.hints_shown));
    Code::Ok
}
