//! The verdict channel between a hidden test and `cargo xtask check`.
//!
//! The runner sets `KATA_CHANNEL=stdin` and writes three lines to the test
//! process's standard input, then closes it: `nonce=` a random token stamped
//! on every record, so that nothing else can pass for a verdict; `report=`
//! the file to append JSON lines to; `impl=` the folder of the code under
//! test, used to pick the kata's own frame out of a panic's backtrace. The
//! test reads them when it starts, before any kata code runs, so the token
//! is never in the environment or the arguments, and kata code (which may
//! not touch `std::io`, `std::env` or `std::fs`, see the facade stage)
//! cannot learn it. Without `KATA_CHANNEL` (plain `cargo test`) nothing is
//! read or written.

use std::backtrace::Backtrace;
use std::cell::Cell;
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::panic::{self, PanicHookInfo};
use std::sync::{Once, OnceLock};

use crate::Property;
use kata_verdict::{Blocked, Line, Panic, Record, Step};

struct Channel {
    path: String,
    nonce: String,
    impl_dir: Option<String>,
}

fn channel() -> Option<&'static Channel> {
    static CHANNEL: OnceLock<Option<Channel>> = OnceLock::new();
    CHANNEL.get_or_init(read_channel).as_ref()
}

fn read_channel() -> Option<Channel> {
    if std::env::var("KATA_CHANNEL").ok()? != "stdin" {
        return None;
    }
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).ok()?;
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_owned)
    };
    Some(Channel {
        path: field("report")?,
        nonce: field("nonce").filter(|n| !n.is_empty())?,
        impl_dir: field("impl"),
    })
}

/// Reads the channel now, before the test body (and so any kata code) runs.
pub(crate) fn open() {
    let _ = channel();
}

/// Appends one record. Each is written with one call on a file opened in
/// append mode, so records from different threads never interleave.
pub(crate) fn write(record: Record) {
    let Some(ch) = channel() else { return };
    let line = Line {
        record,
        nonce: ch.nonce.clone(),
    }
    .to_json()
        + "\n";
    if let Ok(mut f) = OpenOptions::new().append(true).create(true).open(&ch.path) {
        let _ = f.write_all(line.as_bytes());
    }
}

pub(crate) fn start(property: &'static Property) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // A panic the suite raised on purpose, on a thread it does not
            // control (a job in a pool), is neither a failure nor news.
            if info.payload().is::<ExpectedPanic>() {
                return;
            }
            if !EXPECTING_PANIC.get() {
                record_panic(info);
            }
            default(info);
        }));
    });
    write(Record::Start {
        property: property.name.to_owned(),
        cause: property.cause.to_owned(),
        book: property.book.to_owned(),
    });
}

pub(crate) fn finish(passed: bool) {
    write(if passed { Record::Pass } else { Record::Fail });
}

/// Records a hang diagnosed by the watchdog.
pub(crate) fn stall(kind: crate::StallKind, report: &str) {
    write(Record::Stall {
        kind,
        report: report.to_owned(),
    });
}

/// Records that the test could not decide within the checker's limits (not
/// a failure of the kata; the verdict says NOT VERIFIED).
#[cfg_attr(not(loom), allow(dead_code))]
pub(crate) fn limit(why: &str) {
    write(Record::Limit {
        why: why.to_owned(),
    });
}

/// Records a fact the runner prints with the verdict, e.g. how many loom
/// executions a model test explored.
pub fn note(key: &str, value: u64) {
    write(Record::Note {
        key: key.to_owned(),
        value,
    });
}

