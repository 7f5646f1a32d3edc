//! `cargo xtask book`: build the book, serve it, or check it as CI does.
//!
//! mdBook is installed on first use into `target/tools/` (pinned, with only
//! the `search` feature: we serve the built book ourselves, so its web
//! server and watcher, most of its build time, are not needed).

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::term::Out;
use crate::{Code, paths};

mod browser;
mod drift;
mod links;
mod serve;

#[derive(clap::Args)]
pub struct Args {
    /// Build, then serve the book on http://127.0.0.1:3000 and rebuild it
    /// when a file under book/src or solutions/ changes.
    #[arg(long, conflicts_with_all = ["check", "bless"])]
    pub serve: bool,
    /// What CI runs: build the book, compile and run its Rust listings
    /// (`mdbook test`), check every internal link and anchor (and the
    /// targets of book/topics.toml and katas.toml), check that the
    /// checker output it quotes is still what the checker prints, and load
    /// every page in headless Chromium (console errors, broken images, and a
    /// search for "lost wakeup"; skipped where Chromium is not installed).
    #[arg(long, conflicts_with = "bless")]
    pub check: bool,
    /// Regenerate the checker output the book quotes
    /// (book/src/generated/checks/) by running the real checker.
    #[arg(long)]
    pub bless: bool,
    /// With --bless: only this kata's quoted reports, e.g. `--bless h2o`.
    /// Re-read the chapter afterwards: a stress report is one run's.
    #[arg(requires = "bless", value_name = "KATA")]
    pub kata: Option<String>,
    /// Port for --serve.
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
}

/// The mdBook release the book is written for.
const MDBOOK_VERSION: &str = "0.5.4";

pub fn book_dir() -> PathBuf {
    paths::root().join("book")
}

pub fn src_dir() -> PathBuf {
    book_dir().join("src")
}

pub fn build_dir() -> PathBuf {
    book_dir().join("build")
}

pub fn run(args: &Args, out: &Out) -> Code {
    let mdbook = match install(out) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{} {e}", out.red("error:"));
            return Code::Internal;
        }
    };
    if args.bless {
        return drift::bless(args.kata.as_deref(), out);
    }
    if let Err(e) = build(&mdbook, out) {
        eprintln!("{} {e}", out.red("error:"));
        return Code::Failed;
    }
    if args.serve {
        return serve::run(&mdbook, args.port, out);
    }
    if !args.check {
        println!(
            "{} the book is in {} (open index.html, or run `cargo xtask book --serve`)",
            out.green("built:"),
            paths::display(&build_dir())
        );
        return Code::Ok;
    }

    let mut failed = 0;
    let mut step = |name: &str, result: Result<String, Vec<String>>| match result {
        Ok(summary) => println!("  {} {name}: {summary}", out.green("ok  ")),
        Err(problems) => {
            failed += 1;
            println!("  {} {name}", out.red("FAIL"));
            for p in problems {
                println!("       {p}");
            }
        }
    };
    step("build", Ok("no warnings".to_owned()));
    step("listings (mdbook test)", test(&mdbook, out));
    step("links and anchors", links::check_built(&build_dir()));
    step(
        "book/topics.toml and katas.toml targets",
        links::check_targets(&build_dir()),
    );
    step("quoted checker output", drift::check(out));
    step(
        "in a browser (headless Chromium)",
        browser::check(&build_dir()),
    );
    if failed == 0 {
        println!("book: every check passed");
        Code::Ok
    } else {
        println!("book: {failed} check(s) failed");
        Code::Failed
    }
}

/// The pinned mdBook, installed into `target/tools/` the first time.
fn install(out: &Out) -> Result<PathBuf, String> {
    let root = paths::target_dir().join("tools");
    let bin = root.join("bin").join("mdbook");
    let wanted = format!("v{MDBOOK_VERSION}");
    let current = Command::new(&bin)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if current.is_some_and(|v| v.contains(&wanted)) {
        return Ok(bin);
    }
    out.status(&format!(
        "installing mdBook {MDBOOK_VERSION} into {} (first time only; a few minutes on two cores)...",
        paths::display(&root)
    ));
    let mut cmd = paths::cargo();
    cmd.args(["install", "mdbook", "--locked", "--version"])
        .arg(format!("={MDBOOK_VERSION}"))
        .args(["--no-default-features", "--features", "search", "--root"])
        .arg(&root)
        // Its own target folder, so the install does not fight the
        // workspace's build for cargo's lock, and is kept between runs.
        .env("CARGO_TARGET_DIR", paths::target_dir().join("tools-build"));
    run_streaming(cmd, out).map_err(|e| format!("could not install mdBook: {e}"))?;
    Ok(bin)
}

/// Builds the book into book/build. mdBook reports a missing include or
/// page as a warning and goes on; here any warning or error fails the build.
pub fn build(mdbook: &Path, out: &Out) -> Result<(), String> {
    out.status("building the book...");
    let output = Command::new(mdbook)
        .arg("build")
        .arg(book_dir())
        .output()
        .map_err(|e| format!("could not run mdbook: {e}"))?;
    let stderr = crate::build::strip_ansi(&String::from_utf8_lossy(&output.stderr));
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .collect();
    if !output.status.success() || !problems.is_empty() {
        return Err(format!(
            "mdbook build reported problems:\n{}",
            if problems.is_empty() {
                stderr.trim().to_owned()
            } else {
                problems.join("\n")
            }
        ));
    }
    Ok(())
}

/// Compiles and runs the book's Rust listings. Listings included from the
/// solutions use the project's crates, which rustdoc cannot link here; they
/// are fenced `ignore` in the book and compiled where they live, by the
/// workspace build.
fn test(mdbook: &Path, out: &Out) -> Result<String, Vec<String>> {
    out.status("testing the book's listings (mdbook test)...");
    let output = Command::new(mdbook)
        .arg("test")
        .arg(book_dir())
        .output()
        .map_err(|e| vec![format!("could not run mdbook: {e}")])?;
    let text = crate::build::strip_ansi(&format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ));
    if output.status.success() {
        let chapters = text.matches("Testing chapter").count();
        Ok(format!(
            "the listings of {chapters} chapters compile and pass"
        ))
    } else {
        let failing: Vec<String> = text
            .lines()
            .filter(|l| l.contains("FAILED") || l.contains("error") || l.contains("panicked"))
            .take(40)
            .map(str::to_owned)
            .collect();
        Err(if failing.is_empty() {
            vec![text.lines().rev().take(20).collect::<Vec<_>>().join("\n")]
        } else {
            failing
        })
    }
}

/// Runs `cmd`, showing its stderr as one self-rewriting line on a terminal.
fn run_streaming(mut cmd: Command, out: &Out) -> Result<(), String> {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let show = !out.quiet && std::io::stderr().is_terminal();
    let mut kept = Vec::new();
    for line in BufReader::new(child.stderr.take().expect("piped"))
        .lines()
        .map_while(Result::ok)
    {
        if out.verbose {
            eprintln!("{line}");
        } else if show {
            let short: String = line.trim().chars().take(100).collect();
            eprint!("\r\x1b[2K  {short}");
            let _ = std::io::stderr().flush();
        }
        kept.push(line);
    }
    if show {
        eprint!("\r\x1b[2K");
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        let tail: Vec<String> = kept.into_iter().rev().take(20).collect();
        Err(tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
    }
}
