//! Building a generated package and reading cargo's JSON messages.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crate::package::Package;
use crate::paths;
use crate::term::Out;

/// Real threads (dev profile, shares the workspace's target folder), loom
/// (release, `--cfg loom`, its own target folder so the two never evict each
/// other's artifacts), or shuttle: the model stage's second explorer, for
/// the busy-waits loom cannot bound (release, `--cfg loom --cfg
/// kata_shuttle`, under which the crate named `loom` is shuttle).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavor {
    Threads,
    Loom,
    Shuttle,
}

impl Flavor {
    fn target_dir(self) -> PathBuf {
        match self {
            Flavor::Threads => paths::check_dir().join("threads"),
            Flavor::Loom => paths::check_dir().join("loom"),
            Flavor::Shuttle => paths::check_dir().join("shuttle"),
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
    /// Every span the message and its notes point at, `(file, line)`,
    /// primary first: a suite's error often has a note at the kata's line.
    pub spans: Vec<(PathBuf, u64)>,
}

pub struct Build {
    /// Test target name to executable.
    pub executables: BTreeMap<String, PathBuf>,
    pub errors: Vec<Diagnostic>,
    /// Cargo's own complaint when it failed before compiling anything.
    pub cargo_error: Option<String>,
}

/// Builds and waits, showing cargo's progress.
pub fn build(pkg: &Package, flavor: Flavor, tests: &[&str], out: &Out) -> Build {
    spawn(pkg, flavor, tests, out, true).wait()
}

/// A build running in the background, beside other work: the loom build
/// starts with the threads build and runs while the real-thread stages do.
pub struct Job {
    /// cargo's pid, which is also its process group's id.
    pid: u32,
    /// Set to show cargo's progress line from now on (a background build is
    /// silent until the learner is waiting for it).
    show: Arc<AtomicBool>,
    /// Whether progress can be shown at all: on a terminal, and not quiet.
    can_show: bool,
    handle: JoinHandle<Build>,
}

impl Job {
    /// Shows cargo's progress from now on.
    pub fn show_progress(&self) {
        self.show.store(self.can_show, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    pub fn wait(self) -> Build {
        self.handle.join().unwrap_or_else(|_| Build {
            executables: BTreeMap::new(),
            errors: Vec::new(),
            cargo_error: Some("the build's reader thread panicked".into()),
        })
    }

    /// Stops the build: cargo and every rustc it started (they share its
    /// process group). A build that already finished is left alone.
    pub fn cancel(self) {
        // `pid` is 0 when cargo could not be started, and kill(0) would
        // signal our own process group: there is nothing to stop then.
        if self.pid != 0 && !self.handle.is_finished() {
            let pgid = -(self.pid as libc::pid_t);
            // SAFETY: kill(2) takes plain integers and touches no memory of
            // ours; a negative pid names the process group cargo leads.
            unsafe {
                libc::kill(pgid, libc::SIGKILL);
            }
        }
        let _ = self.handle.join();
    }
}

/// Starts a build. `show` says whether cargo's progress is shown from the
/// start; a build that does not show it is a background build, run at a
/// lower priority.
pub fn spawn(pkg: &Package, flavor: Flavor, tests: &[&str], out: &Out, show: bool) -> Job {
    let mut cmd = paths::cargo();
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(&pkg.manifest)
        .arg("--keep-going")
        .arg("--message-format=json-diagnostic-rendered-ansi")
        .env("CARGO_TARGET_DIR", flavor.target_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that cancelling it stops its rustc
        // processes too.
        .process_group(0);
    for t in tests {
        cmd.arg("--test").arg(t);
    }
    let cfg = match flavor {
        Flavor::Threads => "",
        Flavor::Loom => " --cfg loom",
        Flavor::Shuttle => " --cfg loom --cfg kata_shuttle",
    };
    if flavor != Flavor::Threads {
        cmd.arg("--release");
        let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
        flags.push_str(cfg);
        cmd.env("RUSTFLAGS", flags.trim());
    }
    if out.verbose {
        eprintln!("  $ {cmd:?}");
    }
    let background = !show;
    let can_show = !out.quiet && std::io::stderr().is_terminal();
    let show = Arc::new(AtomicBool::new(show && can_show));
    let failed = |e: String| Build {
        executables: BTreeMap::new(),
        errors: Vec::new(),
        cargo_error: Some(e),
    };
    let child = cmd.spawn();
    let pid = child.as_ref().map_or(0, |c| c.id());
    if background && let Ok(c) = &child {
        // A background build yields the CPU to the foreground one (whose
        // result the learner waits for first), then has the machine to
        // itself. Its rustc processes inherit the niceness from cargo.
        // SAFETY: setpriority(2) takes plain integers and touches no
        // memory of ours.
        unsafe {
            libc::setpriority(libc::PRIO_PGRP, c.id(), 10);
        }
    }
    let (verbose, color) = (out.verbose, out.color());
    let shown = Arc::clone(&show);
    let handle = std::thread::spawn(move || match child {
        Ok(child) => read(child, shown, verbose, color),
        Err(e) => failed(format!("could not run cargo: {e}")),
    });
    Job {
        pid,
        show,
        can_show,
        handle,
    }
}

/// Reads cargo's messages until it exits.
fn read(
    mut child: std::process::Child,
    show: Arc<AtomicBool>,
    verbose: bool,
    color: bool,
) -> Build {
    // Cargo's stderr: show which crate is compiling, on one line that
    // rewrites itself on a terminal, so a cold build is visibly moving.
    let stderr = child.stderr.take().expect("piped");
    let progress = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut shown = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let trimmed = line.trim_start();
            if verbose {
                eprintln!("{line}");
            } else if show.load(Ordering::Relaxed) && trimmed.starts_with("Compiling") {
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
                errors.push(diagnostic(&msg["message"], color));
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

/// One compiler error, from cargo's JSON.
fn diagnostic(m: &serde_json::Value, color: bool) -> Diagnostic {
    let span_of = |s: &serde_json::Value| {
        Some((
            PathBuf::from(s["file_name"].as_str()?),
            s["line_start"].as_u64()?,
        ))
    };
    let mut spans: Vec<(PathBuf, u64)> = Vec::new();
    let mut primary = None;
    for s in m["spans"].as_array().into_iter().flatten() {
        if let Some(span) = span_of(s) {
            if s["is_primary"] == true && primary.is_none() {
                primary = Some(span.clone());
                spans.insert(0, span);
            } else {
                spans.push(span);
            }
        }
    }
    for child in m["children"].as_array().into_iter().flatten() {
        spans.extend(
            child["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(span_of),
        );
    }
    let rendered = m["rendered"].as_str().unwrap_or_default();
    Diagnostic {
        message: m["message"].as_str().unwrap_or_default().to_owned(),
        rendered: if color {
            rendered.to_owned()
        } else {
            strip_ansi(rendered)
        },
        at: primary
            .as_ref()
            .map(|(f, l)| format!("{}:{l}", f.display())),
        file: primary.map(|(f, _)| f),
        spans,
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
