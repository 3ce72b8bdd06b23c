#!/usr/bin/env bash
# Run ansible-test from a fresh ansible_collections/melissa/cicero tree under .build/, offline-safe.
#   scripts/ansible-test.sh <venv bin dir> sanity|units [ansible-test options...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$1" && pwd); shift
tree=$repo/.build/ansible-test/ansible_collections/melissa/cicero
home=$repo/.build/ansible-test-home

# The tree holds exactly what git would commit (tracked and new, not ignored files). The virtual environments
# ansible-test made in it (tests/output/.tmp/delegation: the controller's, and one per target Python of the unit
# tests) outlive it, so that a second run reuses them: set-up is cached, the checks are not.
venvs=$tree/tests/output/.tmp/delegation kept=$repo/.build/ansible-test-venvs
if [[ -d $venvs ]]; then rm -rf "$kept" && mv "$venvs" "$kept"; fi
rm -rf "$tree" && mkdir -p "$tree"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - ) | tar -xf - -C "$tree"
if [[ -d $kept ]]; then mkdir -p "$(dirname "$venvs")" && mv "$kept" "$venvs"; fi
# Its own git repository: otherwise ansible-test asks the enclosing checkout, which ignores .build/.
git -C "$tree" init -q && git -C "$tree" add -A

# ansible-test bootstraps pip in its own venvs from a cached get-pip script: provide ours for the
# pip version this ansible-test asks for.
pip_version=$("$bin/python" - <<'PY'
import re, ansible_test._internal.python_requirements as r
print(re.search(r"pip='([0-9.]+)'", open(r.__file__).read()).group(1))
PY
)
mkdir -p "$home/.ansible/test/cache"
cp "$repo/scripts/get_pip_standin.py" "$home/.ansible/test/cache/get_pip_${pip_version//./_}.py"

cd "$tree"
HOME=$home PATH=$bin:$PATH "$bin/ansible-test" "$@"
