//! Running the criterion benchmarks of `crates/kata-bench` and reading their
//! results back, for `compare` and `figures`.
//!
//! Criterion writes one `benchmark.json` (ids, throughput) and one
//! `estimates.json` (mean time per iteration) per benchmark under
//! `CRITERION_HOME`; we point that at `target/kata-bench/criterion` and read
//! the files instead of scraping criterion's terminal output.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::paths;
use crate::term::Out;

/// A benchmark family: the `bench` field of `katas.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Family {
    /// The bench target in crates/kata-bench/benches.
    pub target: &'static str,
    /// The criterion group it writes.
    pub group: &'static str,
    /// What one element of throughput is.
    pub unit: &'static str,
}

pub const FAMILIES: [(&str, Family); 4] = [
    (
        "queue",
        Family {
            target: "queue",
            group: "queue",
            unit: "item",
        },
    ),
    (
        "cache",
        Family {
            target: "cache",
            group: "cache",
            unit: "op",
        },
    ),
    (
        "time-map",
        Family {
            target: "time_map",
            group: "time-map",
            unit: "op",
        },
    ),
    (
        "primitives",
        Family {
            target: "primitives",
            group: "",
            unit: "op",
        },
    ),
];

pub fn family(name: &str) -> Option<Family> {
    FAMILIES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// One benchmark's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub group: String,
    /// The implementation or primitive ("reference", "yours", "std Mutex").
    pub function: String,
    /// The scenario ("2 threads"), empty when there is only one.
    pub scenario: String,
    /// Mean wall time per element of throughput, in nanoseconds.
    pub ns_per_element: f64,
}

pub fn criterion_home() -> PathBuf {
    paths::target_dir().join("kata-bench").join("criterion")
}

/// The longest a benchmark run may take before it is called a hang.
const BENCH_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Runs one bench target and returns its figures. `features` turns on
/// `yours-<kata>` features of kata-bench. `quick` shortens criterion's
/// warm-up and measurement (rougher figures, a fifth of the time).
pub fn run(
    family: Family,
    features: &[String],
    quick: bool,
    out: &Out,
) -> Result<Vec<Figure>, String> {
    let home = criterion_home();
    // Old results of this family would mix into the table (say, "yours"
    // from a run before a reset), so start from nothing.
    if !family.group.is_empty() {
        let _ = std::fs::remove_dir_all(home.join(family.group));
    } else {
        let _ = std::fs::remove_dir_all(&home);
    }
    let mut cmd = paths::cargo();
    cmd.current_dir(paths::root())
        .args([
            "bench",
            "--quiet",
            "-p",
            "kata-bench",
            "--bench",
            family.target,
        ])
        .env("CRITERION_HOME", &home)
        .env("KATA_BENCH_QUICK", if quick { "1" } else { "0" })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !features.is_empty() {
        cmd.arg("--features").arg(features.join(","));
    }
    cmd.args(["--", "--noplot"]);
    if out.verbose {
        eprintln!("  $ {cmd:?}");
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    let started = Instant::now();

    // Both streams are shown as one self-rewriting progress line (or in
    // full with --verbose), and kept for the error message.
    let show = !out.quiet && std::io::stderr().is_terminal();
    let verbose = out.verbose;
    let forward = |stream: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if verbose {
                    eprintln!("{line}");
                } else if show && !line.trim().is_empty() {
                    let short: String = line.trim().chars().take(110).collect();
                    eprint!("\r\x1b[2K  {short}");
                    let _ = std::io::stderr().flush();
                }
                kept.push(line);
            }
            kept
        })
    };
    let stdout = forward(Box::new(child.stdout.take().expect("piped")));
    let stderr = forward(Box::new(child.stderr.take().expect("piped")));
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > BENCH_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the {} benchmark ran for more than {} minutes and was stopped",
                family.target,
                BENCH_TIMEOUT.as_secs() / 60
            ));
        }
        // Polling the child: std has no wait-with-timeout for a process.
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut lines = stdout.join().unwrap_or_default();
    lines.extend(stderr.join().unwrap_or_default());
    if show {
        eprint!("\r\x1b[2K");
    }
    if !status.success() {
        let tail: Vec<&String> = lines.iter().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().map(String::as_str).collect();
        return Err(format!(
            "`cargo bench -p kata-bench --bench {}` failed:\n{}",
            family.target,
            tail.join("\n")
        ));
    }
    read_last(family)
}

/// The figures of `family`'s last run, as criterion left them.
pub fn read_last(family: Family) -> Result<Vec<Figure>, String> {
    let home = criterion_home();
    if !family.group.is_empty() {
        return read_figures(&home.join(family.group));
    }
    // A family of several groups (the primitives) owns every group that no
    // other family names.
    let mut figures = read_figures(&home)?;
    figures.retain(|f| !FAMILIES.iter().any(|(_, other)| other.group == f.group));
    Ok(figures)
}

/// Every `new/benchmark.json` + `new/estimates.json` pair below `dir`.
pub fn read_figures(dir: &Path) -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if entry.file_name() == "new" {
                if let Some(f) = read_one(&path) {
                    figures.push(f);
                }
            } else if entry.file_name() != "base" && entry.file_name() != "change" {
                stack.push(path);
            }
        }
    }
    if figures.is_empty() {
        return Err(format!(
            "no benchmark results under {}",
            paths::display(dir)
        ));
    }
    Ok(figures)
}

