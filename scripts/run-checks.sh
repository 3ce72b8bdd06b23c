#!/usr/bin/env bash
# make test: every check is a make target. The shared set-up (the virtual environment, Java, faketime) is made
# first; then the lanes run side by side, each its own targets in turn (this machine has 2 cores: the
# integration tests' 2 workers in one lane, the single-process checks in the other), and then, whichever lane
# is free first, the next target of a shared queue: a fresh clone and a second run balance differently (on a
# fresh clone ansible-test's set-up makes the second lane the long one, on a second run the integration tests'
# lane), and the queue lets the lane that finishes first take the rest. Each target's output is logged and
# printed whole when it ends; then one table (target, wall and CPU time, what passed) and a check that
# nothing the suite started is still running.
#   scripts/run-checks.sh "<setup targets>" "<shared queue>" "<lane 1 targets>" "<lane 2 targets>" ...
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
logs=.build/check-logs
rm -rf "$logs" && mkdir -p "$logs"
# Every process the checks start carries this (where an environment is passed on), for the leftover check.
export CICERO_CHECKS=$PWD
python3 scripts/leftovers.py "$PWD" --snapshot "$logs/running-before"
# Ctrl-C or a kill stops every lane and what it started (the simulators stop when their pipe closes).
trap 'trap - INT TERM; kill 0 2>/dev/null; exit 130' INT TERM

# CPU seconds (user + system) of the children a shell has waited for, from the second line of `times`.
# `times` must run in the shell that waited (in a command substitution it would be a subshell's, with none).
cpu_of_times() {
  awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] } } END { printf "%d", total }' "$1"
}

run_target() {
  local target=$1 begin rc
  times >"$logs/.$target.times-before"
  begin=$(date +%s)
  make --no-print-directory "$target" >"$logs/$target.log" 2>&1
  rc=$?
  times >"$logs/.$target.times-after"
  printf '%s %s %s %s\n' "$target" "$(( $(date +%s) - begin ))" "$rc" \
    "$(( $(cpu_of_times "$logs/.$target.times-after") - $(cpu_of_times "$logs/.$target.times-before") ))" \
    >>"$logs/times"
  # One target's whole output at a time, whichever lane finishes first.
  {
    flock 9
    printf '\n==== make %s: %s in %ss ====\n' "$target" "$( ((rc == 0)) && echo ok || echo FAILED)" "$(( $(date +%s) - begin ))"
    cat "$logs/$target.log"
  } 9>"$logs/.print-lock"
  return "$rc"
}

# The next target of the shared queue (empty when none is left), taken under a lock: each runs once.
next_shared() {
  {
    flock 8
    head -n 1 "$logs/.queue"
    sed -i 1d "$logs/.queue"
  } 8>"$logs/.queue-lock"
}

run_targets() {
  local target failed=0
  for target in $1; do
    run_target "$target" || failed=1
  done
  return "$failed"
}

# A lane: its own targets, then the shared queue's until none is left.
run_lane() {
  local target failed=0
  run_targets "$1" || failed=1
  while target=$(next_shared) && [[ -n $target ]]; do
    run_target "$target" || failed=1
  done
  return "$failed"
}

started=$(date +%s)
setup=$1
read -r -a shared <<<"$2"
printf '%s\n' "${shared[@]}" >"$logs/.queue"
shift 2
run_targets "$setup" || { echo "make test: the set-up ($setup) failed; nothing else ran" >&2; exit 1; }
pids=()
for lane in "$@"; do
  run_lane "$lane" &
  pids+=("$!")
done
for pid in "${pids[@]}"; do
  wait "$pid"
done

python3 scripts/check-table.py "$logs" "$(( $(date +%s) - started ))"
failed=$(awk '$3 != 0 { printf "%s ", $1 }' "$logs/times")
python3 scripts/leftovers.py "$PWD" --since "$logs/running-before" || failed+="leftovers"
if [[ -n $failed ]]; then
  echo "make test: FAILED: $failed(logs in $logs/)" >&2
  exit 1
fi
echo "make test: all checks passed"
