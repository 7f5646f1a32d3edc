#!/usr/bin/env bash
# Checks answers on a busy machine: starts HOGS busy loops (2 by default,
# one per core of the 2-core reference machine), then checks each subject
# RUNS times and prints a pass-rate table. Correct answers must pass every
# run; mutants must be rejected every run, by the stage their header names.
#
#   bash scripts/busy-check.sh                      # the default sample
#   RUNS=10 HOGS=2 bash scripts/busy-check.sh foobar:solution foobar:/tmp/x.rs
#
# A subject is KATA:solution, KATA:stub, or KATA:FILE (an --impl file; a
# file under mutants/ is expected to be rejected). A learner's check stops
# at the first stage that fails, and under load an earlier stage sometimes
# catches a mutant first (a lost wakeup that real threads happen to hit):
# the table counts any rejection and shows which stages gave it.
#
#   RUNS=10 CHECK_ARGS="--only stress" bash scripts/busy-check.sh KATA:FILE
#
# passes CHECK_ARGS to every check (here: only the stress stage, the one
# whose outcome load could change, for a subject whose full check is long).
#
#   RUNS=1 bash scripts/busy-check.sh --mutants [KATA]
#
# runs `cargo xtask mutants` beside the busy loops instead: every mutant in
# the catalogue, each checked by the stage its header names, which must
# reject it. The table counts, per mutant, the runs in which it did.
#
# The Miri stage is left out (`--no-miri`): Miri interprets the program
# with its own scheduler, so load makes it slower but cannot change what it
# finds, and it would take most of the time. MIRI=1 keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
hogs=${HOGS:-2}

mutants=0
if [ "${1:-}" = --mutants ]; then
    mutants=1
    shift
fi
subjects=("$@")
if [ $mutants = 1 ]; then
    :
elif [ ${#subjects[@]} -eq 0 ]; then
    for k in $(ls solutions); do
        subjects+=("$k:solution")
        for f in solutions/$k/alternatives/*.rs; do [ -e "$f" ] && subjects+=("$k:$f"); done
    done
    subjects+=(
        "bounded-blocking-queue:solutions/bounded-blocking-queue/mutants/missing_notify_in_dequeue.rs"
        "bounded-blocking-queue:solutions/bounded-blocking-queue/mutants/spins_forever.rs"
        "dining-philosophers:solutions/dining-philosophers/mutants/everyone_takes_the_left_fork_first.rs"
    )
fi

cargo build --quiet -p xtask
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
for _ in $(seq "$hogs"); do
    ( while :; do :; done ) &
    pids+=($!)
done
echo "cores: $(nproc), busy loops: $hogs, runs per subject: $runs"
if [ $mutants = 1 ]; then
    # One line per mutant per run: "ok|FAIL kata/name stage".
    results=$(mktemp)
    for _ in $(seq "$runs"); do
        out=$(cargo xtask mutants "${subjects[@]}" 2>&1 || true)
        printf '%s\n' "$out" | sed -nE 's/^ +(ok|FAIL) +([^ ]+) must be rejected by ([a-z]+):.*/\1 \2 \3/p' >>"$results"
        if printf '%s\n' "$out" | grep -qE '^ +FAIL '; then
            mkdir -p target/busy-check
            kept=target/busy-check/mutants-$(date +%s%N).txt
            printf '%s\n' "$out" >"$kept"
            echo "  a mutant was not rejected by its stage (report kept in $kept)"
        fi
    done
    printf '%-60s %-12s %s\n' mutant stage "runs in which its stage rejected it"
    awk '{ n[$2]++; if ($1 == "ok") ok[$2]++; st[$2] = $3 }
         END { for (m in n) printf "%-60s %-12s %d/%d\n", m, st[m], ok[m], n[m] }' "$results" | sort
    total=$(awk '{ print $2 }' "$results" | sort -u | wc -l)
    bad=$(awk '$1 != "ok" { print $2 }' "$results" | sort -u | wc -l)
    echo "mutants: $total, rejected by their stage on every run: $((total - bad))"
    rm -f "$results"
    exit 0
fi
printf '%-28s %-70s %s\n' kata subject "result (expected: pass, or rejected by the named stage)"
for s in "${subjects[@]}"; do
    kata=${s%%:*}
    what=${s#*:}
    case $what in
        solution) args=(--solution); expect=pass ;;
        stub) args=(); expect=notstarted ;;
        *) args=(--impl "$what")
           if [[ $what == */mutants/* ]]; then
               expect=$(sed -n 's|^//! stage: *||p' "$what" | head -1)
           else
               expect=pass
           fi ;;
    esac
    [ "${MIRI:-0}" = 1 ] || args+=(--no-miri)
    # shellcheck disable=SC2206 # CHECK_ARGS is split into words on purpose
    [ -z "${CHECK_ARGS:-}" ] || args+=(${CHECK_ARGS})
    good=0
    times=()
    stages=()
    for _ in $(seq "$runs"); do
        start=$(date +%s.%N)
        out=$(cargo xtask check "$kata" "${args[@]}" 2>&1 || true)
        end=$(date +%s.%N)
        times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", e - s }')")
        # No verdict line at all (a usage error, a crash) is unexpected too.
        verdict=$(printf '%s\n' "$out" | grep -E '^(PASS|FAIL|NOT VERIFIED|not started|only:)' | tail -1 || true)
        [ -n "$verdict" ] || verdict="no verdict: $(printf '%s\n' "$out" | tail -1)"
        ok=0
        case $expect in
            pass) [[ $verdict == PASS* || $verdict == "only: "*"finds no bug"* ]] && ok=1 ;;
            notstarted) [[ $verdict == "not started"* ]] && ok=1 ;;
            *) if [[ $verdict == FAIL* ]]; then
                   ok=1
                   stage=$(printf '%s\n' "$verdict" | sed -nE 's/.*fails the ([a-z]+) stage.*/\1/p')
                   stages+=("${stage:-?}")
               fi ;;
        esac
        if [ $ok = 1 ]; then
            good=$((good + 1))
        else
            # Keep the report of every unexpected verdict, to read after.
            mkdir -p target/busy-check
            kept=target/busy-check/$kata-$(basename "$what" .rs)-$(date +%s%N).txt
            printf '%s\n' "$out" >"$kept"
            echo "  unexpected: $verdict (report kept in $kept)"
        fi
    done
    if [ ${#stages[@]} -gt 0 ]; then
        by=$(printf '%s\n' "${stages[@]}" | sort | uniq -c | awk '{ printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1 }')
        printf '%-28s %-70s %s/%s rejected (by %s; its header names %s) [s: %s]\n' "$kata" "$what" "$good" "$runs" "$by" "$expect" "${times[*]}"
    else
        printf '%-28s %-70s %s/%s as expected (%s) [s: %s]\n' "$kata" "$what" "$good" "$runs" "$expect" "${times[*]}"
    fi
done
