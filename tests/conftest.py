"""Make `ansible_collections.melissa.cicero` importable from this checkout for pytest.

ansible-test builds its own tree; for plain pytest a symlink under .build/ points the collection
name at the repository, so tests import the code exactly as Ansible does.
"""

import importlib.util
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINKS = os.path.join(REPO, '.build', 'links')


def _link_collection():
    target = os.path.join(LINKS, 'ansible_collections', 'melissa', 'cicero')
    if not os.path.islink(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.symlink(REPO, target)
        except FileExistsError:
            # On a fresh clone the unit and integration tests start side by side: the other made it first.
            if os.path.realpath(target) != os.path.realpath(REPO):
                raise
    if LINKS not in sys.path:
        sys.path.insert(0, LINKS)


try:
    FOUND = importlib.util.find_spec('ansible_collections.melissa.cicero') is not None
except ImportError:
    FOUND = False
if not FOUND:  # ansible-test already has the collection on the path
    _link_collection()
