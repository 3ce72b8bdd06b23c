#!/usr/bin/env bash
# Every plugin and the role render in ansible-doc from the installed collection; antsibull-docs lint.
#   scripts/check-docs.sh <venv bin dir> <collections path>
set -euo pipefail
bin=$(cd "$1" && pwd)
ANSIBLE_COLLECTIONS_PATH=$(cd "$2" && pwd)
export ANSIBLE_COLLECTIONS_PATH PATH=$bin:$PATH
installed=$ANSIBLE_COLLECTIONS_PATH/ansible_collections/melissa/cicero
repo=$(cd "$(dirname "$0")/.." && pwd)

# ansible-doc --list must show every module of the repository, and each must render with its options.
listed=$(ansible-doc --list melissa.cicero --json)
rendered=0
for file in "$repo"/plugins/modules/*.py; do
  name=melissa.cicero.$(basename "$file" .py)
  rendered=$((rendered + 1))
  grep -q "\"$name\"" <<<"$listed" || { echo "ansible-doc --list misses $name" >&2; exit 1; }
  ansible-doc "$name" | grep -q "OPTIONS" || { echo "ansible-doc $name renders no options" >&2; exit 1; }
done
for plugin_type in lookup filter; do
  for file in "$repo/plugins/$plugin_type"/*.py; do
    [[ -e $file ]] || continue
    ansible-doc -t "$plugin_type" "melissa.cicero.$(basename "$file" .py)" >/dev/null
    rendered=$((rendered + 1))
  done
done
for role in "$repo"/roles/*/; do
  ansible-doc -t role "melissa.cicero.$(basename "$role")" | grep -q "assert_credits_min_credits\|OPTIONS\|Options" \
    || { echo "ansible-doc -t role renders nothing for $role" >&2; exit 1; }
  rendered=$((rendered + 1))
done
echo "ansible-doc renders $rendered plugins and roles: every module, lookup and role"

antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck "$installed"
