//! Stage 1, api: the kata's public API is exactly the one the issue fixes,
//! and `ZeroEvenOdd` can be shared across threads.
//!
//! Each file under `api/` must compile and run. trybuild compiles them one by
//! one, so a mismatch is reported against the case that shows it.

use kata_test::Property;

const API: Property = Property {
    name: "the public API matches the kata's statement, and ZeroEvenOdd is Send + Sync",
    cause: "a signature differs from the stub's (the callbacks are `impl FnMut(usize)` with no Send or 'static bound, the methods take &self), or a field makes ZeroEvenOdd !Sync (e.g. Cell or RefCell)",
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
