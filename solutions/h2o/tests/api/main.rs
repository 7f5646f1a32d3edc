//! Stage 3 of 6, api: the kata's public API is exactly the one the issue fixes,
//! and `H2O` can be shared across threads.
//!
//! Each module below is a case that must compile and run. The cases are
//! compiled with the rest of the suite, in the build every check makes
//! anyway, so a mismatch costs no second build; the checker reports each
//! compile error against the case that shows it.

use kata_test::Property;

mod send_sync;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and H2O is Send + Sync",
    cause: "a signature differs from the stub's (the callbacks are `impl FnOnce()` with no Send or 'static bound, the methods take &self), or a field makes H2O !Sync (e.g. Cell or RefCell)",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send_sync::run();
}
