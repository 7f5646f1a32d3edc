//! Differential testing on random sequences of operations, with proptest.
//!
//! [`check_sequences`] runs many random sequences against the kata and a
//! plain model; when one disagrees, proptest shrinks it to a minimal failing
//! sequence, and the test fails with that sequence (not the long random one)
//! in its message, so the learner can replay it by hand.
//!
//! The kata may panic inside a case (an overflow, an index out of bounds);
//! such a panic is caught and counts as a failing case, quietly, so that the
//! verdict reports the shrunk sequence rather than the first, long one.
//! A suite that uses it asks for kata-test's `sequences` feature.

use std::cell::{Cell, RefCell};
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err(message and location)` without
/// reporting it as the test's failure. Call after `kata_test::check`, whose
/// panic reporter this wraps.
pub fn quietly<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let reporter = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.get() {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(a panic with a non-string payload)".into());
                let at = info
                    .location()
                    .map(|l| format!(" (at {}:{})", l.file(), l.line()))
                    .unwrap_or_default();
                CAUGHT.set(Some(format!("panicked: {message}{at}")));
            } else {
                reporter(info);
            }
        }));
    });
    QUIET.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.set(false);
    result.map_err(|_| CAUGHT.take().unwrap_or_else(|| "panicked".into()))
}

/// Runs `cases` random inputs from `strategy` through `run`, which returns
/// `Err(what went wrong)` on a disagreement. The random source is seeded, so
/// a failure repeats on every run. On failure, panics with the minimal input
/// proptest found and what went wrong on it.
pub fn check_sequences<S>(
    what: &str,
    cases: u32,
    strategy: S,
    run: impl Fn(&S::Value) -> Result<(), String>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&strategy, |input| match quietly(|| run(&input)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(why)) | Err(why) => Err(TestCaseError::fail(why)),
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => {
            panic!(
                "{what}: a random sequence failed; the smallest failing one proptest found is\n  {input:?}\nand on it: {why}"
            )
        }
        Err(TestError::Abort(why)) => panic!("{what}: proptest gave up: {why}"),
    }
}
