//! The Miri stage, for the katas that allow `unsafe` (`katas.toml`).
//!
//! Loom finds data races and bad orderings, but not the undefined behaviour
//! that `unsafe` makes possible: a read of uninitialised memory, a
//! use-after-free, a double drop, an aliasing violation. Miri, the Rust
//! interpreter that checks for exactly these, runs the kata's functional
//! tests (the suites shrink their sizes under `cfg!(miri)`). Miri needs the
//! nightly toolchain with its `miri` component; where it is missing the
//! stage is skipped and says so, plainly, with the command that installs it.

use std::process::Command;
use std::time::Instant;

use crate::check::{Failure, Stage, StageResult, Status, in_subject};
use crate::kata::Subject;
use crate::package::Package;
use crate::paths;

/// Whether this process runs the Miri stage (`check --no-miri` turns it off;
/// `cargo xtask test` runs it for the reference solutions only, since Miri
/// interprets every test and takes a minute or two per kata).
pub static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// How long Miri may interpret the functional tests before the stage gives
/// up and says so.
const LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Waits for `child` for at most `limit`, reading its output; kills it
/// after that.
fn wait_at_most(
    mut child: std::process::Child,
    limit: std::time::Duration,
) -> std::io::Result<std::process::Output> {
    use std::io::Read;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    // Drain the pipes on threads, so a chatty child never blocks on them.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_t = read(stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err_t = read(stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other(format!(
                "it was stopped after {}s",
                limit.as_secs()
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    Ok(std::process::Output {
        status,
        stdout: out_t.join().unwrap_or_default(),
        stderr: err_t.join().unwrap_or_default(),
    })
}

/// How to get Miri, printed when it is missing.
const INSTALL: &str = "rustup toolchain install nightly --component miri";

/// Whether `cargo +nightly miri` runs here. Where a nightly toolchain is
/// installed without Miri, this adds Miri to it first (a few seconds, once
/// per machine), so that the README's two commands are all the setup a check
/// needs. A whole nightly toolchain is not installed behind the learner's
/// back: without one, the stage says what was not checked, and how to get it.
fn available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let succeeds = |args: &[&str]| {
            Command::new("rustup")
                .args(args)
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let runs = || succeeds(&["run", "nightly", "cargo", "miri", "--version"]);
        if runs() {
            return true;
        }
        if succeeds(&["run", "nightly", "rustc", "--version"]) {
            succeeds(&[
                "component",
                "add",
                "miri",
                "rust-src",
                "--toolchain",
                "nightly",
            ]);
        }
        runs()
    })
}

pub fn run(pkg: &Package, subject: &Subject) -> StageResult {
    let t = Instant::now();
    // Relaxed: a setting made before any check starts.
    if !ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return StageResult {
            stage: Stage::Miri,
            status: Status::Partial(
                "not run, at your request (--no-miri): undefined behaviour beyond data races was NOT checked".into(),
            ),
            took: t.elapsed(),
        };
    }
    if !available() {
        return StageResult {
            stage: Stage::Miri,
            status: Status::Partial(format!(
                "not run: Miri is not available here (no nightly toolchain, or its miri component could not be added), so undefined behaviour beyond data races (uninitialised reads, use-after-free, double drops) was NOT checked: `{INSTALL}`"
            )),
            took: t.elapsed(),
        };
    }
    let child = Command::new("rustup")
        .args([
            "run",
            "nightly",
            "cargo",
            "miri",
            "test",
            "--test",
            "functional",
        ])
        .arg("--manifest-path")
        .arg(pkg.dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", paths::check_dir().join("miri"))
        // Isolation off: the suites read /proc (thread states, CPU clocks) for
        // their watchdog, which is bookkeeping, not the code under test.
        // (Not strict provenance: parking_lot's parking casts integers to
        // pointers, which is sound but which that mode refuses.)
        .env("MIRIFLAGS", "-Zmiri-disable-isolation")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let out = child.and_then(|c| wait_at_most(c, LIMIT));
    let status = match out {
        Ok(o) if o.status.success() => Status::Pass("the functional tests, under Miri".into()),
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stderr).into_owned()
                + &String::from_utf8_lossy(&o.stdout);
            // Undefined behaviour, or a test that failed under Miri for
            // another reason (an assertion, a panic): only the first is
            // Miri's finding, and the title says which it was.
            let ub = text.contains("Undefined Behavior");
            let what = text
                .lines()
                .find(|l| {
                    if ub {
                        l.contains("Undefined Behavior")
                    } else {
                        l.contains("panicked at") || l.starts_with("error:")
                    }
                })
                .unwrap_or("Miri stopped the functional tests")
                .trim()
                .to_owned();
            Status::Fail(vec![Failure {
                title: if ub {
                    "Miri found undefined behaviour".into()
                } else {
                    "a functional test failed under Miri".into()
                },
                property: Some("unsafe code upholds Rust's rules: no uninitialised reads, no use after free, no double drop, no aliasing violation".into()),
                what,
                at: learner_line(&text, &pkg.dir, subject),
                cause: Some(if ub {
                    "an `unsafe` block whose SAFETY argument does not hold on some path: read Miri's report below (run with --verbose)".into()
                } else {
                    "the test failed under Miri's own scheduler, which interleaves threads differently from the real-thread stages: read the report below (run with --verbose)".into()
                }),
                book: Some("checker-limits".into()),
                output: text,
                ..Failure::default()
            }])
        }
        Err(e) => Status::Partial(format!(
            "Miri did not finish ({e}): undefined behaviour beyond data races was NOT checked"
        )),
    };
    StageResult {
        stage: Stage::Miri,
        status,
        took: t.elapsed(),
    }
}

/// The first place in Miri's report that is in the learner's files: Miri
/// prints the backtrace innermost first, as `--> FILE:LINE:COLUMN` lines
/// whose paths are relative to the check package (or absolute).
fn learner_line(report: &str, pkg_dir: &std::path::Path, subject: &Subject) -> Option<String> {
    report.lines().find_map(|l| {
        let place = l.trim_start().strip_prefix("--> ")?;
        let mut parts = place.rsplitn(3, ':');
        let (_column, line, file) = (parts.next()?, parts.next()?, parts.next()?);
        line.parse::<u32>().ok()?;
        let path = pkg_dir.join(file);
        in_subject(&path, subject).then(|| {
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            format!("{}:{line}", paths::display(&path))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_learner_line_is_the_first_frame_in_their_files() {
        let root = std::env::temp_dir().join(format!("miri-line-{}", std::process::id()));
        let (pkg, kata) = (root.join("pkg"), root.join("kata"));
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::create_dir_all(&kata).unwrap();
        std::fs::write(kata.join("lib.rs"), "").unwrap();
        let subject = Subject {
            lib: kata.join("lib.rs"),
            impl_dir: kata.clone(),
            sources: vec![kata.join("lib.rs")],
            slug: "t".into(),
        };
        let lib = kata.join("lib.rs").display().to_string();
        let report = format!(
            "error: Undefined Behavior: using uninitialized data\n   --> /rustc/abc/library/core/src/mem/maybe_uninit.rs:625:9\n   --> {lib}:41:17\n   --> tests/functional.rs:88:5\n"
        );
        let at = learner_line(&report, &pkg, &subject).expect("a frame in the kata");
        assert!(at.ends_with("lib.rs:41"), "{at}");
        // No frame in the learner's files: no line is made up.
        assert_eq!(
            learner_line("   --> tests/functional.rs:88:5", &pkg, &subject),
            None
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
