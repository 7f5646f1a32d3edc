//! Stage 1, api: the kata's public API is exactly the one the issue fixes,
//! and the pool can be shared across threads.

use kata_test::Property;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the pool is Send + Sync",
    cause: "a signature differs from the stub's (jobs are `impl FnOnce() + Send + 'static`), or a field makes the pool !Sync",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    // trybuild compiles the cases in a child cargo; it runs no kata code.
    let _compiling = kata_test::busy();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/api/signatures.rs");
    cases.pass("tests/api/send_sync.rs");
}
