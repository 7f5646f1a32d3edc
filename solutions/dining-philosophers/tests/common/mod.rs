//! What the dining-philosophers suites share: the table the callbacks
//! record on, the checks each callback makes as it runs, and the picture of
//! who holds which fork that a deadlock report shows.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::cell::Cell;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};

use dining_philosophers::DiningPhilosophers;
use kata_test::record::{Trace, Unsync};

/// Philosophers, and forks.
pub const SEATS: usize = 5;

/// Philosopher `p`'s left fork.
pub fn left_fork(p: usize) -> usize {
    p
}

/// Philosopher `p`'s right fork.
pub fn right_fork(p: usize) -> usize {
    (p + 1) % SEATS
}

/// One of a philosopher's two forks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

pub use Side::{Left, Right};

impl Side {
    /// The number of this fork of philosopher `p`.
    pub fn fork(self, p: usize) -> usize {
        match self {
            Left => left_fork(p),
            Right => right_fork(p),
        }
    }

    pub fn other(self) -> Side {
        match self {
            Left => Right,
            Right => Left,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Left => "left",
            Right => "right",
        })
    }
}

/// What a call did, as the callbacks saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `wants_to_eat` was called.
    Called,
    Pick(Side),
    Eat,
    Put(Side),
    /// `wants_to_eat` returned.
    Returned,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Called => f.write_str("called"),
            Step::Pick(side) => write!(f, "pick_{side}_fork"),
            Step::Eat => f.write_str("eat"),
            Step::Put(side) => write!(f, "put_{side}_fork"),
            Step::Returned => f.write_str("returned"),
        }
    }
}

/// One step of one call, in the order the steps happened.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    pub call: Diner,
    pub step: Step,
}

/// One call of `wants_to_eat`: which philosopher, and which of the suite's
/// calls (calls are numbered from 0 in the order they were made).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Diner {
    pub philosopher: usize,
    pub call: usize,
}

impl fmt::Display for Diner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "philosopher {} (call #{})", self.philosopher, self.call)
    }
}

const FORK_NAMES: [&str; SEATS] = [
    "fork 0 (who holds it)",
    "fork 1 (who holds it)",
    "fork 2 (who holds it)",
    "fork 3 (who holds it)",
    "fork 4 (who holds it)",
];

/// What the callbacks record.
///
/// `holders` is the state the kata must order: one [`Unsync`] cell per fork
/// saying which call holds it, written by that fork's pick and put
/// callbacks and read by `eat`. Under loom it is an `UnsafeCell`, so unless
/// a fork's lock (or whatever the kata uses) orders one call's use of it
/// before the next call's, the accesses race. On real threads each callback
/// also checks the cell's value: a pick finds the fork free, `eat` finds
/// both forks held by its own call, a put finds the fork held by its call.
///
/// `events` is a [`Trace`] of every step, which any thread may read at any
/// time (its lock is std's, which loom does not see): it is what a deadlock
/// report describes, and what a test watches while the kata runs.
pub struct Table {
    holders: [Unsync<Option<Diner>>; SEATS],
    events: Trace<Event>,
    calls: AtomicUsize,
    /// Added to every failure message: a stress run's seed, say.
    context: String,
    /// Whether the callbacks check (and record in `holders`) who holds each
    /// fork. See [`Table::for_liveness`].
    check_forks: bool,
}

impl Table {
    pub fn new() -> Self {
        Self::with_context("")
    }

    /// A table whose failure messages end with `context`.
    pub fn with_context(context: impl fmt::Display) -> Self {
        let context = context.to_string();
        Self {
            holders: std::array::from_fn(|f| Unsync::new(FORK_NAMES[f], None)),
            events: Trace::new(),
            calls: AtomicUsize::new(0),
            context: if context.is_empty() {
                context
            } else {
                format!(" ({context})")
            },
            check_forks: true,
        }
    }

    /// A table for a test that guards liveness only: the callbacks record
    /// every step (for the deadlock report) and check their order, but leave
    /// checking who holds each fork to the tests that guard that, so that a
    /// failure is reported under the property it breaks.
    pub fn for_liveness() -> Self {
        Self {
            check_forks: false,
            ..Self::new()
        }
    }

    /// Philosopher `p` eats once, through `kata`, with callbacks that check
    /// and record every step.
    pub fn dine(&self, kata: &DiningPhilosophers, p: usize) {
        self.dine_with(kata, p, |_, _| {});
    }

    /// Like [`dine`](Table::dine); `hook` runs inside each callback, after
    /// its checks, with the call and the step: to take its time, or to hold
    /// the call there while the test watches the others.
    pub fn dine_with(&self, kata: &DiningPhilosophers, p: usize, hook: impl Fn(Diner, Step)) {
        self.dine_numbered(kata, p, self.next_call(), hook);
    }

