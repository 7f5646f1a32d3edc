//! Stage 3 of 6, api: the public API is exactly the statement's, and the store
//! is Send + Sync when its keys and values are.

use kata_test::Property;

mod send_sync;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the store is Send + Sync when K and V are",
    cause: "a signature differs from the stub's, or a field makes the store !Sync (e.g. RefCell or Rc)",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send_sync::run();
}
