//! Stage 1, api: the kata's public API is exactly the one the statement
//! fixes, and the locks are `Send + Sync` exactly when `T: Send`.
//!
//! Each file under `api/` must compile and run. trybuild compiles them one by
//! one, so a mismatch is reported against the case that shows it.

use kata_test::Property;

const API: Property = Property {
    name: "the public API matches the kata's statement, and both locks are Send + Sync exactly when T: Send",
    cause: "a signature differs from the stub's, a bound was added to `impl<T>` (new, lock and try_lock work for any T), the guard does not Deref/DerefMut to T, or the `unsafe impl Sync` is missing or asks too little (`T: Send`, no more and no less)",
    book: "spin-lock-send-sync",
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
