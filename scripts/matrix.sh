#!/usr/bin/env bash
# Unit and integration tests on one more ansible-core: scripts/matrix.sh <python> <venv dir> <requirement>...
# `make matrix` calls it for the oldest versions the collection admits (ansible-core, and the floors of
# requirements.txt) and for the newest installable.
set -euo pipefail
python=$1 venv=$2
shift 2
cd "$(dirname "$0")/.."
[[ -n $python ]] || { echo "matrix: no Python for $* (install it under pyenv)" >&2; exit 1; }
stamp=$venv/.installed-$(printf '%s' "$* $python" | tr -c 'A-Za-z0-9.' _)
if [[ ! -e $stamp || requirements.txt -nt $stamp ]]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet --no-compile "$@" pytest pytest-xdist ansible-runner distlib markdown-it-py
  touch "$stamp"
fi
"$venv/bin/python" - <<'PY'
import ansible.release, requests, sys
from importlib.metadata import version
print('== matrix: ansible-core {0}, requests {1}, xmltodict {2}, Python {3}'.format(
    ansible.release.__version__, requests.__version__, version('xmltodict'), sys.version.split()[0]))
PY
# Every unit test; of the integration tests, those marked `matrix` (pytest.ini): each entry point at least once
# (module, usage module, lookup, gate, reports, ansible-runner jobs) and everything that depends on the
# versions of ansible-core, requests and urllib3 (formats, TLS, proxies, timeouts, secrets at -vvvv). The rest
# repeats, on every leg, policy arithmetic and API cases that the default environment's full run already
# proves through the same code. The event source's ansible-rulebook runs are left to the default environment
# (ansible-core 2.19, Python 3.11), the one docs/support.md names for it: deselected here, not skipped.
# The unit tests in one process: two xdist workers would each import the whole suite (8 s of CPU more a leg, measured),
# and the time the suite spends waiting on its loopback servers is the other lane's to use.
"$venv/bin/python" -m pytest -q tests/unit
"$venv/bin/python" -m pytest -q -n auto -m "matrix and not rulebook" tests/integration
