"""Ansible's documentation markup ends a C(), V(), O(), RV(), E(), M(), I(), B() or U() at the first `)`: a
parenthesis inside one (`C((retries + 1) x 2)`) cuts it short and leaves the rest as stray text. Every plugin's,
doc fragment's and the role's documentation is read here, and no markup may hold an opening parenthesis."""

import ast
import glob
import os
import re

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The markup of ansible-doc; what a `(` inside one of them means is always a slip.
MARKUP = re.compile(r'\b(?:RV|[CVOEMIBU])\(([^)]*)\)')


def documented_files():
    python = sorted(glob.glob(os.path.join(REPO, 'plugins', '*', '*.py')) +
                    glob.glob(os.path.join(REPO, 'extensions', 'eda', 'plugins', '*', '*.py')))
    return python, sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'meta', 'argument_specs.yml')))


def doc_strings(path):
    """Every documentation string of a plugin file: DOCUMENTATION, RETURN, EXAMPLES and a doc fragment's."""
    tree = ast.parse(open(path).read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            if any(getattr(target, 'id', '') in ('DOCUMENTATION', 'RETURN', 'EXAMPLES') for target in node.targets):
                yield node.value.value


def strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def slips(text):
    return [match.group(0) for match in MARKUP.finditer(text) if '(' in match.group(1)]


def test_the_markup_finder_finds_a_slip():
    assert slips('at most C((retries + 1) x 2 x timeout) seconds, O(timeout), V(json)') == ['C((retries + 1)']


def test_no_markup_in_any_documentation_is_cut_short_by_a_parenthesis():
    python, roles = documented_files()
    assert len(python) >= 10 and roles, 'no documentation found: the paths are wrong'
    found = {}
    for path in python:
        for text in doc_strings(path):
            found.update((os.path.relpath(path, REPO) + ': ' + slip, True) for slip in slips(text))
    for path in roles:
        with open(path) as handle:
            for text in strings(yaml.safe_load(handle)):
                found.update((os.path.relpath(path, REPO) + ': ' + slip, True) for slip in slips(text))
    assert sorted(found) == []
