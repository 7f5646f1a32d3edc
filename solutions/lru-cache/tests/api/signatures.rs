// The signatures, with key and value types that have only the bounds the
// statement allows (Eq + Hash + Clone for keys, Clone for values).
use lru_cache::LruCache;

#[derive(PartialEq, Eq, Hash, Clone)]
struct Key;
#[derive(Clone)]
struct Value;

pub fn run() {
    let _new: fn(usize) -> LruCache<Key, Value> = LruCache::new;
    let _get: fn(&LruCache<Key, Value>, &Key) -> Option<Value> = LruCache::get;
    let _put: fn(&LruCache<Key, Value>, Key, Value) = LruCache::put;
    let _len: fn(&LruCache<Key, Value>) -> usize = LruCache::len;
    let _capacity: fn(&LruCache<Key, Value>) -> usize = LruCache::capacity;
}
