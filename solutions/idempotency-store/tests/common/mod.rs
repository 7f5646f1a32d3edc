//! What the idempotency-store stages share: a ledger of every run of every
//! key's work, which also tells a stall report which key's work each
//! waiting caller is stuck behind.
//!
//! The ledger is std-only bookkeeping (a `std::sync::Mutex`, held for a few
//! lines and never across a call into the store): under loom it adds no
//! happens-before edge that could hide a missing one in the store.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};

use idempotency_store::IdempotencyStore;

/// How one run of a key's `f` went.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    /// Inside `f` now.
    Running,
    Returned(u64),
    Panicked,
}

#[derive(Default)]
struct Book {
    /// Per key, every run of its work: (caller, how it went), in order.
    runs: BTreeMap<u64, Vec<(String, Run)>>,
    /// Callers inside `execute`, and the key each called it with.
    inside: BTreeMap<String, u64>,
}

/// Every run of every key's work, and who is inside `execute` on what.
#[derive(Clone, Default)]
pub struct Ledger {
    book: Arc<Mutex<Book>>,
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    fn book(&self) -> MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `store.execute(key, f)` on behalf of `caller`, where `f` runs `work`
    /// and is recorded in the ledger (entered, returned or panicked).
    pub fn execute(
        &self,
        store: &IdempotencyStore<u64, u64>,
        caller: &str,
        key: u64,
        work: impl FnOnce() -> u64,
    ) -> u64 {
        self.book().inside.insert(caller.to_owned(), key);
        let _left = Left(self, caller.to_owned());
        store.execute(key, || {
            let run = {
                let mut book = self.book();
                let runs = book.runs.entry(key).or_default();
                runs.push((caller.to_owned(), Run::Running));
                runs.len() - 1
            };
            let mut ended = Ended {
                ledger: self,
                key,
                run,
                value: None,
            };
            let value = work();
            ended.value = Some(value);
            value
        })
    }

    /// Every run of `key`'s work so far.
    pub fn runs(&self, key: u64) -> Vec<(String, Run)> {
        self.book().runs.get(&key).cloned().unwrap_or_default()
    }

    /// How many times `key`'s `f` was entered.
    pub fn run_count(&self, key: u64) -> usize {
        self.book().runs.get(&key).map_or(0, Vec::len)
    }

    /// For a stall report: each caller still inside `execute`, and what its
    /// key's work is doing.
    pub fn describe(&self) -> String {
        let book = self.book();
        let mut out = String::new();
        if book.inside.is_empty() {
            return out;
        }
        out.push_str("callers inside execute, and the work of the key each is stuck behind:\n");
        for (caller, key) in &book.inside {
            let runs = book.runs.get(key).map(Vec::as_slice).unwrap_or_default();
            let running = runs.iter().find(|(_, r)| *r == Run::Running);
            let _ = write!(out, "  {caller}: execute({key}, f): ");
            let _ = match (running, runs.last()) {
                (Some((who, _)), _) if who == caller => {
                    writeln!(out, "runs key {key}'s f itself (entered, not returned)")
                }
                (Some((who, _)), _) => writeln!(
                    out,
                    "waits for key {key}'s work, running on {who} (entered f, not returned)"
                ),
                (None, Some((who, Run::Returned(v)))) => writeln!(
                    out,
                    "key {key}'s work already returned {v} (on {who}), but this caller was not given it"
                ),
                (None, Some((who, Run::Panicked))) => writeln!(
                    out,
                    "key {key}'s work panicked on {who}, and no caller has run it since: the key was left claimed"
                ),
                _ => {
                    let busy: Vec<String> = book
                        .runs
                        .iter()
                        .filter_map(|(k, runs)| {
                            let (who, _) = runs.iter().find(|(_, r)| *r == Run::Running)?;
                            Some(format!("key {k}'s, on {who}"))
                        })
                        .collect();
                    writeln!(
                        out,
                        "no run of key {key}'s work has started: it waits behind other work ({}) or a lock",
                        if busy.is_empty() {
                            "none is running".to_owned()
                        } else {
                            format!("running now: {}", busy.join("; "))
                        }
                    )
                }
            };
        }
        out
    }
}

/// Marks a caller as out of `execute`, however it left.
struct Left<'a>(&'a Ledger, String);

impl Drop for Left<'_> {
    fn drop(&mut self) {
        self.0.book().inside.remove(&self.1);
    }
}

/// Records how a run ended, however it ended.
struct Ended<'a> {
    ledger: &'a Ledger,
    key: u64,
    run: usize,
    value: Option<u64>,
}

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        let outcome = self.value.map_or(Run::Panicked, Run::Returned);
        if let Some(runs) = self.ledger.book().runs.get_mut(&self.key) {
            runs[self.run].1 = outcome;
        }
    }
}

/// What a call returned, or the message it panicked with.
pub type Outcome = Result<u64, String>;

/// Runs `call`, which may panic as the test intends (a panicking `f`), and
/// says which happened, without reporting the panic as a failure.
pub fn outcome(what: &str, call: impl FnOnce() -> u64) -> Outcome {
    let message = kata_test::expect_panic(what, || -> u64 {
        let value = call();
        // Panic on purpose, so that a normal return is caught too.
        panic!("{RETURNED}{value}")
    });
    match message.strip_prefix(RETURNED) {
        Some(v) => Ok(v.parse().expect("the value")),
        None => Err(message),
    }
}

const RETURNED: &str = "returned normally: ";
