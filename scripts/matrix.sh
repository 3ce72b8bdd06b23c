#!/usr/bin/env bash
# Unit and integration tests on one more ansible-core: scripts/matrix.sh <python> <ansible-core spec> <venv dir>
# `make matrix` calls it for the oldest version meta/runtime.yml admits and the newest installable.
set -euo pipefail
python=$1 spec=$2 venv=$3
cd "$(dirname "$0")/.."
[[ -n $python ]] || { echo "matrix: no Python for $spec (set PY312 or install it)" >&2; exit 1; }
stamp=$venv/.installed-$(printf '%s' "$spec $python" | tr -c 'A-Za-z0-9.' _)
if [[ ! -e $stamp || requirements.txt -nt $stamp ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet "$spec" -r requirements.txt pytest pytest-xdist responses
  touch "$stamp"
fi
echo "== matrix: ansible-core $("$venv/bin/python" -c 'import ansible.release as r; print(r.__version__)') on $("$venv/bin/python" --version)"
# The event source's ansible-rulebook runs are left to the default environment (ansible-core 2.19, Python
# 3.11), the one docs/support.md names for it: deselected here, not skipped.
"$venv/bin/python" -m pytest -q -n auto -m "not rulebook" tests/unit tests/integration
