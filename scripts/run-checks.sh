#!/usr/bin/env bash
# make test: each check is its own make target, run in turn with its output shown and logged; then one table
# (target, time, what passed) and a check that nothing the suite started is still running.
#   scripts/run-checks.sh <make target>...
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
logs=.build/check-logs
rm -rf "$logs" && mkdir -p "$logs"
# Every process the checks start carries this (where an environment is passed on), for the leftover check.
export CICERO_CHECKS=$PWD
python3 scripts/leftovers.py "$PWD" --snapshot "$logs/running-before"
# CPU seconds (user + system) of every child this shell has waited for, from the second line of `times`.
# `times` must run in this shell itself (in a command substitution it would be a subshell's, with no children).
cpu_of_times() {
  awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] } } END { printf "%d", total }' "$1"
}
started=$(date +%s)
failed=()
for target in "$@"; do
  times >"$logs/.times-before"
  begin=$(date +%s)
  make --no-print-directory "$target" 2>&1 | tee "$logs/$target.log"
  rc=${PIPESTATUS[0]}
  times >"$logs/.times-after"
  cpu_before=$(cpu_of_times "$logs/.times-before") cpu_after=$(cpu_of_times "$logs/.times-after")
  printf '%s %s %s %s\n' "$target" "$(( $(date +%s) - begin ))" "$rc" "$(( cpu_after - cpu_before ))" >>"$logs/times"
  (( rc == 0 )) || failed+=("$target")
done
python3 scripts/check-table.py "$logs" "$(( $(date +%s) - started ))"
python3 scripts/leftovers.py "$PWD" --since "$logs/running-before" || failed+=(leftovers)
if (( ${#failed[@]} )); then
  echo "make test: FAILED: ${failed[*]} (logs in $logs/)" >&2
  exit 1
fi
echo "make test: all checks passed"
