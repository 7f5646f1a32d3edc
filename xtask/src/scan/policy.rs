//! What kata code may use: the facade stage's rules, in one place.
//!
//! Two kinds of refusal:
//!
//! - **Invisible synchronisation** ([`INVISIBLE`]): primitives loom cannot
//!   see. A thread blocked on one would hang the model checker, so the kata
//!   must take its synchronisation from `kata_sync`.
//! - **Outside the allowlist** ([`allowed_std`], [`ALLOWED_MACROS`],
//!   [`ALLOWED_ATTRIBUTES`]): everything a concurrency answer does not need.
//!   The kata runs in the same process as the hidden tests, so the checker
//!   can trust a run only if the code under test cannot reach the
//!   environment, files, processes or the checker's own hooks, and cannot
//!   tell that it is being checked.
//!
//! Per kata, `katas.toml` can allow `unsafe` (the primitives katas) and
//! forbid ready-made facade primitives (`forbid = ["Mutex"]`), for katas whose
//! point is to build them.

/// Per-kata rules from `katas.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// `unsafe` blocks, functions, impls and traits are allowed.
    pub allow_unsafe: bool,
    /// `kata_sync` items the kata must not use, e.g. `Mutex`.
    pub forbid: Vec<String>,
}

const CHANNEL: &str =
    "a queue built from kata_sync::Mutex and kata_sync::Condvar (loom cannot see channels)";
const ONCE: &str = "kata_sync::Mutex (std's one-time initialisers block where loom cannot see)";

// ANCHOR: rules
/// Path prefixes loom cannot see, and what to use instead. `core::` and
/// `alloc::` paths are matched as `std::`.
pub const INVISIBLE: &[(&str, &str)] = &[
    ("std::sync::Mutex", "kata_sync::Mutex"),
    ("std::sync::MutexGuard", "kata_sync::MutexGuard"),
    ("std::sync::RwLock", "kata_sync::RwLock"),
    ("std::sync::Condvar", "kata_sync::Condvar"),
    ("std::sync::Barrier", "kata_sync::Barrier"),
    ("std::sync::atomic", "kata_sync::atomic"),
    ("std::sync::mpsc", CHANNEL),
    ("std::sync::mpmc", CHANNEL),
    ("std::sync::Once", ONCE),
    ("std::sync::OnceLock", ONCE),
    ("std::sync::LazyLock", ONCE),
    (
        "std::cell::UnsafeCell",
        "kata_sync::cell::UnsafeCell (loom tracks its accesses)",
    ),
    (
        "std::thread::sleep",
        "a kata_sync::Condvar wait (sleeping is not synchronisation, and loom cannot see it)",
    ),
    ("std::thread::spawn", "kata_sync::thread::spawn"),
    ("std::thread::scope", "kata_sync::thread::spawn with an Arc"),
    ("std::thread::Builder", "kata_sync::thread::spawn"),
    ("std::thread::JoinHandle", "kata_sync::thread::JoinHandle"),
    ("std::thread::yield_now", "kata_sync::thread::yield_now"),
    ("std::thread::park", "a kata_sync::Condvar"),
    ("std::thread::park_timeout", "a kata_sync::Condvar"),
    (
        "std::thread_local",
        "state in the shared structure (loom does not model thread-locals)",
    ),
    ("std::hint::spin_loop", "kata_sync::hint::spin_loop"),
    ("parking_lot", "the kata_sync item of the same name"),
    ("crossbeam_channel", CHANNEL),
    ("crossbeam", "kata_sync primitives"),
    ("crossbeam_utils", "kata_sync primitives"),
    (
        "tokio",
        "kata_sync primitives (the katas are about threads)",
    ),
];
// ANCHOR_END: rules

// ANCHOR: allowlist
/// The parts of `std` a kata may use: those that hold or describe data, and
/// the few others a reference solution or a correct alternative needs.
/// Each entry is a path prefix (`std::collections` allows everything in it).
pub const ALLOWED_STD: &[&str] = &[
    // `Any` for panic payloads; not `type_name`, which would tell the kata
    // the suite's own types (closures are named after the test).
    "std::any::Any",
    "std::array",
    "std::ascii",
    "std::borrow",
    "std::boxed",
    "std::cell::Cell",
    "std::cell::OnceCell",
    "std::cell::RefCell",
    "std::char",
    "std::clone",
    "std::cmp",
    "std::collections",
    "std::convert",
    "std::default",
    "std::error",
    "std::f32",
    "std::f64",
    "std::fmt",
    "std::hash",
    "std::hint::black_box",
    "std::iter",
    "std::marker",
    "std::mem",
    "std::num",
    "std::ops",
    "std::option",
    "std::panic::AssertUnwindSafe",
    "std::panic::RefUnwindSafe",
    "std::panic::UnwindSafe",
    "std::panic::catch_unwind",
    "std::panic::resume_unwind",
    "std::pin",
    "std::prelude",
    "std::primitive",
    "std::rc",
    "std::result",
    "std::slice",
    "std::str",
    "std::string",
    "std::sync::Arc",
    "std::sync::Weak",
    "std::thread::panicking",
    "std::time::Duration",
    "std::vec",
    "std::i8",
    "std::i16",
    "std::i32",
    "std::i64",
    "std::i128",
    "std::isize",
    "std::u8",
    "std::u16",
    "std::u32",
    "std::u64",
    "std::u128",
    "std::usize",
];

