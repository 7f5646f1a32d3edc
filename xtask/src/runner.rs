//! Runs a suite's tests, one process per test, and reads their verdicts.
//!
//! One process per test means a kata that aborts, overflows its stack or
//! calls `exit` takes down only the test it was in, and a hang is pinned on
//! one test. A test passes only when its process exits with status 0 *and*
//! its report file holds a `pass` record stamped with this run's nonce, which
//! the test writes after its body has run to the end (see `kata-test`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kata_verdict::{Line, Panic, Record, StallKind};

/// How a test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// The test failed: a panic, an assertion, a loom report.
    Failed,
    /// The watchdog found no progress and ended the process.
    Stalled,
    /// The process was killed from outside after the hard limit.
    TimedOut,
    /// The process died without a verdict: a signal, `exit`, an abort.
    NoVerdict(String),
}

#[derive(Debug, Clone)]
pub struct TestRun {
    pub name: String,
    pub outcome: Outcome,
    pub records: Vec<Record>,
    /// The test's stdout and stderr, interleaved.
    pub output: String,
}

impl TestRun {
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }

    /// What the test set out to check: (property, cause, book topic).
    pub fn start(&self) -> Option<(&str, &str, &str)> {
        self.records.iter().find_map(|r| match r {
            Record::Start {
                property,
                cause,
                book,
            } => Some((property.as_str(), cause.as_str(), book.as_str())),
            _ => None,
        })
    }

    pub fn panics(&self) -> impl Iterator<Item = &Panic> {
        self.records.iter().filter_map(|r| match r {
            Record::Panic(p) => Some(p),
            _ => None,
        })
    }

    pub fn stall(&self) -> Option<(StallKind, &str)> {
        self.records.iter().find_map(|r| match r {
            Record::Stall { kind, report } => Some((*kind, report.as_str())),
            _ => None,
        })
    }

    pub fn limit(&self) -> Option<&str> {
        self.records.iter().find_map(|r| match r {
            Record::Limit { why } => Some(why.as_str()),
            _ => None,
        })
    }

    /// The values of every note `key` the test wrote.
    pub fn notes<'a>(&'a self, key: &'a str) -> impl Iterator<Item = u64> + 'a {
        self.records.iter().filter_map(move |r| match r {
            Record::Note { key: k, value } if k == key => Some(*value),
            _ => None,
        })
    }

    /// The value of the test's first note `key`, if it wrote one.
    pub fn note(&self, key: &str) -> Option<u64> {
        self.notes(key).next()
    }
}

pub struct Options<'a> {
    pub impl_dir: &'a Path,
    /// Where report and output files go; emptied first.
    pub work_dir: PathBuf,
    pub jobs: usize,
    /// Backstop for a process that even its watchdog cannot end.
    pub hard_timeout: Duration,
    /// Stop starting tests after the first failure.
    pub fail_fast: bool,
    pub env: Vec<(String, String)>,
    pub cwd: &'a Path,
}

/// The tests in a libtest binary, in its order.
pub fn list(exe: &Path) -> Result<Vec<String>, String> {
    let out = Command::new(exe)
        .args(["--list", "--format", "terse"])
        .output()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} --list failed: {}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

pub fn run(exe: &Path, tests: &[String], opts: &Options<'_>) -> Vec<TestRun> {
    let _ = std::fs::remove_dir_all(&opts.work_dir);
    let _ = std::fs::create_dir_all(&opts.work_dir);
    in_parallel(
        tests,
        opts.jobs,
        |i, name| run_one(exe, i, name, opts),
        |r| !r.passed() && opts.fail_fast,
    )
}

