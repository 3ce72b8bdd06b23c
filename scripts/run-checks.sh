#!/usr/bin/env bash
# make test: each check is its own make target, run in turn with its output shown and logged; then one table
# (target, time, what passed) and a check that nothing the suite started is still running.
#   scripts/run-checks.sh <make target>...
set -uo pipefail
cd "$(dirname "$0")/.."
logs=.build/check-logs
rm -rf "$logs" && mkdir -p "$logs"
started=$(date +%s)
failed=()
for target in "$@"; do
  begin=$(date +%s)
  make --no-print-directory "$target" 2>&1 | tee "$logs/$target.log"
  rc=${PIPESTATUS[0]}
  printf '%s %s %s\n' "$target" "$(( $(date +%s) - begin ))" "$rc" >>"$logs/times"
  (( rc == 0 )) || failed+=("$target")
done
python3 scripts/check-table.py "$logs" "$(( $(date +%s) - started ))"
python3 scripts/leftovers.py "$PWD" || failed+=(leftovers)
if (( ${#failed[@]} )); then
  echo "make test: FAILED: ${failed[*]} (logs in $logs/)" >&2
  exit 1
fi
echo "make test: all checks passed"