    /// A number for the next call, for [`dine_numbered`](Table::dine_numbered):
    /// taken on the thread that starts the call, so that the test knows it.
    pub fn next_call(&self) -> usize {
        // Relaxed: numbers calls for reports; orders nothing.
        self.calls.fetch_add(1, Ordering::Relaxed)
    }

    /// Like [`dine_with`](Table::dine_with), as call number `call`.
    pub fn dine_numbered(
        &self,
        kata: &DiningPhilosophers,
        p: usize,
        call: usize,
        hook: impl Fn(Diner, Step),
    ) {
        let me = Diner {
            philosopher: p,
            call,
        };
        let done = Cell::new(Progress::default());
        self.record(me, Step::Called);
        let step = |s: Step| {
            self.check_step(me, &done, s);
            hook(me, s);
        };
        kata.wants_to_eat(
            p,
            || step(Step::Pick(Left)),
            || step(Step::Pick(Right)),
            || step(Step::Eat),
            || step(Step::Put(Left)),
            || step(Step::Put(Right)),
        );
        self.record(me, Step::Returned);
        let missing = done.get().missing();
        assert!(
            missing.is_empty(),
            "wants_to_eat({p}) returned without calling {}: every call must go pick, pick, eat, put, put{}",
            missing.join(", "),
            self.context
        );
    }

    fn record(&self, me: Diner, step: Step) {
        self.events.push(Event { call: me, step });
    }

    /// Checks that `step` may come next for call `me`, and does what it
    /// does to the forks.
    fn check_step(&self, me: Diner, done: &Cell<Progress>, step: Step) {
        let p = me.philosopher;
        let mut now = done.get();
        self.record(me, step);
        match step {
            Step::Pick(side) => {
                let fork = side.fork(p);
                assert!(
                    !now.picked[side.index()],
                    "{me} called pick_{side}_fork twice{}",
                    self.context
                );
                assert!(
                    !now.eaten,
                    "{me} picked up its {side} fork (fork {fork}) after eating: every call goes pick, pick, eat, put, put{}",
                    self.context
                );
                if self.check_forks {
                    self.holders[fork].with_mut(|holder| {
                        if let Some(other) = *holder {
                            panic!(
                                "{me} picked up fork {fork} (its {side} fork) while {other} still held it: no fork may be held by two at once{}",
                                self.context
                            );
                        }
                        *holder = Some(me);
                    });
                }
                now.picked[side.index()] = true;
            }
            Step::Eat => {
                assert!(!now.eaten, "{me} called eat twice{}", self.context);
                for side in [Left, Right] {
                    let fork = side.fork(p);
                    assert!(
                        now.picked[side.index()],
                        "{me} ate without picking up its {side} fork (fork {fork}): eat may run only while both forks are held{}",
                        self.context
                    );
                    if !self.check_forks {
                        continue;
                    }
                    let holder = self.holders[fork].with_mut(|holder| *holder);
                    assert!(
                        holder == Some(me),
                        "{me} ate while its {side} fork (fork {fork}) was {}: eat may run only while both forks are held{}",
                        match holder {
                            Some(other) => format!("held by {other}"),
                            None => "on the table".to_owned(),
                        },
                        self.context
                    );
                }
                now.eaten = true;
            }
            Step::Put(side) => {
                let fork = side.fork(p);
                assert!(
                    now.eaten,
                    "{me} put its {side} fork (fork {fork}) down before eating: every call goes pick, pick, eat, put, put{}",
                    self.context
                );
                assert!(
                    !now.put[side.index()],
                    "{me} called put_{side}_fork twice{}",
                    self.context
                );
                if self.check_forks {
                    self.holders[fork].with_mut(|holder| {
                        if *holder != Some(me) {
                            panic!(
                                "{me} put down fork {fork} (its {side} fork) while {}{}",
                                match *holder {
                                    Some(other) => format!("{other} held it"),
                                    None => "it was on the table".to_owned(),
                                },
                                self.context
                            );
                        }
                        *holder = None;
                    });
                }
                now.put[side.index()] = true;
            }
            Step::Called | Step::Returned => {}
        }
        done.set(now);
    }

    /// Every step so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.snapshot()
    }

    /// How many calls have returned so far.
    pub fn returned(&self) -> usize {
        self.events()
            .iter()
            .filter(|e| e.step == Step::Returned)
            .count()
    }

    /// Whether call `call` has picked up fork `fork` or returned.
    pub fn has_picked_or_returned(&self, call: usize, fork: Option<usize>) -> bool {
        self.events().iter().any(|e| {
            e.call.call == call
                && match e.step {
                    Step::Pick(side) => fork.is_none_or(|f| side.fork(e.call.philosopher) == f),
                    Step::Returned => true,
                    _ => false,
                }
        })
    }

    /// Who holds which fork, and who waits for which, as the callbacks tell
    /// it; and the cycle of waiting, if there is one. For deadlock reports:
    /// reads only the trace, never the kata's state.
    pub fn describe(&self) -> String {
        describe(&self.events())
    }
}

