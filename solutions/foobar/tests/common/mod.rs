//! What the FooBar suites share: the two sides as values, the output the
//! callbacks write, and how a wrong output is described.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::fmt;

use foobar::FooBar;
use kata_test::record::{Trace, Unsync};

/// One of `FooBar`'s two methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Foo,
    Bar,
}

pub use Side::{Bar, Foo};

impl Side {
    /// Calls this side's method on `kata` with `print` as its callback.
    pub fn call(self, kata: &FooBar, print: impl FnMut()) {
        match self {
            Foo => kata.foo(print),
            Bar => kata.bar(print),
        }
    }

    pub fn other(self) -> Side {
        match self {
            Foo => Bar,
            Bar => Foo,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name of the thread that calls this side, as reports show it.
    pub fn thread(self) -> String {
        format!("{self}-thread")
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Foo => "foo",
            Bar => "bar",
        })
    }
}

/// What n rounds must print: foo, bar, foo, bar, ...
pub fn expected(n: usize) -> Vec<Side> {
    [Foo, Bar].repeat(n)
}

/// Why `printed` is not the output of `n` rounds, or `None` if it is: the
/// first position where it goes wrong, with a little context.
pub fn mismatch(printed: &[Side], n: usize) -> Option<String> {
    let want = expected(n);
    if printed == want {
        return None;
    }
    let at = printed
        .iter()
        .zip(&want)
        .position(|(a, b)| a != b)
        .unwrap_or(printed.len().min(want.len()));
    let from = at.saturating_sub(4);
    let window = |s: &[Side]| {
        let shown: Vec<String> = s.iter().skip(from).take(8).map(Side::to_string).collect();
        let more = if s.len() > from + 8 { " ..." } else { "" };
        let less = if from > 0 { "... " } else { "" };
        format!("{less}{}{more}", shown.join(" "))
    };
    let counts = |s: &[Side]| {
        let foos = s.iter().filter(|x| **x == Foo).count();
        (foos, s.len() - foos)
    };
    let (foos, bars) = counts(printed);
    Some(if at < printed.len() && at < want.len() {
        format!(
            "with n = {n}, callback #{} (counting from 1) was print_{} where print_{} belongs: printed {}, expected {} ({foos} foo and {bars} bar in all)",
            at + 1,
            printed[at],
            want[at],
            window(printed),
            window(&want)
        )
    } else {
        format!(
            "with n = {n}, {} callbacks ran where {} should have: {foos} foo and {bars} bar, each should run exactly {n} times",
            printed.len(),
            want.len()
        )
    })
}

const WHAT: &str = "the output that print_foo and print_bar write";

/// What the callbacks print.
///
/// `printed` is [`Unsync`]: nothing but the kata orders the callbacks'
/// writes to it, so under loom an ordering that is not a happens-before edge
/// is a data race, and on real threads two callbacks that overlap are caught.
/// `began` and `seen` are [`Trace`]s of when callbacks began and what they
/// printed, which any thread may read at any time, even while a callback
/// runs, without that being a race.
pub struct Output {
    printed: Unsync<Vec<Side>>,
    began: Trace<Side>,
    seen: Trace<Side>,
}

impl Output {
    pub fn new() -> Self {
        Self::named(WHAT)
    }

    /// Like [`new`](Output::new), with `context` (such as a stress round's
    /// seed) added to the name a race report gives the output.
    pub fn with_context(context: impl fmt::Display) -> Self {
        // Leaked: a race report needs a 'static name, and a suite builds
        // only a few hundred of these.
        Self::named(Box::leak(format!("{WHAT} ({context})").into_boxed_str()))
    }

    fn named(what: &'static str) -> Self {
        Self {
            printed: Unsync::new(what, Vec::new()),
            began: Trace::new(),
            seen: Trace::new(),
        }
    }

    /// The callback for `side`.
    pub fn print(&self, side: Side) {
        self.print_slowly(side, || {});
    }

    /// The callback for `side`, taking its time: `stall` runs while the
    /// output is being written, so a callback that overlaps another one finds
    /// the output in use.
    pub fn print_slowly(&self, side: Side, stall: impl FnOnce()) {
        self.began.push(side);
        self.printed.with_mut(|out| {
            stall();
            out.push(side);
        });
        self.seen.push(side);
    }

    /// The callback for `side`, which first runs `watch` and only then
    /// prints. `watch` may look at [`began`](Output::began) to see whether the
    /// other side's callback started meanwhile.
    pub fn print_after(&self, side: Side, watch: impl FnOnce()) {
        self.began.push(side);
        watch();
        self.printed.with_mut(|out| out.push(side));
        self.seen.push(side);
    }

    /// How many of `side`'s callbacks have begun.
    pub fn began(&self, side: Side) -> usize {
        self.began.snapshot().iter().filter(|s| **s == side).count()
    }

    /// What has been printed so far, as far as another thread can tell while
    /// the kata's threads run.
    pub fn seen(&self) -> Vec<Side> {
        self.seen.snapshot()
    }

    /// What was printed, read once both printing threads have been joined
    /// (joining is what orders this read after their writes).
    pub fn printed(&self) -> Vec<Side> {
        self.printed.with_mut(|out| out.clone())
    }
}

/// Whether the thread named `thread` is blocked in a `kata_sync` primitive now.
pub fn is_blocked(thread: &str) -> bool {
    kata_test::blocked_threads()
        .iter()
        .any(|(t, _, _)| t == thread)
}

/// Waits until `done()` holds, or until the thread named `thread` has been
/// seen blocked in `polls` polls in a row (they are about 1 ms apart), or
/// until `grace` has passed. Several polls, because an injected spurious
/// wakeup, or a thread that was just woken but has not run yet, also shows as
/// blocked, for a moment.
#[cfg(not(loom))]
pub fn settle(
    thread: &str,
    polls: u32,
    grace: std::time::Duration,
    mut done: impl FnMut() -> bool,
) {
    let mut blocked_polls = 0;
    kata_test::wait::until(grace, || {
        if done() {
            return true;
        }
        blocked_polls = if is_blocked(thread) {
            blocked_polls + 1
        } else {
            0
        };
        blocked_polls >= polls
    });
}

/// Joins the threads in the order they finish, so that a thread that
/// panicked (a race report, say) is joined, and its panic reported, before a
/// thread stuck waiting for it.
#[cfg(not(loom))]
pub fn join_as_they_finish(mut threads: Vec<kata_sync::thread::JoinHandle<()>>) {
    while !threads.is_empty() {
        kata_test::wait::until(std::time::Duration::MAX, || {
            threads.iter().any(|t| t.is_finished())
        });
        let i = threads
            .iter()
            .position(|t| t.is_finished())
            .expect("a thread finished");
        kata_test::join(threads.swap_remove(i));
    }
}
