//! `cargo xtask figures`: measure what the book quotes. Runs the benchmarks
//! of `crates/kata-bench` (reference solutions, their production
//! alternatives, and the primitives) and writes their tables to
//! `book/src/generated/figures/`, which the book includes.

use crate::bench::{self, Figure};
use crate::term::Out;
use crate::{Code, paths};

#[derive(clap::Args)]
pub struct Args {
    /// Only these families (primitives, queue, cache, time-map); all by default.
    pub families: Vec<String>,
}

/// The row each group's ratios are taken against.
const BASELINES: [(&str, &str); 8] = [
    ("queue", "reference"),
    ("cache", "reference"),
    ("time-map", "reference"),
    ("uncontended", "std Mutex"),
    ("contended", "std Mutex"),
    ("false-sharing", "own counters, padded apart"),
    ("handoff", "Mutex + Condvar (the reference queue)"),
    ("spawn", "std::thread spawn + join"),
];

pub fn run(args: &Args, out: &Out) -> Code {
    let names: Vec<String> = if args.families.is_empty() {
        bench::FAMILIES
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .collect()
    } else {
        args.families.clone()
    };
    let dir = paths::root().join("book/src/generated/figures");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create {}: {e}", paths::display(&dir));
        return Code::Internal;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for name in &names {
        let Some(family) = bench::family(name) else {
            eprintln!(
                "error: no benchmark family `{name}`; families: {}",
                bench::FAMILIES.map(|(n, _)| n).join(", ")
            );
            return Code::Usage;
        };
        out.status(&format!("measuring {name} (criterion, about a minute)..."));
        let figures = match bench::run(family, &[], out) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{} {e}", out.red("error:"));
                return Code::Internal;
            }
        };
        let text = render(name, family.target, family.unit, &figures, cores);
        let file = dir.join(format!("{name}.txt"));
        if let Err(e) = std::fs::write(&file, &text) {
            eprintln!("error: cannot write {}: {e}", paths::display(&file));
            return Code::Internal;
        }
        println!("{text}");
        out.status(&format!("wrote {}", paths::display(&file)));
    }
    Code::Ok
}

fn render(name: &str, target: &str, unit: &str, figures: &[Figure], cores: usize) -> String {
    let mut groups: Vec<&str> = Vec::new();
    for f in figures {
        if !groups.contains(&f.group.as_str()) {
            groups.push(&f.group);
        }
    }
    groups.sort_by_key(|g| {
        BASELINES
            .iter()
            .position(|(b, _)| b == g)
            .unwrap_or(usize::MAX)
    });
    let mut s = format!(
        "{name}: measured by `cargo xtask figures {name}` (criterion mean; `cargo bench -p kata-bench --bench {target}`) on a {cores}-core machine.\n"
    );
    for g in groups {
        let baseline = BASELINES
            .iter()
            .find(|(b, _)| *b == g)
            .map_or("", |(_, base)| *base);
        let rows: Vec<Figure> = figures.iter().filter(|f| f.group == g).cloned().collect();
        s.push_str(&format!("\n[{g}] ratios against: {baseline}\n"));
        s.push_str(&bench::ratio_table(&rows, baseline, unit));
    }
    s
}
