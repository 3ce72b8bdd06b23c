#!/usr/bin/env bash
# Run a command with the Cicero simulator listening on 127.0.0.1, then stop the simulator.
#   scripts/with-simulator.sh [simulator options --] command args...
# The command sees SIMULATOR_URL (the simulator's root) and MELISSA_CICERO_API_URL (its /v3.1 base URL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
sim_args=()
if [[ " $* " == *" -- "* ]]; then
  while [[ $1 != -- ]]; do sim_args+=("$1"); shift; done
  shift
fi
log=$(mktemp)
"$python" "$here/../tests/simulator/cicero_simulator.py" --port 0 --lifetime 900 "${sim_args[@]}" >"$log" &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do [[ -s $log ]] && break; sleep 0.1; done
MELISSA_CICERO_API_URL=$(head -n 1 "$log")
export MELISSA_CICERO_API_URL SIMULATOR_URL=${MELISSA_CICERO_API_URL%/v3.1}
"$@"
