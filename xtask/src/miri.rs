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

use crate::check::{Failure, Stage, StageResult, Status};
use crate::package::Package;
use crate::paths;

/// Whether this process runs the Miri stage (`check --no-miri` turns it off;
/// `cargo xtask test` runs it for the reference solutions only, since Miri
/// interprets every test and takes a minute or two per kata).
pub static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// How to get Miri, printed when it is missing.
const INSTALL: &str = "rustup toolchain install nightly --component miri";

/// Whether `cargo +nightly miri` runs here.
fn available() -> bool {
    Command::new("rustup")
        .args(["run", "nightly", "cargo", "miri", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn run(pkg: &Package) -> StageResult {
    let t = Instant::now();
    // Relaxed: a setting made before any check starts.
    if !ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return StageResult {
            stage: Stage::Miri,
            status: Status::Skip(
                "skipped at your request (--no-miri): undefined behaviour beyond data races was NOT checked".into(),
            ),
            took: t.elapsed(),
        };
    }
    if !available() {
        return StageResult {
            stage: Stage::Miri,
            status: Status::Skip(format!(
                "Miri is not installed, so undefined behaviour beyond data races (uninitialised reads, use-after-free, double drops) was NOT checked: `{INSTALL}`"
            )),
            took: t.elapsed(),
        };
    }
    let out = Command::new("rustup")
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
        .env(
            "MIRIFLAGS",
            "-Zmiri-disable-isolation -Zmiri-strict-provenance",
        )
        .output();
    let status = match out {
        Ok(o) if o.status.success() => Status::Pass("the functional tests, under Miri".into()),
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stderr).into_owned()
                + &String::from_utf8_lossy(&o.stdout);
            let ub = text
                .lines()
                .find(|l| l.contains("Undefined Behavior") || l.starts_with("error:"))
                .unwrap_or("Miri stopped the functional tests")
                .trim()
                .to_owned();
            Status::Fail(vec![Failure {
                title: "Miri found undefined behaviour".into(),
                property: Some("unsafe code upholds Rust's rules: no uninitialised reads, no use after free, no double drop, no aliasing violation".into()),
                what: ub,
                cause: Some("an `unsafe` block whose SAFETY argument does not hold on some path: read Miri's report below (run with --verbose)".into()),
                book: Some("checker-limits".into()),
                output: text,
                ..Failure::default()
            }])
        }
        Err(e) => Status::Skip(format!("Miri could not be started ({e}): not checked")),
    };
    StageResult {
        stage: Stage::Miri,
        status,
        took: t.elapsed(),
    }
}
