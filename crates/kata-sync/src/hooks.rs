//! What the facade tells the checker, in check builds only.
//!
//! With the `check` feature (which only the hidden suites turn on), the
//! blocking primitives record which thread is blocked where, condition
//! variables wake spuriously by the plan the suite chose, and spawned threads
//! are registered with the deadlock detector; all of it lives in the
//! `kata-hooks` crate, which kata code cannot name. Without the feature every
//! function here is a no-op.

use std::panic::Location;

/// Marks the current thread as blocked until the returned guard is dropped.
pub(crate) fn enter(op: &'static str, location: &'static Location<'static>) -> Blocked {
    #[cfg(feature = "check")]
    {
        Blocked(kata_hooks::enter(op, location))
    }
    #[cfg(not(feature = "check"))]
    {
        let _ = (op, location);
        Blocked(())
    }
}

/// Keeps its thread marked as blocked while it lives.
pub(crate) struct Blocked(
    #[cfg(feature = "check")]
    #[allow(dead_code)]
    kata_hooks::Blocked,
    #[cfg(not(feature = "check"))]
    #[allow(dead_code)]
    (),
);

// ANCHOR: spurious
/// Whether this `Condvar::wait` returns spuriously (see `kata-hooks` for the
/// plans: random streaks on real threads, a fixed pattern under loom).
pub(crate) fn spurious_wakeup_now() -> bool {
    #[cfg(feature = "check")]
    {
        kata_hooks::spurious_wakeup_now()
    }
    #[cfg(not(feature = "check"))]
    false
}
// ANCHOR_END: spurious

/// Registers a thread the kata spawned, for as long as it runs.
pub(crate) struct Live(
    #[cfg(feature = "check")]
    #[allow(dead_code)]
    kata_hooks::Registration,
    #[cfg(not(feature = "check"))]
    #[allow(dead_code)]
    (),
);

/// What a thread about to be spawned inherits, taken on the spawner.
pub(crate) struct Spawning(
    #[cfg(feature = "check")] kata_hooks::SpawnContext,
    #[cfg(not(feature = "check"))]
    #[allow(dead_code)]
    (),
);

pub(crate) fn spawning() -> Spawning {
    #[cfg(feature = "check")]
    {
        Spawning(kata_hooks::spawn_context())
    }
    #[cfg(not(feature = "check"))]
    Spawning(())
}

/// Registers the new thread, first thing in its body.
pub(crate) fn live(ctx: Spawning) -> Live {
    #[cfg(feature = "check")]
    {
        Live(kata_hooks::register_spawned(ctx.0))
    }
    #[cfg(not(feature = "check"))]
    {
        let _ = ctx;
        Live(())
    }
}

/// Counts a spin (`hint::spin_loop`, `thread::yield_now`) for this thread.
pub(crate) fn spun() {
    #[cfg(feature = "check")]
    kata_hooks::spun();
}

/// Records a step for the counterexample timeline (loom check builds only;
/// see `kata_hooks::trace`). `what` is built only when it is recorded.
#[inline]
pub(crate) fn step(location: Option<&'static Location<'static>>, what: impl FnOnce() -> String) {
    #[cfg(all(feature = "check", loom))]
    kata_hooks::trace::step(location, what);
    #[cfg(not(all(feature = "check", loom)))]
    let _ = (location, what);
}

/// The timeline's short name for the primitive at `addr` (`m1`, `a2`);
/// called only from a [`step`]'s closure.
pub(crate) fn name<T: ?Sized>(kind: &'static str, addr: *const T) -> String {
    #[cfg(feature = "check")]
    {
        kata_hooks::trace::name(kind, addr.cast::<()>() as usize)
    }
    #[cfg(not(feature = "check"))]
    {
        let _ = addr;
        kind.to_owned()
    }
}

/// The current thread's name as the timeline shows it (only ever called
/// from a [`step`]'s closure, so only in check builds).
#[cfg(loom)]
pub(crate) fn current_thread_name() -> String {
    #[cfg(feature = "check")]
    {
        kata_hooks::current_label()
    }
    #[cfg(not(feature = "check"))]
    String::new()
}
