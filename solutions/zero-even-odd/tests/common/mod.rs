//! What the zero-even-odd suites share: the three methods as values, the
//! output the callbacks write, and how a wrong output is described.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::fmt;

use kata_test::record::{Trace, Unsync};
use zero_even_odd::ZeroEvenOdd;

/// One of `ZeroEvenOdd`'s three methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Zero,
    Even,
    Odd,
}

pub use Method::{Even, Odd, Zero};

/// The three methods, for iterating over.
pub const METHODS: [Method; 3] = [Zero, Even, Odd];

impl Method {
    /// Calls this method on `kata` with `print` as its callback.
    pub fn call(self, kata: &ZeroEvenOdd, print: impl FnMut(usize)) {
        match self {
            Zero => kata.zero(print),
            Even => kata.even(print),
            Odd => kata.odd(print),
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name of the thread that calls this method, as reports show it.
    pub fn thread(self) -> String {
        format!("{self}-thread")
    }

    /// The other of even and odd.
    pub fn other_number(self) -> Method {
        match self {
            Even => Odd,
            Odd => Even,
            Zero => panic!("zero has no other"),
        }
    }

    /// How many callbacks this method runs for `n`.
    pub fn calls(self, n: usize) -> usize {
        match self {
            Zero => n,
            Even => n / 2,
            Odd => n.div_ceil(2),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Zero => "zero",
            Even => "even",
            Odd => "odd",
        })
    }
}

/// Methods as a readable list: "odd, zero, even".
pub fn list(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One callback's print: which method's callback ran, with what number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Print {
    pub by: Method,
    pub number: usize,
}

/// What `0 1 0 2 ... 0 n` is, callback by callback.
pub fn expected(n: usize) -> Vec<Print> {
    (1..=n)
        .flat_map(|i| {
            let by = if i.is_multiple_of(2) { Even } else { Odd };
            [
                Print {
                    by: Zero,
                    number: 0,
                },
                Print { by, number: i },
            ]
        })
        .collect()
}

/// Why `printed` is not `0 1 0 2 ... 0 n`, or `None` if it is: the first
/// callback that goes wrong, with a little context.
pub fn mismatch(printed: &[Print], n: usize) -> Option<String> {
    let want = expected(n);
    if printed == want {
        return None;
    }
    let at = printed
        .iter()
        .zip(&want)
        .position(|(a, b)| a != b)
        .unwrap_or(printed.len().min(want.len()));
    Some(if at < printed.len() && at < want.len() {
        let (got, due) = (printed[at], want[at]);
        let what = if got.number == due.number {
            format!(
                "printed {} through {}'s print_number where {} should have",
                got.number, got.by, due.by
            )
        } else {
            format!(
                "was {}'s print_number({}) where {}'s print_number({}) belongs",
                got.by, got.number, due.by, due.number
            )
        };
        format!(
            "with n = {n}, callback #{} (counting from 1) {what}: printed {}, expected {}",
            at + 1,
            window(printed, at),
            window(&want, at)
        )
    } else {
        let count = |m: Method| printed.iter().filter(|p| p.by == m).count();
        format!(
            "with n = {n}, {} callbacks ran where {} should have ({} by zero, {} by even, {} by odd; expected {}, {} and {}): printed {}",
            printed.len(),
            want.len(),
            count(Zero),
            count(Even),
            count(Odd),
            Zero.calls(n),
            Even.calls(n),
            Odd.calls(n),
            window(printed, at)
        )
    })
}

/// The numbers printed around position `at`: "... 0 3 0 5 0 4 ...".
pub fn window(prints: &[Print], at: usize) -> String {
    let from = at.saturating_sub(5);
    let shown: Vec<String> = prints
        .iter()
        .skip(from)
        .take(10)
        .map(|p| p.number.to_string())
        .collect();
    let less = if from > 0 { "... " } else { "" };
    let more = if prints.len() > from + 10 { " ..." } else { "" };
    if shown.is_empty() {
        format!("{less}nothing")
    } else {
        format!("{less}{}{more}", shown.join(" "))
    }
}

const WHAT: &str = "the output that the three print_number callbacks write";

/// What the callbacks print.
///
/// `printed` is [`Unsync`]: nothing but the kata orders the callbacks'
/// writes to it, so under loom an ordering that is not a happens-before edge
/// is a data race, and on real threads two callbacks that overlap are caught.
/// `began` and `seen` are [`Trace`]s of when callbacks began and what they
/// printed, which any thread may read at any time without that being a race.
/// `strays` records every callback that ran on a thread other than its
/// method's.
pub struct Output {
    printed: Unsync<Vec<Print>>,
    began: Trace<Method>,
    seen: Trace<Print>,
    strays: Trace<String>,
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
            strays: Trace::new(),
        }
    }

    /// The callback of method `by`, called with `number`.
    pub fn print(&self, by: Method, number: usize) {
        self.print_slowly(by, number, || {});
    }

    /// The callback, taking its time: `stall` runs while the output is being
    /// written, so a callback that overlaps another one finds it in use.
    pub fn print_slowly(&self, by: Method, number: usize, stall: impl FnOnce()) {
        self.record(by, number, || {}, stall);
    }

    /// The callback, which first runs `watch` and only then prints. `watch`
    /// may look at [`began`](Output::began) to see whether another callback
    /// started meanwhile.
    pub fn print_after(&self, by: Method, number: usize, watch: impl FnOnce()) {
        self.record(by, number, watch, || {});
    }

    fn record(&self, by: Method, number: usize, watch: impl FnOnce(), stall: impl FnOnce()) {
        self.note_thread(by, number);
        self.began.push(by);
        watch();
        self.printed.with_mut(|out| {
            stall();
            out.push(Print { by, number });
        });
        self.seen.push(Print { by, number });
    }

    /// Records the callback if it runs on a thread other than its method's.
    /// Real threads only: loom's threads are not std's, and the model stage
    /// does not look at names.
    fn note_thread(&self, by: Method, number: usize) {
        #[cfg(not(loom))]
        {
            let current = std::thread::current();
            let name = current.name().unwrap_or("an unnamed thread");
            if name != by.thread() {
                self.strays.push(format!(
                    "{by}'s print_number({number}) ran on {name}, not on {}",
                    by.thread()
                ));
            }
        }
        #[cfg(loom)]
        let _ = (by, number);
    }

    /// How many callbacks of `by` have begun.
    pub fn began(&self, by: Method) -> usize {
        self.began.snapshot().iter().filter(|m| **m == by).count()
    }

    /// How many callbacks have begun, of any method.
    pub fn began_in_all(&self) -> usize {
        self.began.snapshot().len()
    }

    /// What has been printed so far, as far as another thread can tell while
    /// the kata's threads run.
    pub fn seen(&self) -> Vec<Print> {
        self.seen.snapshot()
    }

    /// Every callback that ran on another method's thread.
    pub fn strays(&self) -> Vec<String> {
        self.strays.snapshot()
    }

    /// What was printed, read once every printing thread has been joined
    /// (joining is what orders this read after their writes).
    pub fn printed(&self) -> Vec<Print> {
        self.printed.with_mut(|out| out.clone())
    }
}
