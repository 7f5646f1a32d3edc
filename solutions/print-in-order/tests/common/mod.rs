//! What the print-in-order suites share: the three methods as values, and the
//! output the callbacks write.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::fmt;

use kata_test::record::{Trace, Unsync};
use print_in_order::Foo;

/// One of `Foo`'s three methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    First,
    Second,
    Third,
}

pub use Method::{First, Second, Third};

/// The order the callbacks must run in.
pub const IN_ORDER: [Method; 3] = [First, Second, Third];

impl Method {
    /// Calls this method on `kata` with `print` as its callback.
    pub fn call(self, kata: &Foo, print: impl FnOnce()) {
        match self {
            First => kata.first(print),
            Second => kata.second(print),
            Third => kata.third(print),
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name of the thread that calls this method, as reports show it.
    pub fn thread(self) -> String {
        format!("{self}-thread")
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            First => "first",
            Second => "second",
            Third => "third",
        })
    }
}

/// Methods as a readable list: "third, first, second".
pub fn list(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

const WHAT: &str = "the output that print_first, print_second and print_third write";

/// What the callbacks print.
///
/// `printed` is [`Unsync`]: nothing but the kata orders the callbacks'
/// writes to it, so under loom an ordering that is not a happens-before edge
/// is a data race, and on real threads two callbacks that overlap are caught.
/// `seen` is a [`Trace`] of the same writes that the main thread may read at
/// any time, even while a callback runs, without that being a race.
pub struct Output {
    printed: Unsync<Vec<Method>>,
    seen: Trace<Method>,
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
            seen: Trace::new(),
        }
    }

    /// The callback for `m`.
    pub fn print(&self, m: Method) {
        self.print_slowly(m, || {});
    }

    /// The callback for `m`, taking its time: `stall` runs while the output
    /// is being written, so a callback that overlaps another one finds the
    /// output in use.
    pub fn print_slowly(&self, m: Method, stall: impl FnOnce()) {
        self.printed.with_mut(|out| {
            stall();
            out.push(m);
        });
        self.seen.push(m);
    }

    /// What has been printed so far, as far as the main thread can tell while
    /// the kata's threads run.
    pub fn seen(&self) -> Vec<Method> {
        self.seen.snapshot()
    }

    /// What was printed, read once every thread that prints has been joined
    /// (joining is what orders this read after their writes).
    pub fn printed(&self) -> Vec<Method> {
        self.printed.with_mut(|out| out.clone())
    }
}