/// Runs `f` on the items, `jobs` at a time, and returns the results in the
/// items' order. Once a result satisfies `stop`, no further item starts
/// (those running finish), so the results may be fewer than the items.
pub fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(usize, &T) -> R + Sync,
    stop: impl Fn(&R) -> bool + Sync,
) -> Vec<R> {
    let next = Mutex::new(items.iter().enumerate());
    let results = Mutex::new(Vec::with_capacity(items.len()));
    let stopped = AtomicBool::new(false);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    // Relaxed: a late stop only starts one more item.
                    if stopped.load(Ordering::Relaxed) {
                        return;
                    }
                    let Some((i, item)) = next.lock().unwrap_or_else(|e| e.into_inner()).next()
                    else {
                        return;
                    };
                    let r = f(i, item);
                    if stop(&r) {
                        stopped.store(true, Ordering::Relaxed);
                    }
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn nonce() -> String {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

fn run_one(exe: &Path, index: usize, name: &str, opts: &Options<'_>) -> TestRun {
    let report = opts.work_dir.join(format!("{index}.jsonl"));
    let output = opts.work_dir.join(format!("{index}.out"));
    let nonce = nonce();
    let spawned = std::fs::File::create(&output).and_then(|out| {
        let err = out.try_clone()?;
        let mut child = Command::new(exe)
            .args([name, "--exact", "--test-threads=1", "--nocapture"])
            .envs(opts.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            // The secret travels on stdin, which the test reads to the end
            // before its body runs: never in the environment or arguments,
            // where the code under test could read it.
            .env("KATA_CHANNEL", "stdin")
            .current_dir(opts.cwd)
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            // A test that never reads its stdin (it died first) must not
            // fail the write: the verdict comes from the records.
            let _ = writeln!(
                stdin,
                "nonce={nonce}\nreport={}\nimpl={}",
                report.display(),
                opts.impl_dir.display()
            );
        }
        Ok(child)
    });
    let status = match spawned {
        Ok(mut child) => wait_with_deadline(&mut child, opts.hard_timeout),
        Err(e) => {
            return TestRun {
                name: name.to_owned(),
                outcome: Outcome::NoVerdict(format!("could not start: {e}")),
                records: Vec::new(),
                output: String::new(),
            };
        }
    };
    let records: Vec<Record> = std::fs::read_to_string(&report)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| Line::parse(l, &nonce))
        .collect();
    let output = std::fs::read_to_string(&output).unwrap_or_default();
    let has = |is: fn(&Record) -> bool| records.iter().any(is);
    let stalled = has(|r| matches!(r, Record::Stall { .. }));
    let passed = has(|r| matches!(r, Record::Pass));
    let failed = has(|r| matches!(r, Record::Fail | Record::Panic(_)));
    let outcome = match status {
        None => Outcome::TimedOut,
        Some(_) if stalled => Outcome::Stalled,
        // A panic the kata caught and swallowed still fails the test: the
        // hook recorded it before any unwinding (the suite's expected
        // panics are never recorded).
        Some(s) if s.success() && passed && !failed => Outcome::Passed,
        Some(_) if failed => Outcome::Failed,
        Some(s) => Outcome::NoVerdict(describe(s, has(|r| matches!(r, Record::Start { .. })))),
    };
    TestRun {
        name: name.to_owned(),
        outcome,
        records,
        output,
    }
}

fn describe(status: ExitStatus, started: bool) -> String {
    use std::os::unix::process::ExitStatusExt;
    let how = match (status.code(), status.signal()) {
        (_, Some(sig)) => format!("was killed by signal {sig}{}", signal_name(sig)),
        (Some(0), _) => {
            "exited with status 0 before the test finished (a call to std::process::exit?)"
                .to_owned()
        }
        (Some(c), _) => format!("exited with status {c} before the test finished"),
        _ => "ended".to_owned(),
    };
    if started {
        format!("the test process {how}")
    } else {
        format!("the test process {how}, before the test even started")
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        6 => {
            " (SIGABRT: an abort, e.g. an allocation that failed, a panic while panicking or a stack overflow)"
        }
        9 => " (SIGKILL)",
        11 => " (SIGSEGV: invalid memory access)",
        _ => "",
    }
}

/// Waits for the child, killing it after `limit`. `None` means it was killed.
fn wait_with_deadline(child: &mut std::process::Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => {
                // Back off to 20 ms: a quick test is seen quickly, a slow one
                // costs little polling.
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(_) => return None,
        }
    }
}
