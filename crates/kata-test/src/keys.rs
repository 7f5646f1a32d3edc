//! Keys built to collide.
//!
//! `Hash` promises only that equal keys hash alike, not that unequal keys
//! differ. A structure that takes a key's hash for the key passes every test
//! on random keys, because 64-bit hashes of random keys almost never collide;
//! [`SameHash`] makes them collide on purpose.

use std::hash::{Hash, Hasher};

/// A key whose hash is the same for every value, whatever the hasher: its
/// `Hash` writes nothing that depends on the value. Distinct values are
/// distinct keys (`Eq` compares them), so a map must tell them apart by
/// comparing keys; one that takes the hash for the key confuses them all.
///
/// ```
/// use std::collections::HashMap;
/// use std::hash::BuildHasher;
///
/// use kata_test::keys::SameHash;
///
/// let state = std::hash::RandomState::new();
/// assert_eq!(state.hash_one(SameHash(1)), state.hash_one(SameHash(2)));
/// let map = HashMap::from([(SameHash(1), "one"), (SameHash(2), "two")]);
/// assert_eq!(map[&SameHash(2)], "two");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SameHash(pub u64);

impl Hash for SameHash {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u8(0);
    }
}