/// Allowed only where `katas.toml` allows `unsafe`: raw memory.
pub const ALLOWED_STD_UNSAFE: &[&str] = &["std::alloc", "std::ptr"];

/// The public items of the facade. Anything else under `kata_sync` (its
/// internals) is refused.
pub const FACADE: &[&str] = &[
    "Arc",
    "Barrier",
    "Condvar",
    "Mutex",
    "MutexGuard",
    "RwLock",
    "RwLockReadGuard",
    "RwLockWriteGuard",
    "Semaphore",
    "atomic",
    "cell",
    "hint",
    "thread",
];

/// Macros a kata may call, besides its own `macro_rules!`.
pub const ALLOWED_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "column",
    "concat",
    "dbg",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "eprint",
    "eprintln",
    "format",
    "format_args",
    "line",
    "matches",
    "panic",
    "print",
    "println",
    "stringify",
    "todo",
    "unimplemented",
    "unreachable",
    "vec",
    "write",
    "writeln",
];

/// Attributes a kata may write. `cfg` is allowed only as `cfg(test)`.
pub const ALLOWED_ATTRIBUTES: &[&str] = &[
    "allow",
    "cold",
    "default",
    "deny",
    "deprecated",
    "derive",
    "doc",
    "expect",
    "ignore",
    "inline",
    "must_use",
    "non_exhaustive",
    "repr",
    "should_panic",
    "test",
    "track_caller",
    "warn",
];

/// Tool attributes (`#[rustfmt::skip]`, `#[clippy::...]`) are allowed too.
pub const ALLOWED_TOOLS: &[&str] = &["rustfmt", "clippy", "diagnostic"];
// ANCHOR_END: allowlist

/// Why a std module is refused, in one sentence, and what to use instead.
pub fn why_refused(path: &str) -> (&'static str, &'static str) {
    let rules: &[(&str, &str, &str)] = &[
        (
            "std::env",
            "reads the process environment, which no kata needs",
            "nothing: a kata takes what it needs as arguments",
        ),
        (
            "std::fs",
            "touches files, and the checker's records are files",
            "nothing: keep state in memory",
        ),
        (
            "std::io",
            "reads or writes streams and files",
            "println! for debugging output, std::fmt to format",
        ),
        (
            "std::process",
            "can end the process or start others, cutting the check short",
            "return or panic",
        ),
        (
            "std::net",
            "opens network connections",
            "nothing: the katas are in-memory",
        ),
        (
            "std::os",
            "reaches the operating system directly",
            "kata_sync",
        ),
        ("std::ffi", "talks to foreign code", "nothing"),
        (
            "std::arch",
            "reaches processor instructions the model checker cannot see",
            "kata_sync::atomic",
        ),
        (
            "std::intrinsics",
            "reaches compiler internals",
            "kata_sync::atomic",
        ),
        (
            "std::backtrace",
            "inspects the call stack, which would tell the kata who calls it",
            "nothing",
        ),
        (
            "std::panic",
            "changes how panics are reported, which the checker relies on",
            "std::panic::catch_unwind and resume_unwind, which are allowed",
        ),
        (
            "std::thread",
            "identifies or times threads, which is not synchronisation",
            "kata_sync::thread",
        ),
        (
            "std::time",
            "measures time, which is not synchronisation (and loom has no clock)",
            "a kata_sync::Condvar wait; std::time::Duration is allowed as a value",
        ),
        (
            "std::alloc",
            "manages raw memory, allowed only in the katas that build primitives",
            "Box, Vec and the collections",
        ),
        (
            "std::ptr",
            "handles raw pointers, allowed only in the katas that build primitives",
            "references, Box and the collections",
        ),
        (
            "std::cell",
            "is not one of the allowed cells",
            "kata_sync::cell::UnsafeCell, or Cell/RefCell",
        ),
        (
            "std::sync",
            "is not one of the facade's primitives",
            "the kata_sync item of the same name",
        ),
    ];
    rules
        .iter()
        .find(|(prefix, _, _)| starts_with(path, prefix))
        .map(|(_, why, instead)| (*why, *instead))
        .unwrap_or((
            "is outside what a concurrency answer needs",
            "kata_sync and the data-holding parts of std (see the book, How the checks work)",
        ))
}

/// Whether `path` is `prefix` or lies below it, segment by segment.
pub fn starts_with(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// Whether the std path is allowed under `policy`.
pub fn allowed_std(path: &str, policy: &Policy) -> bool {
    ALLOWED_STD.iter().any(|p| starts_with(path, p))
        || (policy.allow_unsafe && ALLOWED_STD_UNSAFE.iter().any(|p| starts_with(path, p)))
        // `std` alone, or a module above an allowed item, named in a
        // `use std::{...}` group, is checked item by item instead.
        || ALLOWED_STD.iter().any(|p| starts_with(p, path))
}
