//! Stage 3 of 6 (after facade and build), api: the kata's public API is exactly the one the issue fixes,
//! and the queue can be shared across threads.
//!
//! Each file under `api/` must compile and run. trybuild compiles them one by
//! one, so a mismatch is reported against the case that shows it, not as a
//! wall of errors from the rest of the suite.

use kata_test::Property;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the queue is Send + Sync",
    cause: "a signature differs from the stub's, or a field makes the queue !Sync (e.g. RefCell or Rc)",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    // trybuild compiles the cases in a child cargo, which on a cold target
    // takes longer than the watchdog's patience; it runs no kata code.
    let _compiling = kata_test::busy();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/api/signatures.rs");
    cases.pass("tests/api/send_sync.rs");
}
