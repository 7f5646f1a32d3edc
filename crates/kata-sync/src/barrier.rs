use std::fmt;
use std::panic::Location;

use crate::{Condvar, Mutex};

/// Lets `n` threads wait until all `n` have arrived, then releases them all
/// at once. It can be reused: the next `n` arrivals form the next round.
///
/// Built on the facade's own [`Mutex`] and [`Condvar`] (loom has no barrier).
pub struct Barrier {
    n: usize,
    state: Mutex<BarrierState>,
    all_arrived: Condvar,
}

struct BarrierState {
    /// Threads that have arrived in the current round.
    arrived: usize,
    /// Counts finished rounds. A waiter leaves when this moves past the round
    /// it arrived in, which is robust to spurious wakeups and to fast threads
    /// arriving for the next round before slow ones have woken.
    round: u64,
}

impl Barrier {
    /// Creates a barrier for `n` threads. As with `std::sync::Barrier`, `0` is
    /// treated as `1`: every `wait` returns at once.
    pub fn new(n: usize) -> Self {
        Self {
            n: n.max(1),
            state: Mutex::new(BarrierState {
                arrived: 0,
                round: 0,
            }),
            all_arrived: Condvar::new(),
        }
    }

    /// Blocks until `n` threads (this one included) have called `wait` in
    /// this round.
    #[track_caller]
    pub fn wait(&self) {
        let location = Location::caller();
        let mut state = self.state.lock_at(location);
        state.arrived += 1;
        if state.arrived == self.n {
            state.arrived = 0;
            state.round += 1;
            self.all_arrived.notify_all();
            return;
        }
        let my_round = state.round;
        while state.round == my_round {
            self.all_arrived.wait_for_notification(&mut state, location);
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("n", &self.n)
            .finish_non_exhaustive()
    }
}
