//! Building a generated package and reading cargo's JSON messages.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::Stdio;

use crate::package::Package;
use crate::paths;
use crate::term::Out;

/// Real threads (dev profile, shares the workspace's target folder) or loom
/// (release, `--cfg loom`, its own target folder so the two never evict each
/// other's artifacts).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavor {
    Threads,
    Loom,
}

impl Flavor {
    fn target_dir(self) -> PathBuf {
        match self {
            Flavor::Threads => paths::check_dir().join("threads"),
            Flavor::Loom => paths::check_dir().join("loom"),
        }
    }
}

/// A compiler error, rendered as rustc would print it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub rendered: String,
    /// `file:line` of the primary span.
    pub at: Option<String>,
    pub file: Option<PathBuf>,
}

pub struct Build {
    /// Test target name to executable.
    pub executables: BTreeMap<String, PathBuf>,
    pub errors: Vec<Diagnostic>,
    /// Cargo's own complaint when it failed before compiling anything.
    pub cargo_error: Option<String>,
}

pub fn build(pkg: &Package, flavor: Flavor, tests: &[&str], out: &Out) -> Build {
    let mut cmd = paths::cargo();
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(&pkg.manifest)
        .arg("--keep-going")
        .arg("--message-format=json-diagnostic-rendered-ansi")
        .env("CARGO_TARGET_DIR", flavor.target_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for t in tests {
        cmd.arg("--test").arg(t);
    }
    if flavor == Flavor::Loom {
        cmd.arg("--release");
        let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
        flags.push_str(" --cfg loom");
        cmd.env("RUSTFLAGS", flags.trim());
    }
    if out.verbose {
        eprintln!("  $ {cmd:?}");
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Build {
                executables: BTreeMap::new(),
                errors: Vec::new(),
                cargo_error: Some(format!("could not run cargo: {e}")),
            };
        }
    };

    // Cargo's stderr: show which crate is compiling, on one line that
    // rewrites itself on a terminal, so a cold build is visibly moving.
    let stderr = child.stderr.take().expect("piped");
    let show = !out.quiet && std::io::stderr().is_terminal();
    let verbose = out.verbose;
    let progress = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut shown = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let trimmed = line.trim_start();
            if verbose {
                eprintln!("{line}");
            } else if show && trimmed.starts_with("Compiling") {
                eprint!("\r\x1b[2K  {trimmed}");
                let _ = std::io::stderr().flush();
                shown = true;
            }
            lines.push(line);
        }
        if shown {
            eprint!("\r\x1b[2K");
        }
        lines
    });

    let mut executables = BTreeMap::new();
    let mut errors = Vec::new();
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        match msg["reason"].as_str() {
            Some("compiler-artifact") => {
                let kinds = msg["target"]["kind"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if kinds.iter().any(|k| k == "test")
                    && let (Some(name), Some(exe)) =
                        (msg["target"]["name"].as_str(), msg["executable"].as_str())
                {
                    executables.insert(name.to_owned(), PathBuf::from(exe));
                }
            }
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                let m = &msg["message"];
                let span = m["spans"]
                    .as_array()
                    .and_then(|s| s.iter().find(|s| s["is_primary"] == true).cloned());
                let file = span
                    .as_ref()
                    .and_then(|s| s["file_name"].as_str())
                    .map(PathBuf::from);
                let at = span.as_ref().and_then(|s| {
                    Some(format!(
                        "{}:{}",
                        s["file_name"].as_str()?,
                        s["line_start"].as_u64()?
                    ))
                });
                let rendered = m["rendered"].as_str().unwrap_or_default();
                errors.push(Diagnostic {
                    message: m["message"].as_str().unwrap_or_default().to_owned(),
                    rendered: if out.color() {
                        rendered.to_owned()
                    } else {
                        strip_ansi(rendered)
                    },
                    at,
                    file,
                });
            }
            _ => {}
        }
    }
    let status = child.wait();
    let stderr_lines = progress.join().unwrap_or_default();
    let failed = !status.map(|s| s.success()).unwrap_or(false);
    let cargo_error = (failed && errors.is_empty()).then(|| {
        stderr_lines
            .iter()
            .filter(|l| !l.trim_start().starts_with("Compiling"))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    });
    Build {
        executables,
        errors,
        cargo_error,
    }
}

pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
