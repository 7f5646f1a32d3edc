// The signatures, with key and value types that have only the bounds the
// statement allows (Eq + Hash + Clone for keys, Clone for values).
use idempotency_store::IdempotencyStore;

#[derive(PartialEq, Eq, Hash, Clone)]
struct Key;
#[derive(Clone)]
struct Value;

pub fn run() {
    let _new: fn() -> IdempotencyStore<Key, Value> = IdempotencyStore::new;
    // `execute` is generic over `f`; call it with a closure that moves a
    // captured value, and with a function pointer, as outside code would.
    let _ = || {
        let store = IdempotencyStore::<Key, Value>::new();
        let owned = Value;
        let _: Value = store.execute(Key, move || owned);
        fn work() -> Value {
            Value
        }
        let _: Value = store.execute(Key, work);
    };
}
