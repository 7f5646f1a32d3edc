//! What the fizz-buzz suites share: the four methods as values, the output
//! the callbacks write, and how a wrong output is described.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::fmt;

use fizz_buzz::FizzBuzz;
use kata_test::record::{Trace, Unsync};

/// One of `FizzBuzz`'s four methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Fizz,
    Buzz,
    FizzBuzz,
    Number,
}

pub use Method::{Buzz, Fizz, Number};
/// `Method::FizzBuzz`, named apart from the kata's type.
pub const FIZZBUZZ: Method = Method::FizzBuzz;

/// The four methods, for iterating over.
pub const METHODS: [Method; 4] = [Fizz, Buzz, FIZZBUZZ, Number];

/// What one callback said: which method's callback ran (and, for
/// `print_number`, with what number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Said {
    Fizz,
    Buzz,
    FizzBuzz,
    Number(usize),
}

impl Method {
    /// Calls this method on `kata`; its callback calls `print` with what it
    /// says.
    pub fn call(self, kata: &FizzBuzz, mut print: impl FnMut(Said)) {
        match self {
            Fizz => kata.fizz(|| print(Said::Fizz)),
            Buzz => kata.buzz(|| print(Said::Buzz)),
            Method::FizzBuzz => kata.fizzbuzz(|| print(Said::FizzBuzz)),
            Number => kata.number(|i| print(Said::Number(i))),
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name of the thread that calls this method, as reports show it.
    pub fn thread(self) -> String {
        format!("{self}-thread")
    }

    /// Which method says `i`.
    pub fn owner(i: usize) -> Method {
        match (i.is_multiple_of(3), i.is_multiple_of(5)) {
            (true, true) => Method::FizzBuzz,
            (true, false) => Fizz,
            (false, true) => Buzz,
            (false, false) => Number,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fizz => "fizz",
            Buzz => "buzz",
            Method::FizzBuzz => "fizzbuzz",
            Number => "number",
        })
    }
}

impl Said {
    /// The method whose callback says this.
    pub fn by(self) -> Method {
        match self {
            Said::Fizz => Fizz,
            Said::Buzz => Buzz,
            Said::FizzBuzz => Method::FizzBuzz,
            Said::Number(_) => Number,
        }
    }

    /// What is said for `i`.
    pub fn of(i: usize) -> Said {
        match Method::owner(i) {
            Fizz => Said::Fizz,
            Buzz => Said::Buzz,
            Method::FizzBuzz => Said::FizzBuzz,
            Number => Said::Number(i),
        }
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Said::Number(i) => write!(f, "{i}"),
            other => write!(f, "{}", other.by()),
        }
    }
}

/// Methods as a readable list: "buzz, number, fizz, fizzbuzz".
pub fn list(methods: &[Method]) -> String {
    methods
        .iter()
        .map(Method::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What 1..=n is, said fizz-buzz style.
pub fn expected(n: usize) -> Vec<Said> {
    (1..=n).map(Said::of).collect()
}

/// Why `printed` is not 1..=n said fizz-buzz style, or `None` if it is: the
/// first place it goes wrong, with a little context.
pub fn mismatch(printed: &[Said], n: usize) -> Option<String> {
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
        format!(
            "with n = {n}, callback #{} (counting from 1) said {} (through {}'s callback) where {} belongs: printed {}, expected {}",
            at + 1,
            printed[at],
            printed[at].by(),
            want[at],
            window(printed, at),
            window(&want, at)
        )
    } else {
        let count = |m: Method| printed.iter().filter(|s| s.by() == m).count();
        let want_count = |m: Method| want.iter().filter(|s| s.by() == m).count();
        format!(
            "with n = {n}, {} callbacks ran where {} should have ({}; expected {}): printed {}",
            printed.len(),
            want.len(),
            METHODS.map(|m| format!("{} by {m}", count(m))).join(", "),
            METHODS
                .map(|m| format!("{} by {m}", want_count(m)))
                .join(", "),
            window(printed, at)
        )
    })
}

/// What was said around position `at`: "... 7 8 fizz buzz 11 ...".
pub fn window(said: &[Said], at: usize) -> String {
    let from = at.saturating_sub(5);
    let shown: Vec<String> = said
        .iter()
        .skip(from)
        .take(10)
        .map(Said::to_string)
        .collect();
    let less = if from > 0 { "... " } else { "" };
    let more = if said.len() > from + 10 { " ..." } else { "" };
    if shown.is_empty() {
        format!("{less}nothing")
    } else {
        format!("{less}{}{more}", shown.join(" "))
    }
}

const WHAT: &str = "the output that print_fizz, print_buzz, print_fizzbuzz and print_number write";

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
    printed: Unsync<Vec<Said>>,
    began: Trace<Method>,
    seen: Trace<Said>,
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

    /// The callback, saying `said`.
    pub fn print(&self, said: Said) {
        self.record(said, || {}, || {});
    }

    /// The callback, taking its time: `stall` runs while the output is being
    /// written, so a callback that overlaps another one finds it in use.
    pub fn print_slowly(&self, said: Said, stall: impl FnOnce()) {
        self.record(said, || {}, stall);
    }

    /// The callback, which first runs `watch` and only then prints. `watch`
    /// may look at [`began`](Output::began) to see whether another callback
    /// started meanwhile.
    pub fn print_after(&self, said: Said, watch: impl FnOnce()) {
        self.record(said, watch, || {});
    }

    fn record(&self, said: Said, watch: impl FnOnce(), stall: impl FnOnce()) {
        self.note_thread(said);
        self.began.push(said.by());
        watch();
        self.printed.with_mut(|out| {
            stall();
            out.push(said);
        });
        self.seen.push(said);
    }

    /// Records the callback if it runs on a thread other than its method's.
    /// Real threads only: loom's threads are not std's, and the model stage
    /// does not look at names.
    fn note_thread(&self, said: Said) {
        #[cfg(not(loom))]
        {
            let current = std::thread::current();
            let name = current.name().unwrap_or("an unnamed thread");
            if name != said.by().thread() {
                self.strays.push(format!(
                    "{}'s callback (saying {said}) ran on {name}, not on {}",
                    said.by(),
                    said.by().thread()
                ));
            }
        }
        #[cfg(loom)]
        let _ = said;
    }

    /// How many callbacks of `by` have begun.
    pub fn began(&self, by: Method) -> usize {
        self.began.snapshot().iter().filter(|m| **m == by).count()
    }

    /// What has been printed so far, as far as another thread can tell while
    /// the kata's threads run.
    pub fn seen(&self) -> Vec<Said> {
        self.seen.snapshot()
    }

    /// Every callback that ran on another method's thread.
    pub fn strays(&self) -> Vec<String> {
        self.strays.snapshot()
    }

    /// What was printed, read once every printing thread has been joined
    /// (joining is what orders this read after their writes).
    pub fn printed(&self) -> Vec<Said> {
        self.printed.with_mut(|out| out.clone())
    }
}
