#!/usr/bin/env bash
# Measures how long `cargo xtask check` takes: cold (nothing built yet for
# the check packages), warm (the same check again), and how long a
# deadlocking file takes to be diagnosed. Prints one line per figure.
#
#   bash scripts/measure-check.sh            # all three
#   WARM_RUNS=10 bash scripts/measure-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
kata=bounded-blocking-queue
deadlock=solutions/$kata/mutants/missing_notify_in_dequeue.rs
runs=${WARM_RUNS:-5}

cargo build --quiet -p xtask
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", e - s }'; }

rm -rf target/kata-check
echo "cores: $(nproc)"
echo "cold  check $kata --solution: $(secs cargo xtask check $kata --solution) s"
warm=()
for _ in $(seq "$runs"); do warm+=("$(secs cargo xtask check $kata --solution)"); done
printf 'warm  check %s --solution: %s s (min of %s; all: %s)\n' "$kata" \
  "$(printf '%s\n' "${warm[@]}" | sort -n | head -1)" "$runs" "${warm[*]}"
echo "deadlock diagnosed (--impl $deadlock): $(secs cargo xtask check $kata --impl $deadlock) s"
