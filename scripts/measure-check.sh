#!/usr/bin/env bash
# Measures what the learner waits for, on this machine:
#
# 1. edit-to-verdict for a passing kata, every kata: a scratch copy of the
#    reference solution is edited, then checked (`check --impl`, as the
#    learner's own file would be), RUNS times; the median is reported;
# 2. beside it, in the same run and interleaved with it, rustlings (the tool
#    learners already know) doing the same: edit `threads2.rs`, then
#    `rustlings run threads2`; the ratio of medians is reported;
# 3. edit-to-verdict when the functional stage fails (two mutants);
# 4. how long a deadlocking file takes to be diagnosed.
#
# An edit inserts a new comment line at the top of the file: every line
# below moves, so the compiler's incremental caches are of as little help
# as they can be. (A bare `touch` changes nothing the compiler can see, and
# would flatter incremental builds.)
#
#   bash scripts/measure-check.sh                 # every kata, 3 runs each
#   RUNS=5 bash scripts/measure-check.sh foobar   # one kata, 5 runs
#
# rustlings is installed into target/tools (once) and initialised outside
# this workspace (in ~/.cache/kata-measure: a rustlings project inside the
# tree would be picked up by `cargo fmt --all`), with its own solution of
# threads2 in place so that `run` compiles and runs it. Nothing under katas/ is touched. The Miri
# stage is left out (`--no-miri`): it is a separate, minutes-long cost the
# README states on its own.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
katas=("$@")
if [ ${#katas[@]} -eq 0 ]; then
    mapfile -t katas < <(sed -n 's/^name = "\(.*\)"/\1/p' katas.toml)
fi

cargo build --quiet -p xtask
tools=target/tools
rustlings=$tools/bin/rustlings
if [ ! -x "$rustlings" ]; then
    echo "installing rustlings 6.5.0 into $tools (once) ..."
    cargo install --quiet --locked rustlings --version 6.5.0 --root "$tools"
fi
rustlings=$PWD/$rustlings
home=${XDG_CACHE_HOME:-$HOME/.cache}/kata-measure
rl=$home/rustlings
if [ ! -d "$rl" ]; then
    mkdir -p "$home"
    (cd "$home" && "$rustlings" init </dev/null >/dev/null)
fi
cp "$rl/solutions/20_threads/threads2.rs" "$rl/exercises/20_threads/threads2.rs"

# A fresh first line, different every time.
edit() { sed -i "1i // edit $RANDOM$RANDOM" "$1"; }

secs() {
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 </dev/null || true
    e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", e - s }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

scratch=target/measure
mkdir -p "$scratch"
echo "cores: $(nproc); runs per kata: $runs; edit = a new first line, then check (warm)"
echo
echo "| kata | edit-to-verdict, median (s) | rustlings run threads2, median (s) | ratio |"
echo "|---|---|---|---|"
all_ours=()
all_theirs=()
for kata in "${katas[@]}"; do
    file=$scratch/${kata//-/_}.rs
    cp "solutions/$kata/src/lib.rs" "$file"
    # A first check builds what the warm ones reuse.
    cargo xtask check "$kata" --impl "$file" --no-miri >/dev/null 2>&1 || true
    ours=()
    theirs=()
    for _ in $(seq "$runs"); do
        edit "$file"
        ours+=("$(secs cargo xtask check "$kata" --impl "$file" --no-miri)")
        edit "$rl/exercises/20_threads/threads2.rs"
        theirs+=("$(cd "$rl" && secs "$rustlings" run threads2)")
    done
    m_ours=$(median "${ours[@]}")
    m_theirs=$(median "${theirs[@]}")
    all_ours+=("${ours[@]}")
    all_theirs+=("${theirs[@]}")
    printf '| %s | %s | %s | %s× |\n' "$kata" "$m_ours" "$m_theirs" \
        "$(awk -v a="$m_ours" -v b="$m_theirs" 'BEGIN { printf "%.0f", a / b }')"
done
m_ours=$(median "${all_ours[@]}")
m_theirs=$(median "${all_theirs[@]}")
printf '| **all** | %s | %s | %s× |\n' "$m_ours" "$m_theirs" \
    "$(awk -v a="$m_ours" -v b="$m_theirs" 'BEGIN { printf "%.0f", a / b }')"

echo
echo "| functional stage fails | edit-to-verdict, median (s) |"
echo "|---|---|"
for m in foobar/mutants/bar_never_waits lru-cache/mutants/evicts_most_recent; do
    kata=${m%%/*}
    file=$scratch/fails_${kata//-/_}.rs
    cp "solutions/$m.rs" "$file"
    cargo xtask check "$kata" --impl "$file" --no-miri >/dev/null 2>&1 || true
    fails=()
    for _ in $(seq "$runs"); do
        edit "$file"
        fails+=("$(secs cargo xtask check "$kata" --impl "$file" --no-miri)")
    done
    printf '| %s | %s |\n' "$m" "$(median "${fails[@]}")"
done

deadlock=solutions/bounded-blocking-queue/mutants/missing_notify_in_dequeue.rs
echo
echo "deadlock diagnosed (check bounded-blocking-queue --impl $deadlock): $(secs cargo xtask check bounded-blocking-queue --impl $deadlock) s"
