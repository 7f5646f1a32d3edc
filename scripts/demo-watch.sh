#!/usr/bin/env bash
# Drives `cargo xtask watch` through a real terminal (tmux) the way a learner
# does: start watching a kata, ask for a hint, save a wrong answer and see it
# fail, save a right one and see watch pass it and move on, then quit.
#
# It works on a throwaway copy of the repository (tracked and untracked files,
# not ignored ones), so no learner file is touched. Builds go to
# target/demo-watch, kept between runs: the first run builds everything once.
# DEMO_TARGET_DIR=target reuses the main build (CI does): xtask finds the
# copy as its root from the folder it runs in.
#
#   scripts/demo-watch.sh [kata]     (default: bounded-blocking-queue)
#
# Exits non-zero, with the screen as it was, if a step does not show up
# within its deadline.
set -euo pipefail

kata=${1:-bounded-blocking-queue}
root=$(cd "$(dirname "$0")/.." && pwd)
target_dir=$(cd "$root" && mkdir -p "${DEMO_TARGET_DIR:-target/demo-watch}" && cd "${DEMO_TARGET_DIR:-target/demo-watch}" && pwd)
command -v tmux >/dev/null || { echo "demo-watch: needs tmux (apt-get install tmux)" >&2; exit 2; }

work=$(mktemp -d)
session="kata-watch-demo-$$"
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/repo"
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$work/repo"
stub="$work/repo/katas/$kata/src/lib.rs"
solution="$work/repo/solutions/$kata/src/lib.rs"
wrong=$(grep -l '^//! stage: functional' "$work/repo/solutions/$kata/mutants/"*.rs | head -n1 || true)
[ -f "$stub" ] && [ -f "$solution" ] || { echo "demo-watch: no kata named $kata" >&2; exit 2; }

step() { printf '\n=== %s\n' "$*"; }
screen() { tmux capture-pane -p -t "$session"; }
# wait_for TEXT SECONDS: until the pane shows TEXT; fails with the screen.
wait_for() {
    local text=$1 deadline=$((SECONDS + $2))
    until screen | grep -qF -- "$text"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "demo-watch: '$text' did not appear within $2 s. The screen:" >&2
            screen >&2
            exit 1
        fi
        sleep 0.2 # polling the pane: tmux has no event to wait on
    done
}

step "start: cargo xtask watch $kata (in tmux)"
tmux new-session -d -s "$session" -x 150 -y 60 \
    "cd '$work/repo' && CARGO_TARGET_DIR='$target_dir' KATA_PROGRESS_DIR='$work/progress' cargo xtask watch $kata; echo WATCH-EXITED-\$?; sleep 3600"
wait_for "is not started" 900
screen | grep -E "not started|watching|hint" || true

step "type h + Enter: the first hint"
tmux send-keys -t "$session" h Enter
wait_for "Hint 1 of" 30
screen | grep -F "Hint 1 of" | cut -c1-140

if [ -n "$wrong" ]; then
    step "save a wrong answer ($(basename "$wrong")): watch re-checks and fails it"
    cp "$wrong" "$stub"
    wait_for "FAIL" 900
    screen | grep -E "^\[|FAIL" | head -n 5
fi

step "save the reference solution: watch re-checks, passes, and moves on"
cp "$solution" "$stub"
wait_for "moving on to" 900
screen | grep -E "PASS|Passed|moving on" | head -n 5

step "press Enter: the next kata is checked (not started), then q + Enter quits"
tmux send-keys -t "$session" Enter
wait_for "watching katas/" 300
tmux send-keys -t "$session" q Enter
wait_for "WATCH-EXITED-0" 30
echo "demo-watch: ok"
