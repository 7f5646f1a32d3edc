//! Stage 1, api: the kata's public API is exactly the one the statement
//! fixes, and the lock can be shared across threads.
//!
//! trybuild compiles each file under `api/` on its own, so a mismatch is
//! reported against the case that shows it.

use kata_test::Property;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the lock is Send + Sync when T is",
    cause: "a signature differs from the stub's, a guard does not implement Deref (or DerefMut for the write guard), or the lock lacks `unsafe impl Sync` for T: Send + Sync once it holds its value in a cell",
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