/// The payload of [`expected_panic`].
#[derive(Debug)]
pub struct ExpectedPanic(pub &'static str);

/// Panics on purpose, e.g. in a job the suite hands to a thread pool to see
/// that the pool survives it: the payload is an [`ExpectedPanic`], which is
/// neither a failure nor printed. Every other panic is a failure, even one
/// the kata catches and swallows.
pub fn expected_panic(why: &'static str) -> ! {
    panic::panic_any(ExpectedPanic(why))
}

thread_local! {
    static EXPECTING_PANIC: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, which must panic, and returns its panic message. The panic is
/// expected, so it is not reported as a failure.
///
/// # Panics
///
/// Panics if `f` returns normally.
pub fn expect_panic<R>(what: &str, f: impl FnOnce() -> R) -> String {
    EXPECTING_PANIC.set(true);
    let result = panic::catch_unwind(panic::AssertUnwindSafe(f));
    EXPECTING_PANIC.set(false);
    match result {
        Ok(_) => panic!("{what} returned normally, but it must panic"),
        Err(payload) => payload_message(&*payload),
    }
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("(a panic with a non-string payload)")
    }
}

/// When the first failure was recorded, in milliseconds since the epoch
/// (0: none yet). Once a test has failed, nothing it does later can change
/// its verdict, so the watchdog ends a process that then hangs (a pool whose
/// workers wait on a gate the failed test never opened) instead of waiting
/// out its limits.
static FAILED_AT_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How long ago the first failure was recorded, if one was.
pub(crate) fn failed_for() -> Option<std::time::Duration> {
    // Relaxed: a timestamp read by the watchdog; it orders nothing.
    let at = FAILED_AT_MS.load(std::sync::atomic::Ordering::Relaxed);
    (at != 0).then(|| std::time::Duration::from_millis(now_ms().saturating_sub(at)))
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_millis() as u64)
        .max(1)
}

fn record_panic(info: &PanicHookInfo<'_>) {
    let Some(ch) = channel() else { return };
    let message = payload_message(info.payload());
    // Relaxed: see `failed_for`.
    let _ = FAILED_AT_MS.compare_exchange(
        0,
        now_ms(),
        std::sync::atomic::Ordering::Relaxed,
        std::sync::atomic::Ordering::Relaxed,
    );
    let location = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()));
    let thread = std::thread::current().name().map(str::to_owned);

    // The kata's own line: the panic's location if it is in the kata,
    // otherwise the innermost frame of the backtrace that is.
    let learner = ch.impl_dir.as_deref().and_then(|dir| {
        let in_kata = |path: &str| path.starts_with(dir);
        match info.location() {
            Some(l) if in_kata(l.file()) => Some(format!("{}:{}", l.file(), l.line())),
            _ => first_frame_in(&Backtrace::force_capture().to_string(), in_kata),
        }
    });

    // A deadlock found by loom says only that every thread is blocked; the
    // facade knows where each one is.
    let blocked = kata_hooks::blocked_threads()
        .into_iter()
        .map(|b| Blocked {
            thread: b.thread,
            op: b.op.to_owned(),
            at: format!("{}:{}", b.location.file(), b.location.line()),
        })
        .collect();

    // Under loom, the steps of the failing execution, for the timeline.
    let (steps, trace_steps) = kata_hooks::trace::steps();
    let trace = steps
        .into_iter()
        .map(|s| Step {
            at: if s.line == 0 {
                String::new()
            } else {
                format!("{}:{}", s.file, s.line)
            },
            thread: s.thread,
            what: s.what,
        })
        .collect();

    write(Record::Panic(Panic {
        message,
        location,
        learner,
        thread,
        blocked,
        trace,
        trace_steps,
    }));
}

/// Finds the first `at FILE:LINE:COL` line of a rendered backtrace whose file
/// passes `keep`, and returns `FILE:LINE`.
fn first_frame_in(backtrace: &str, keep: impl Fn(&str) -> bool) -> Option<String> {
    backtrace.lines().find_map(|line| {
        let at = line.trim_start().strip_prefix("at ")?;
        let mut parts = at.rsplitn(3, ':');
        let _col = parts.next()?;
        let line_no = parts.next()?;
        let file = parts.next()?;
        keep(file).then(|| format!("{file}:{line_no}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_first_frame_in_the_kata() {
        let bt = "   0: std::panicking::begin_panic\n             at /rustc/abc/library/std/src/panicking.rs:10:5\n   1: q::Q::dequeue\n             at /k/src/lib.rs:40:13\n   2: q::Q::other\n             at /k/src/lib.rs:50:1\n";
        assert_eq!(
            first_frame_in(bt, |f| f.starts_with("/k/")),
            Some("/k/src/lib.rs:40".to_owned())
        );
        assert_eq!(first_frame_in(bt, |f| f.starts_with("/nowhere/")), None);
    }

    #[test]
    fn expect_panic_returns_the_message() {
        let msg = expect_panic("the closure", || panic!("capacity 0"));
        assert_eq!(msg, "capacity 0");
    }
}
