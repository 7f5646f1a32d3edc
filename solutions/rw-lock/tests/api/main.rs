//! Stage 3 of 7, api: the kata's public API is exactly the one the statement
//! fixes, and the lock can be shared across threads.
//!
//! Each module below is a case that must compile and run. The cases are
//! compiled with the rest of the suite, in the build every check makes
//! anyway; the checker reports each compile error against the case that
//! shows it.

use kata_test::Property;

mod send_sync;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the lock is Send + Sync when T is",
    cause: "a signature differs from the stub's, a guard does not implement Deref (or DerefMut for the write guard), or the lock lacks `unsafe impl Sync` for T: Send + Sync once it holds its value in a cell",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send_sync::run();
}
