//! Spawning threads and yielding. Under loom, threads are loom's, and at most
//! four may be spawned besides the main one.

use std::panic::Location;

use crate::hooks;

/// An owned permission to join a thread started with [`spawn`].
pub struct JoinHandle<T> {
    #[cfg(not(loom))]
    inner: std::thread::JoinHandle<T>,
    #[cfg(loom)]
    inner: loom::thread::JoinHandle<T>,
    /// The thread's name for the timeline, set when it starts (loom's
    /// handles cannot say whose they are).
    #[cfg(loom)]
    name: Label,
}

#[cfg(loom)]
type Label = std::sync::Arc<std::sync::Mutex<String>>;

/// Wraps a thread body: registers the thread for the checker and, under
/// loom, records its name for the handle and its start for the timeline.
#[cfg(loom)]
fn body<F: FnOnce() -> T, T>(
    f: F,
    location: &'static Location<'static>,
) -> (impl FnOnce() -> T, Label) {
    hooks::step(Some(location), || "spawn".to_owned());
    let ctx = hooks::spawning();
    let label = Label::default();
    let mine = std::sync::Arc::clone(&label);
    let body = move || {
        let _live = hooks::live(ctx);
        hooks::step(None, || {
            let name = hooks::current_thread_name();
            name.clone_into(&mut mine.lock().unwrap_or_else(|e| e.into_inner()));
            "started".to_owned()
        });
        f()
    };
    (body, label)
}

/// Spawns a thread running `f`, and returns a handle to join it.
///
/// # Panics
///
/// Panics if the operating system cannot create a thread, as
/// `std::thread::spawn` does.
#[track_caller]
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn(f).expect("failed to spawn thread")
}

/// Configures a thread before it starts: std's `Builder`, reduced to a name.
/// Names show in reports ("producer-2 is blocked in Condvar::wait at ...").
#[derive(Debug, Default)]
pub struct Builder {
    name: Option<String>,
}

impl Builder {
    /// A builder with no name set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the thread.
    pub fn name(mut self, name: String) -> Self {
        self.name = Some(name);
        self
    }

    /// Spawns the thread, or says why it could not.
    #[track_caller]
    pub fn spawn<F, T>(self, f: F) -> std::io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        #[cfg(not(loom))]
        {
            let ctx = hooks::spawning();
            let body = move || {
                let _live = hooks::live(ctx);
                f()
            };
            let mut b = std::thread::Builder::new();
            if let Some(name) = self.name {
                b = b.name(name);
            }
            Ok(JoinHandle {
                inner: b.spawn(body)?,
            })
        }
        #[cfg(loom)]
        {
            let (body, name) = body(f, Location::caller());
            let mut b = loom::thread::Builder::new();
            if let Some(n) = self.name {
                b = b.name(n);
            }
            Ok(JoinHandle {
                inner: b.spawn(body)?,
                name,
            })
        }
    }
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish; `Err` carries its panic.
    #[track_caller]
    pub fn join(self) -> std::thread::Result<T> {
        let location = Location::caller();
        #[cfg(loom)]
        let name = std::sync::Arc::clone(&self.name);
        #[cfg(loom)]
        let name = move || match name.lock().unwrap_or_else(|e| e.into_inner()).as_str() {
            "" => "(not started)".to_owned(),
            n => n.to_owned(),
        };
        #[cfg(loom)]
        hooks::step(Some(location), || format!("join {}", name()));
        let _blocked = hooks::enter("JoinHandle::join", location);
        let r = self.inner.join();
        #[cfg(loom)]
        hooks::step(Some(location), || format!("joined {}", name()));
        r
    }

    /// Whether the thread has finished (real threads only: loom's threads
    /// cannot be polled).
    #[cfg(not(loom))]
    pub fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

impl<T> std::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

/// Lets another thread run. Under loom it is a point where loom may switch
/// threads, which is what lets it explore a spin loop.
pub fn yield_now() {
    // Counted in check builds: a suite can tell a spinner reached its loop.
    hooks::spun();
    #[cfg(not(loom))]
    std::thread::yield_now();
    #[cfg(loom)]
    loom::thread::yield_now();
}
