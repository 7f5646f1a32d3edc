//! Atomic types and fences: `std::sync::atomic` on real threads, loom's
//! models under `--cfg loom`.
//!
//! Under loom each type is a thin wrapper that also notices a **spin**: a
//! thread that loads the same value from the same atomic twice in a row (or
//! whose compare-exchange or swap keeps returning it) is waiting for another
//! thread, so it yields, as `hint::spin_loop` would. Without this, loom keeps
//! scheduling the spinning thread and gives up on the model ("too many
//! branches"), so a correct answer that busy-waits without a hint could not
//! be verified. The yield loses no behaviour: re-reading an unchanged value
//! changes nothing, and every other schedule is still explored.

#[cfg(not(loom))]
pub use std::sync::atomic::{
    AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8, AtomicU32, AtomicU64,
    AtomicUsize, Ordering, fence,
};

#[cfg(loom)]
pub use loom::sync::atomic::{Ordering, fence};
#[cfg(loom)]
pub use modelled::{
    AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicPtr, AtomicU8, AtomicU32, AtomicU64,
    AtomicUsize,
};

#[cfg(loom)]
mod modelled {
    use std::cell::RefCell;
    use std::fmt;
    use std::panic::Location;

    use loom::sync::atomic::Ordering;

    loom::thread_local! {
        /// The last value this thread read from each atomic it reads
        /// (address, value), most recent last; a few entries are enough to
        /// see the loops of a kata.
        static SEEN: RefCell<Vec<(usize, u64)>> = RefCell::new(Vec::new());
    }

    /// Records that this thread read `value` at `addr`, and yields if it had
    /// read the same value there last time: the thread is spinning.
    fn observe(addr: usize, value: u64) {
        let spinning = SEEN.with(|s| {
            let mut s = s.borrow_mut();
            let again = s.iter().any(|&(a, v)| a == addr && v == value);
            s.retain(|&(a, _)| a != addr);
            s.push((addr, value));
            if s.len() > 8 {
                s.remove(0);
            }
            again
        });
        if spinning {
            loom::thread::yield_now();
        }
    }

    /// This thread changed the atomic at `addr`: what it read before is stale.
    fn forget(addr: usize) {
        SEEN.with(|s| s.borrow_mut().retain(|&(a, _)| a != addr));
    }

    /// Records the operation for the timeline: `a1.load(Acquire) = 0`.
    #[track_caller]
    fn step(addr: usize, what: impl FnOnce() -> String) {
        crate::hooks::step(Some(Location::caller()), || {
            format!("{}.{}", crate::hooks::name("a", addr as *const ()), what())
        });
    }

    /// A compare-exchange's outcome, for the timeline.
    fn cas<T: fmt::Debug>(op: &str, current: &T, new: &T, r: &Result<T, T>, o: Ordering) -> String {
        match r {
            Ok(_) => format!("{op}({current:?} -> {new:?}, {o:?}) ok"),
            Err(v) => format!("{op}({current:?} -> {new:?}, {o:?}) failed, saw {v:?}"),
        }
    }

