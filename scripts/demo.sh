#!/usr/bin/env bash
# make demo: the main job of the collection against the simulator, as a user would run it.
set -euo pipefail
cd "$(dirname "$0")/.."
export ANSIBLE_COLLECTIONS_PATH=$PWD/.build/collections ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export MELISSA_LICENSE_KEY=cicero-demo-key   # the simulator's demo account; a real key comes from your vault
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Simulator of the Cicero API at $MELISSA_CICERO_API_URL"

step "Ad hoc: ansible localhost -m melissa.cicero.melissa_credits_info -a format=xml"
ansible localhost -m melissa.cicero.melissa_credits_info -a format=xml

step "Playbook task: the figures a play can use"
ansible-playbook scripts/demo-figures.yml

step "CI gate that passes: ansible-playbook melissa.cicero.check_credits -e assert_credits_min_credits=5000"
ansible-playbook melissa.cicero.check_credits -e assert_credits_min_credits=5000

step "The verdict where CI and monitoring look: JUnit, Prometheus metrics and dotenv reports"
reports=$PWD/.build/demo-reports && mkdir -p "$reports"
ansible-playbook melissa.cicero.check_credits -e assert_credits_min_credits=5000 -e assert_credits_account=demo \
  -e "{\"assert_credits_reports\": {\"junit\": \"$reports/cicero.xml\", \"openmetrics\": \"$reports/cicero.prom\", \"dotenv\": \"$reports/cicero.env\"}}" >/dev/null
echo "--- $reports/cicero.env"; cat "$reports/cicero.env"
cat <<'NOTE'
    "usable" in the message is what the gate counted (the balance, or with assert_credits_include_overdraft
    the balance plus the overdraft limit); AVAILABLE_CREDITS is always the balance plus the overdraft limit.
    RUNWAY_DAYS and RUNS_OUT_AT are empty: no runway rule asked for a pace (assert_credits_min_runway_days,
    or assert_credits_history_path with assert_credits_burn_rate_from=observed); a runway that never ends
    would read "unbounded".
NOTE
echo "--- $reports/cicero.prom (samples; the last read's time shown as a date beside its epoch seconds)"
grep -v '^#' "$reports/cicero.prom" | while read -r name value; do
  if [[ $name == *timestamp_seconds* ]]; then
    printf '%s %s   (%s)\n' "$name" "$value" "$(date -u -d "@$(printf "%.0f" "$value")" '+%Y-%m-%d %H:%M:%S UTC' 2>/dev/null || true)"
  else
    printf '%s %s\n' "$name" "$value"
  fi
done

step "CI gate that stops a deployment: the low_balance account, 5000 credits required"
if MELISSA_CICERO_API_URL=$SIMULATOR_URL/low_balance/v3.1 \
    ansible-playbook melissa.cicero.check_credits -e assert_credits_min_credits=5000; then
  echo "unexpected: the gate passed" >&2; exit 1
fi
echo "(exit code non-zero, as a CI job needs)"

step "Next: the module, the gate and the watch from this clone (README, after the Quick start)"
cat <<'HINT'
. .venv/bin/activate && export ANSIBLE_COLLECTIONS_PATH=$PWD/.build/collections MELISSA_LICENSE_KEY=cicero-demo-key
python3 tests/simulator/cicero_simulator.py --port 8765 &     # the simulator; `kill %1` stops it
export MELISSA_CICERO_API_URL=http://127.0.0.1:8765/v3.1
ansible localhost -m melissa.cicero.melissa_credits_info
ansible-playbook melissa.cicero.check_credits -e assert_credits_min_credits=5000
HINT
echo "and the watch: docs/watch-credits-with-eda.md"
