//! The failure report: what could not be explained, and the history as a
//! per-thread timeline.

use std::fmt::{Debug, Write};

use crate::Call;

pub(crate) fn report<Op: Debug, Ret: Debug, M: Debug>(
    history: &[Call<Op, Ret>],
    explained: &[usize],
    state: &M,
    contradicted: &[(usize, String)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "no sequential order of these {} calls explains every result.",
        history.len()
    );
    let _ = writeln!(
        out,
        "the longest explainable prefix has {} calls and leaves the state at {state:?};",
        explained.len()
    );
    if contradicted.is_empty() {
        let _ = writeln!(
            out,
            "no call can come next without breaking real-time order."
        );
    } else {
        let _ = writeln!(
            out,
            "from there, no call that could come next gets its real result:"
        );
        for (i, model) in contradicted {
            let c = &history[*i];
            let _ = writeln!(
                out,
                "  thread {}: {:?} returned {:?}, but a sequential object would return {model}",
                c.thread, c.op, c.ret
            );
        }
    }
    out.push_str(&timeline(history, explained));
    out
}

/// One line per thread; each call shows `[invoke-response]`, with `*` on the
/// calls in the explained prefix.
pub(crate) fn timeline<Op: Debug, Ret: Debug>(
    history: &[Call<Op, Ret>],
    explained: &[usize],
) -> String {
    let mut threads: Vec<usize> = history.iter().map(|c| c.thread).collect();
    threads.sort_unstable();
    threads.dedup();
    let mut out = String::from("timeline (times are ticks of one clock; * = explained):\n");
    for t in threads {
        let _ = write!(out, "  thread {t}:");
        let mut calls: Vec<(usize, &Call<Op, Ret>)> = history
            .iter()
            .enumerate()
            .filter(|(_, c)| c.thread == t)
            .collect();
        calls.sort_by_key(|(_, c)| c.invoke);
        for (i, c) in calls {
            let mark = if explained.contains(&i) { "*" } else { "" };
            let _ = write!(
                out,
                "  [{}-{}]{mark} {:?} -> {:?}",
                c.invoke, c.response, c.op, c.ret
            );
        }
        out.push('\n');
    }
    out
}