    macro_rules! common {
        ($name:ident, $t:ty, $to_u64:expr) => {
            /// See the module docs: loom's atomic, which yields on a spin.
            pub struct $name(loom::sync::atomic::$name);

            impl $name {
                fn addr(&self) -> usize {
                    self as *const Self as usize
                }

                #[track_caller]
                pub fn load(&self, order: Ordering) -> $t {
                    let v = self.0.load(order);
                    step(self.addr(), || format!("load({order:?}) = {v:?}"));
                    observe(self.addr(), $to_u64(&v));
                    v
                }

                #[track_caller]
                pub fn store(&self, val: $t, order: Ordering) {
                    forget(self.addr());
                    step(self.addr(), || format!("store({val:?}, {order:?})"));
                    self.0.store(val, order)
                }

                #[track_caller]
                pub fn compare_exchange(
                    &self,
                    current: $t,
                    new: $t,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$t, $t> {
                    let r = self.0.compare_exchange(current, new, success, failure);
                    step(self.addr(), || {
                        cas("compare_exchange", &current, &new, &r, success)
                    });
                    match &r {
                        Ok(_) => forget(self.addr()),
                        Err(v) => observe(self.addr(), $to_u64(v)),
                    }
                    r
                }

                #[track_caller]
                pub fn compare_exchange_weak(
                    &self,
                    current: $t,
                    new: $t,
                    success: Ordering,
                    failure: Ordering,
                ) -> Result<$t, $t> {
                    let r = self.0.compare_exchange_weak(current, new, success, failure);
                    step(self.addr(), || {
                        cas("compare_exchange_weak", &current, &new, &r, success)
                    });
                    match &r {
                        Ok(_) => forget(self.addr()),
                        Err(v) => observe(self.addr(), $to_u64(v)),
                    }
                    r
                }

                #[track_caller]
                pub fn fetch_update<F>(
                    &self,
                    set_order: Ordering,
                    fetch_order: Ordering,
                    f: F,
                ) -> Result<$t, $t>
                where
                    F: FnMut($t) -> Option<$t>,
                {
                    let r = self.0.fetch_update(set_order, fetch_order, f);
                    step(self.addr(), || match &r {
                        Ok(old) => format!("fetch_update({set_order:?}) from {old:?}"),
                        Err(v) => format!("fetch_update({set_order:?}) declined, saw {v:?}"),
                    });
                    match &r {
                        Ok(_) => forget(self.addr()),
                        Err(v) => observe(self.addr(), $to_u64(v)),
                    }
                    r
                }

                /// The value, for a caller that owns the atomic.
                pub fn into_inner(self) -> $t {
                    self.0.into_inner()
                }
            }

            impl fmt::Debug for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    self.0.fmt(f)
                }
            }
        };
    }

    macro_rules! int {
        ($name:ident, $t:ty) => {
            common!($name, $t, |v: &$t| *v as u64);

            impl $name {
                #[track_caller]
                pub fn new(v: $t) -> Self {
                    Self(loom::sync::atomic::$name::new(v))
                }

                /// Runs `f` on the value, for a caller that owns the atomic.
                pub fn with_mut<R>(&mut self, f: impl FnOnce(&mut $t) -> R) -> R {
                    #[cfg(not(kata_shuttle))]
                    return self.0.with_mut(f);
                    #[cfg(kata_shuttle)]
                    return f(self.0.get_mut());
                }
            }

            impl Default for $name {
                fn default() -> Self {
                    Self::new(0)
                }
            }

            impl From<$t> for $name {
                fn from(v: $t) -> Self {
                    Self::new(v)
                }
            }

            impl $name {
                #[track_caller]
                pub fn swap(&self, val: $t, order: Ordering) -> $t {
                    let v = self.0.swap(val, order);
                    step(self.addr(), || format!("swap({val:?}, {order:?}) = {v:?}"));
                    observe(self.addr(), v as u64);
                    v
                }
            }

            int!(@rmw $name, $t, fetch_add, fetch_sub, fetch_and, fetch_nand, fetch_or, fetch_xor, fetch_max, fetch_min);
        };
        (@rmw $name:ident, $t:ty, $($op:ident),*) => {
            impl $name {
                $(
                    #[track_caller]
                    pub fn $op(&self, val: $t, order: Ordering) -> $t {
                        forget(self.addr());
                        let v = self.0.$op(val, order);
                        step(self.addr(), || format!(concat!(stringify!($op), "({:?}, {:?}) = {:?}"), val, order, v));
                        v
                    }
                )*
            }
        };
    }

    int!(AtomicU8, u8);
    int!(AtomicU32, u32);
    int!(AtomicI32, i32);
    int!(AtomicU64, u64);
    int!(AtomicI64, i64);
    int!(AtomicUsize, usize);
    int!(AtomicIsize, isize);

    common!(AtomicBool, bool, |v: &bool| u64::from(*v));

    impl AtomicBool {
        #[track_caller]
        pub fn new(v: bool) -> Self {
            Self(loom::sync::atomic::AtomicBool::new(v))
        }
    }

    impl Default for AtomicBool {
        fn default() -> Self {
            Self::new(false)
        }
    }

    impl From<bool> for AtomicBool {
        fn from(v: bool) -> Self {
            Self::new(v)
        }
    }

    /// The ordering of a compare-exchange's failure (a load) that stands in
    /// for `order`.
    fn load_part(order: Ordering) -> Ordering {
        match order {
            Ordering::AcqRel => Ordering::Acquire,
            Ordering::Release => Ordering::Relaxed,
            other => other,
        }
    }

    impl AtomicBool {
        /// `swap(v)` as `compare_exchange(!v, v)`: the same value returned,
        /// but a swap that finds `v` already there (a spin lock's failed
        /// `swap(true)`) writes nothing, as a plain load. Without this, every
        /// turn of a swap-based spin adds a store that loom must explore,
        /// and its search never ends. The swaps that change the value, and
        /// so everything another thread can read and synchronise with, are
        /// the same.
        #[track_caller]
        pub fn swap(&self, val: bool, order: Ordering) -> bool {
            let r = self.0.compare_exchange(!val, val, order, load_part(order));
            step(self.addr(), || {
                let (Ok(v) | Err(v)) = r;
                format!("swap({val:?}, {order:?}) = {v:?}")
            });
            match r {
                Ok(old) => {
                    forget(self.addr());
                    old
                }
                Err(current) => {
                    observe(self.addr(), u64::from(current));
                    current
                }
            }
        }

        #[track_caller]
        pub fn fetch_and(&self, val: bool, order: Ordering) -> bool {
            forget(self.addr());
            let v = self.0.fetch_and(val, order);
            step(self.addr(), || {
                format!("fetch_and({val:?}, {order:?}) = {v:?}")
            });
            v
        }
        #[track_caller]
        pub fn fetch_nand(&self, val: bool, order: Ordering) -> bool {
            forget(self.addr());
            let v = self.0.fetch_nand(val, order);
            step(self.addr(), || {
                format!("fetch_nand({val:?}, {order:?}) = {v:?}")
            });
            v
        }
        #[track_caller]
        pub fn fetch_or(&self, val: bool, order: Ordering) -> bool {
            if val {
                // `fetch_or(true)` is `swap(true)`: see there.
                return self.swap(true, order);
            }
            let v = self.0.fetch_or(val, order);
            step(self.addr(), || {
                format!("fetch_or({val:?}, {order:?}) = {v:?}")
            });
            observe(self.addr(), u64::from(v));
            v
        }
        #[track_caller]
        pub fn fetch_xor(&self, val: bool, order: Ordering) -> bool {
            forget(self.addr());
            let v = self.0.fetch_xor(val, order);
            step(self.addr(), || {
                format!("fetch_xor({val:?}, {order:?}) = {v:?}")
            });
            v
        }
    }

    /// See the module docs: loom's atomic pointer, which yields on a spin.
    pub struct AtomicPtr<T>(loom::sync::atomic::AtomicPtr<T>);

    // The pointer wrapper cannot use `common!` (it is generic); same methods.
    impl<T> AtomicPtr<T> {
        fn addr(&self) -> usize {
            self as *const Self as usize
        }

        #[track_caller]
        pub fn new(v: *mut T) -> Self {
            Self(loom::sync::atomic::AtomicPtr::new(v))
        }

        #[track_caller]
        pub fn load(&self, order: Ordering) -> *mut T {
            let v = self.0.load(order);
            step(self.addr(), || format!("load({order:?}) = {v:?}"));
            observe(self.addr(), v as usize as u64);
            v
        }

        #[track_caller]
        pub fn store(&self, val: *mut T, order: Ordering) {
            forget(self.addr());
            step(self.addr(), || format!("store({val:?}, {order:?})"));
            self.0.store(val, order)
        }

        #[track_caller]
        pub fn swap(&self, val: *mut T, order: Ordering) -> *mut T {
            let v = self.0.swap(val, order);
            step(self.addr(), || format!("swap({val:?}, {order:?}) = {v:?}"));
            observe(self.addr(), v as usize as u64);
            v
        }

        #[track_caller]
        pub fn compare_exchange(
            &self,
            current: *mut T,
            new: *mut T,
            success: Ordering,
            failure: Ordering,
        ) -> Result<*mut T, *mut T> {
            let r = self.0.compare_exchange(current, new, success, failure);
            step(self.addr(), || {
                cas("compare_exchange", &current, &new, &r, success)
            });
            match &r {
                Ok(_) => forget(self.addr()),
                Err(v) => observe(self.addr(), *v as usize as u64),
            }
            r
        }

        #[track_caller]
        pub fn compare_exchange_weak(
            &self,
            current: *mut T,
            new: *mut T,
            success: Ordering,
            failure: Ordering,
        ) -> Result<*mut T, *mut T> {
            let r = self.0.compare_exchange_weak(current, new, success, failure);
            step(self.addr(), || {
                cas("compare_exchange_weak", &current, &new, &r, success)
            });
            match &r {
                Ok(_) => forget(self.addr()),
                Err(v) => observe(self.addr(), *v as usize as u64),
            }
            r
        }

        pub fn into_inner(self) -> *mut T {
            self.0.into_inner()
        }

        pub fn with_mut<R>(&mut self, f: impl FnOnce(&mut *mut T) -> R) -> R {
            #[cfg(not(kata_shuttle))]
            return self.0.with_mut(f);
            #[cfg(kata_shuttle)]
            return f(self.0.get_mut());
        }
    }

    impl<T> Default for AtomicPtr<T> {
        fn default() -> Self {
            Self::new(std::ptr::null_mut())
        }
    }

    impl<T> fmt::Debug for AtomicPtr<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }
}
