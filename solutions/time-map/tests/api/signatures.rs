// The signatures, with key and value types that have only the bounds the
// statement allows (Eq + Hash + Clone for keys, Clone for values).
use time_map::TimeMap;

#[derive(PartialEq, Eq, Hash, Clone)]
struct Key;
#[derive(Clone)]
struct Value;

pub fn run() {
    let _new: fn() -> TimeMap<Key, Value> = TimeMap::new;
    let _set: fn(&TimeMap<Key, Value>, Key, Value, u64) = TimeMap::set;
    let _get: fn(&TimeMap<Key, Value>, &Key, u64) -> Option<Value> = TimeMap::get;
    // `update` is generic over `f`; call it with a plain closure and a
    // function pointer, as outside code would.
    let map = TimeMap::<Key, Value>::new;
    let _ = move || {
        let m = map();
        m.update(Key, 1, |_old: Option<&Value>| Value);
        fn keep(v: Option<&Value>) -> Value {
            v.cloned().unwrap_or(Value)
        }
        m.update(Key, 2, keep);
    };
}