impl Default for Table {
    fn default() -> Self {
        Self::new()
    }
}

/// Which steps one call has made.
#[derive(Clone, Copy, Debug, Default)]
struct Progress {
    picked: [bool; 2],
    eaten: bool,
    put: [bool; 2],
}

impl Progress {
    /// The callbacks not yet called, by name.
    fn missing(self) -> Vec<String> {
        let mut missing = Vec::new();
        for side in [Left, Right] {
            if !self.picked[side.index()] {
                missing.push(format!("pick_{side}_fork"));
            }
        }
        if !self.eaten {
            missing.push("eat".to_owned());
        }
        for side in [Left, Right] {
            if !self.put[side.index()] {
                missing.push(format!("put_{side}_fork"));
            }
        }
        missing
    }
}

/// See [`Table::describe`].
pub fn describe(events: &[Event]) -> String {
    let mut holders: [Option<Diner>; SEATS] = [None; SEATS];
    // The calls that have not returned, in the order they were made.
    let mut active: Vec<(Diner, Progress)> = Vec::new();
    for e in events {
        let me = e.call;
        match e.step {
            Step::Called => active.push((me, Progress::default())),
            Step::Returned => active.retain(|(d, _)| *d != me),
            step => {
                let Some((_, progress)) = active.iter_mut().find(|(d, _)| *d == me) else {
                    continue;
                };
                match step {
                    Step::Pick(side) => {
                        holders[side.fork(me.philosopher)] = Some(me);
                        progress.picked[side.index()] = true;
                    }
                    Step::Eat => progress.eaten = true,
                    Step::Put(side) => {
                        let fork = side.fork(me.philosopher);
                        if holders[fork] == Some(me) {
                            holders[fork] = None;
                        }
                        progress.put[side.index()] = true;
                    }
                    Step::Called | Step::Returned => {}
                }
            }
        }
    }
    if active.is_empty() {
        return String::new();
    }
    let held_by = |fork: usize| match holders[fork] {
        Some(d) => format!("held by {d}"),
        None => "which is on the table".to_owned(),
    };
    let mut out =
        String::from("who holds which fork, and who waits for which (from the callbacks):\n");
    // Who waits for whom: a call holding exactly one fork waits for its other.
    let mut waits_for: Vec<(Diner, usize, Option<Diner>)> = Vec::new();
    active.sort_by_key(|(d, _)| (d.philosopher, d.call));
    for (me, progress) in &active {
        let p = me.philosopher;
        let line = match (progress.picked, progress.eaten) {
            ([false, false], _) => format!(
                "{me} holds no fork yet and waits for its first: fork {} (left, {}) or fork {} (right, {})",
                left_fork(p),
                held_by(left_fork(p)),
                right_fork(p),
                held_by(right_fork(p))
            ),
            ([true, false] | [false, true], false) => {
                let held = if progress.picked[0] { Left } else { Right };
                let wanted = held.other().fork(p);
                waits_for.push((*me, wanted, holders[wanted]));
                format!(
                    "{me} holds fork {} (its {held}) and waits for fork {wanted} (its {}), {}",
                    held.fork(p),
                    held.other(),
                    held_by(wanted)
                )
            }
            ([true, true], false) => format!(
                "{me} holds both its forks ({} and {}) and has not eaten yet",
                left_fork(p),
                right_fork(p)
            ),
            (_, true) => format!("{me} has eaten and is putting its forks down"),
        };
        let _ = writeln!(out, "  {line}");
    }
    if let Some(cycle) = find_cycle(&waits_for) {
        let (first, fork) = cycle[0];
        let mut chain = format!("philosopher {} waits for fork {fork}", first.philosopher);
        for (d, fork) in &cycle[1..] {
            let _ = write!(
                chain,
                ", held by philosopher {}, who waits for fork {fork}",
                d.philosopher
            );
        }
        let _ = writeln!(
            out,
            "a cycle: {chain}, held by philosopher {} again. Each holds a fork the next one waits for, so none of them can ever eat",
            first.philosopher
        );
    }
    out
}

/// A cycle in "waits for a fork held by": the calls in it, each with the
/// fork it waits for.
fn find_cycle(waits_for: &[(Diner, usize, Option<Diner>)]) -> Option<Vec<(Diner, usize)>> {
    let next = |d: Diner| waits_for.iter().find(|(w, _, _)| *w == d);
    for &(start, _, _) in waits_for {
        let mut chain: Vec<(Diner, usize)> = Vec::new();
        let mut at = start;
        while let Some(&(me, fork, Some(holder))) = next(at) {
            if chain.iter().any(|(d, _)| *d == me) {
                break;
            }
            chain.push((me, fork));
            if holder == start {
                return Some(chain);
            }
            at = holder;
        }
    }
    None
}
