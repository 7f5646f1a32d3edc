//! Stage 1, api: the public API is exactly the statement's, and the store
//! is Send + Sync when its keys and values are.

use kata_test::Property;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the store is Send + Sync when K and V are",
    cause: "a signature differs from the stub's, or a field makes the store !Sync (e.g. RefCell or Rc)",
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