fn read_one(dir: &Path) -> Option<Figure> {
    let read = |name: &str| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).ok()?).ok()
    };
    let bench = read("benchmark.json")?;
    let estimates = read("estimates.json")?;
    let mean = estimates["mean"]["point_estimate"].as_f64()?;
    let elements = bench["throughput"]["Elements"].as_f64().unwrap_or(1.0);
    Some(Figure {
        group: bench["group_id"].as_str()?.to_owned(),
        function: bench["function_id"].as_str().unwrap_or("").to_owned(),
        scenario: bench["value_str"].as_str().unwrap_or("").to_owned(),
        ns_per_element: mean / elements.max(1.0),
    })
}

/// A duration in nanoseconds, in the unit that reads best.
pub fn human_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

/// The comparison table of one family: a row per implementation, a column
/// per scenario, each cell the time per element and its ratio to `baseline`
/// in the same scenario of the same run.
pub fn ratio_table(figures: &[Figure], baseline: &str, unit: &str) -> String {
    let mut scenarios: Vec<&str> = Vec::new();
    let mut functions: Vec<&str> = Vec::new();
    for f in figures {
        if !scenarios.contains(&f.scenario.as_str()) {
            scenarios.push(&f.scenario);
        }
        if !functions.contains(&f.function.as_str()) {
            functions.push(&f.function);
        }
    }
    scenarios.sort_by_key(|s| scenario_order(s));
    // The baseline first, then "yours", then the rest as they came.
    functions.sort_by_key(|f| {
        let rank = match *f {
            f if f == baseline => 0,
            "yours" => 1,
            _ => 2,
        };
        (rank, f.to_owned())
    });
    let cell: BTreeMap<(&str, &str), f64> = figures
        .iter()
        .map(|f| ((f.function.as_str(), f.scenario.as_str()), f.ns_per_element))
        .collect();
    let name_width = functions.iter().map(|f| f.len()).max().unwrap_or(0).max(14);
    let col = 26;
    let mut s = format!("{:<name_width$}", "");
    for sc in &scenarios {
        let sc = if sc.is_empty() { "time" } else { sc };
        s.push_str(&format!(" | {sc:<col$}"));
    }
    s.push('\n');
    s.push_str(&"-".repeat(name_width));
    for _ in &scenarios {
        s.push_str(&format!("-+-{}", "-".repeat(col)));
    }
    s.push('\n');
    for f in &functions {
        s.push_str(&format!("{f:<name_width$}"));
        for sc in &scenarios {
            let text = match (cell.get(&(*f, *sc)), cell.get(&(baseline, *sc))) {
                (Some(v), Some(b)) => {
                    format!("{}/{unit}  {:>5.2}x", human_ns(*v), v / b)
                }
                (Some(v), None) => format!("{}/{unit}", human_ns(*v)),
                (None, _) => "-".to_owned(),
            };
            s.push_str(&format!(" | {text:<col$}"));
        }
        s.push('\n');
    }
    s
}

/// Scenarios sort by the first number in them ("2 threads" after "1 thread").
pub fn scenario_order(s: &str) -> (u64, String) {
    let n = s
        .split(|c: char| !c.is_ascii_digit())
        .find(|p| !p.is_empty())
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    (n, s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(function: &str, scenario: &str, ns: f64) -> Figure {
        Figure {
            group: "queue".into(),
            function: function.into(),
            scenario: scenario.into(),
            ns_per_element: ns,
        }
    }

    #[test]
    fn ratios_are_taken_against_the_baseline_in_the_same_scenario() {
        let table = ratio_table(
            &[
                fig("crossbeam", "2 threads", 50.0),
                fig("reference", "1 thread", 100.0),
                fig("reference", "2 threads", 200.0),
                fig("yours", "1 thread", 300.0),
            ],
            "reference",
            "item",
        );
        let lines: Vec<&str> = table.lines().collect();
        assert!(
            lines[0].find("1 thread") < lines[0].find("2 threads"),
            "{table}"
        );
        assert!(
            lines[2].starts_with("reference"),
            "baseline first:\n{table}"
        );
        assert!(lines[3].starts_with("yours"), "yours second:\n{table}");
        assert!(lines[3].contains("3.00x"), "{table}");
        assert!(lines[4].contains("0.25x"), "{table}");
        assert!(
            lines[4].contains(" - "),
            "a missing cell shows a dash:\n{table}"
        );
    }

    #[test]
    fn criterion_results_are_read_per_element() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        let new = dir.join("queue/reference/1 thread/new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(
            new.join("benchmark.json"),
            r#"{"group_id":"queue","function_id":"reference","value_str":"1 thread","throughput":{"Elements":1000}}"#,
        )
        .unwrap();
        std::fs::write(
            new.join("estimates.json"),
            r#"{"mean":{"point_estimate":250000.0}}"#,
        )
        .unwrap();
        let got = read_figures(&dir.join("queue"));
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(got, Ok(vec![fig("reference", "1 thread", 250.0)]));
    }
}
