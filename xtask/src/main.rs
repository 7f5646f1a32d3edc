//! `cargo xtask`: the project's commands. This file only parses and
//! dispatches; each subcommand lives in its own module with a `run`.

mod bench;
mod book;
mod build;
mod check;
mod compare;
mod figures;
mod hint;
mod kata;
mod list;
mod meta;
mod miri;
mod mutants;
mod package;
mod paths;
mod progress;
mod reset;
mod runner;
mod scan;
mod term;
mod test_all;
mod timeline;
mod watch;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Practice the classic concurrency interview problems, checked by hidden
/// functional tests, stress tests and exhaustive loom models.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, long_about = None)]
#[command(after_help = TOP_HELP)]
struct Cli {
    /// Print only the verdict.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print each test's own output and the build commands.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

/// The exit codes, as a literal so that `concat!` can use it.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  every stage passed (or the command succeeded)
  1  the code under test failed a stage, or a stage could not verify it
     (NOT VERIFIED: never a pass)
  2  usage error: unknown kata, missing file, bad arguments
  3  the kata is not started, or still has todo!() in it
  4  the project itself is broken (the suite does not build, cargo failed)"
    };
}

const EXIT_CODES: &str = exit_codes!();

/// The top-level help's footer: the learner's loop, then the exit codes.
const TOP_HELP: &str = concat!(
    "The loop: `cargo xtask list` to pick a kata, edit katas/<kata>/src/lib.rs,
`cargo xtask watch <kata>` (or `check`) for the verdict, `cargo xtask hint <kata>`
when stuck, `cargo xtask compare <kata>` once it passes.

",
    exit_codes!()
);

#[derive(Subcommand)]
enum Command {
    /// Check a kata against its hidden suite: facade (what the code may
    /// use), build, api, functional, stress, the loom model and, where the
    /// kata allows `unsafe`, miri, in that order, stopping at the first
    /// failing stage.
    #[command(after_help = EXIT_CODES)]
    Check(check::Args),
    /// List every kata in the recommended order, with its difficulty, your
    /// status and its book chapter, and overall progress.
    List(list::Args),
    /// Show the next hint for a kata: first the concept, then a nudge, then a
    /// sketch. Each run shows one more.
    Hint(hint::Args),
    /// Re-check a kata each time you save one of its files, and move on to
    /// the next kata once it passes. Type h, c, n or q (then Enter) for a
    /// hint, a check now, the next kata, or quit.
    Watch(watch::Args),
    /// Restore a kata's stub. Your files are first copied to
    /// .kata-progress/backups/, and the copies' paths are printed.
    Reset(reset::Args),
    /// Show your answer beside the reference solution, then run the same
    /// benchmark on both and on what you would use in production, as ratios.
    /// Asks first if your kata has not passed yet.
    Compare(compare::Args),
    /// Build the book (book/build), serve it with --serve, or check it as CI
    /// does with --check. Installs mdBook into target/tools the first time.
    Book(book::Args),
    /// Measure the figures the book quotes (criterion benchmarks of the
    /// reference solutions, their alternatives and the primitives) and write
    /// them to book/src/generated/figures/.
    Figures(figures::Args),
    /// Check every known-wrong implementation (mutant) and fail unless each
    /// one is rejected by the stage its header names.
    #[command(after_help = EXIT_CODES)]
    Mutants(mutants::Args),
    /// Run the project's whole test suite: cargo test, every reference
    /// solution through its suite, every stub reported as not started, and
    /// every mutant rejected.
    Test(test_all::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = term::Out::new(cli.quiet, cli.verbose);
    let code = match cli.command {
        Command::Check(args) => check::run(&args, &out),
        Command::List(args) => list::run(&args, &out),
        Command::Hint(args) => hint::run(&args, &out),
        Command::Watch(args) => watch::run(&args, &out),
        Command::Reset(args) => reset::run(&args, &out),
        Command::Compare(args) => compare::run(&args, &out),
        Command::Book(args) => book::run(&args, &out),
        Command::Figures(args) => figures::run(&args, &out),
        Command::Mutants(args) => mutants::run(&args, &out),
        Command::Test(args) => test_all::run(&args, &out),
    };
    ExitCode::from(code as u8)
}

/// The exit codes, documented in `--help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Ok = 0,
    Failed = 1,
    Usage = 2,
    NotStarted = 3,
    Internal = 4,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// `check --help` names the stages in the order the pipeline runs them
    /// (it once put the facade stage after the build).
    #[test]
    fn check_help_gives_the_stages_in_the_order_they_run() {
        let cli = Cli::command();
        let check = cli.find_subcommand("check").expect("a check subcommand");
        let about = check.get_about().expect("check has help").to_string();
        let mut from = 0;
        for stage in check::Stage::ALL {
            let at = about[from..].find(stage.name()).unwrap_or_else(|| {
                panic!("`{}` missing or out of order in: {about}", stage.name())
            });
            from += at + stage.name().len();
        }
    }
}
