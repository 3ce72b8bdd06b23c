#!/usr/bin/env bash
# Run a command with the Cicero simulator listening on 127.0.0.1, then stop the simulator.
#   scripts/with-simulator.sh [simulator options --] command args...
# The command sees SIMULATOR_URL (the simulator's root) and MELISSA_CICERO_API_URL (its /v3.1 base URL).
# The simulator reads its standard input from this script (--stop-with-stdin): when the script ends, on
# success, failure or Ctrl-C, the pipe closes and the simulator stops, whatever PID a Python shim had.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
sim_args=()
if [[ " $* " == *" -- "* ]]; then
  while [[ $1 != -- ]]; do sim_args+=("$1"); shift; done
  shift
fi
coproc SIMULATOR { exec "$python" "$here/../tests/simulator/cicero_simulator.py" --port 0 --stop-with-stdin \
  --lifetime 900 "${sim_args[@]}" 2>&1; }
sim_pid=$SIMULATOR_PID
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
if ! IFS= read -r -t 30 MELISSA_CICERO_API_URL <&"${SIMULATOR[0]}" || [[ $MELISSA_CICERO_API_URL != http* ]]; then
  echo "with-simulator: the simulator did not start: ${MELISSA_CICERO_API_URL:-no answer in 30 s}" >&2
  exit 1
fi
export MELISSA_CICERO_API_URL SIMULATOR_URL=${MELISSA_CICERO_API_URL%/v3.1}
"$@"
