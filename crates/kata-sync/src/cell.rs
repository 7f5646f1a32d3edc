//! An `UnsafeCell` that loom can see.
//!
//! The primitives katas (spin lock, once cell, SPSC ring) keep their data in
//! an `UnsafeCell` and guard it with atomics they write themselves. Under
//! loom, [`UnsafeCell`] is loom's, which tracks every access: two accesses
//! that are not ordered by a happens-before edge, at least one of them a
//! write, are reported as a data race ("Causality violation") at the
//! learner's line. On real threads it is a thin wrapper over
//! [`std::cell::UnsafeCell`] with the same API, so one source runs both ways.
//!
//! The API is loom's: [`with`](UnsafeCell::with) and
//! [`with_mut`](UnsafeCell::with_mut) for scoped access, and
//! [`get`](UnsafeCell::get) / [`get_mut`](UnsafeCell::get_mut) for the
//! tracked pointers that a guard's `Deref`/`DerefMut` needs.
//!
//! # Examples
//!
//! ```
//! use kata_sync::cell::UnsafeCell;
//!
//! let cell = UnsafeCell::new(1);
//! // SAFETY: no other reference to the cell's value exists.
//! cell.with_mut(|p| unsafe { *p += 1 });
//! // SAFETY: as above; this is a read.
//! assert_eq!(cell.with(|p| unsafe { *p }), 2);
//! ```

#[cfg(all(loom, not(kata_shuttle)))]
pub use loom::cell::{ConstPtr, MutPtr};
#[cfg(all(loom, not(kata_shuttle)))]
pub use modelled::UnsafeCell;

// Shuttle (the second explorer) has no cell of its own: it models
// sequentially consistent memory, where a cell is plain memory.
#[cfg(any(not(loom), kata_shuttle))]
pub use real::{ConstPtr, MutPtr, UnsafeCell};

#[cfg(all(loom, not(kata_shuttle)))]
mod modelled {
    use std::panic::Location;

    use loom::cell::{ConstPtr, MutPtr};

    use crate::hooks;

    /// loom's cell, which also records each access for the counterexample
    /// timeline (`c1.read`, `c1.write`), so a data race shows both sides.
    #[derive(Debug)]
    pub struct UnsafeCell<T: ?Sized>(loom::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        /// Wraps `value`.
        #[track_caller]
        pub fn new(value: T) -> Self {
            Self(loom::cell::UnsafeCell::new(value))
        }

        /// Unwraps the value.
        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: Default> Default for UnsafeCell<T> {
        #[track_caller]
        fn default() -> Self {
            Self::new(T::default())
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        #[track_caller]
        fn step(&self, what: &'static str) {
            hooks::step(Some(Location::caller()), || {
                format!("{}.{what}", hooks::name("c", self))
            });
        }

        /// Runs `f` with a read pointer to the value.
        #[track_caller]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            self.step("read");
            self.0.with(f)
        }

        /// Runs `f` with a write pointer to the value.
        #[track_caller]
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            self.step("write");
            self.0.with_mut(f)
        }

        /// A read access that lasts as long as the returned pointer.
        #[track_caller]
        pub fn get(&self) -> ConstPtr<T> {
            self.step("read");
            self.0.get()
        }

        /// A write access that lasts as long as the returned pointer.
        #[track_caller]
        pub fn get_mut(&self) -> MutPtr<T> {
            self.step("write");
            self.0.get_mut()
        }
    }
}

#[cfg(any(not(loom), kata_shuttle))]
mod real {
    /// A cell whose value may be reached through a shared reference, on
    /// the caller's promise that no access races with another.
    #[derive(Debug, Default)]
    #[repr(transparent)]
    pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    /// A read access to an [`UnsafeCell`]'s value (loom tracks it; here it
    /// is a plain pointer).
    #[derive(Debug)]
    pub struct ConstPtr<T: ?Sized>(*const T);

    /// A write access to an [`UnsafeCell`]'s value.
    #[derive(Debug)]
    pub struct MutPtr<T: ?Sized>(*mut T);

    impl<T> UnsafeCell<T> {
        /// Wraps `value`. Not `const`, because loom's cell is not.
        pub fn new(value: T) -> Self {
            Self(std::cell::UnsafeCell::new(value))
        }

        /// Unwraps the value.
        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        /// Runs `f` with a read pointer to the value.
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Runs `f` with a write pointer to the value.
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }

        /// A read access that lasts as long as the returned pointer.
        pub fn get(&self) -> ConstPtr<T> {
            ConstPtr(self.0.get())
        }

        /// A write access that lasts as long as the returned pointer.
        pub fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    impl<T: ?Sized> ConstPtr<T> {
        /// Dereferences the pointer.
        ///
        /// # Safety
        ///
        /// No write to the value may happen while the returned reference
        /// lives.
        pub unsafe fn deref(&self) -> &T {
            // SAFETY: the caller promises no write overlaps this read.
            unsafe { &*self.0 }
        }

        /// The raw pointer.
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0)
        }
    }

    impl<T: ?Sized> MutPtr<T> {
        /// Dereferences the pointer mutably.
        ///
        /// # Safety
        ///
        /// No other access to the value may happen while the returned
        /// reference lives.
        #[allow(clippy::mut_from_ref)]
        pub unsafe fn deref(&self) -> &mut T {
            // SAFETY: the caller promises this access is exclusive.
            unsafe { &mut *self.0 }
        }

        /// The raw pointer.
        pub fn with<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0)
        }
    }
}
