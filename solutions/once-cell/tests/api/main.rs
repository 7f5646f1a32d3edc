//! Stage 3 of 7, api: the kata's public API is exactly the one the statement
//! fixes, and the cell is `Send + Sync` whenever `T: Send + Sync`.
//!
//! Each module below is a case that must compile and run. The cases are
//! compiled with the rest of the suite, in the build every check makes
//! anyway, so a mismatch costs no second build; the checker reports each
//! compile error against the case that shows it.

use kata_test::Property;

mod send_sync;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and OnceCell is Send + Sync when T: Send + Sync",
    cause: "a signature differs from the stub's (init is `impl FnOnce() -> T`, with no Send or 'static bound), a bound was added to `impl<T>`, or the `unsafe impl Sync` is missing or asks too little (T: Send + Sync)",
    book: "once-cell-send-sync",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send_sync::run();
}
