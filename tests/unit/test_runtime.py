"""meta/runtime.yml: the action group holds every module that talks to the API, and nothing else."""

import os
import re

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = os.path.join(REPO, 'plugins', 'modules')


def api_modules():
    """Modules documented with the shared connection options: the ones that call the API."""
    names = set()
    for filename in os.listdir(MODULES):
        if filename.endswith('.py') and not filename.startswith('_'):
            with open(os.path.join(MODULES, filename)) as handle:
                if re.search(r'^\s+- melissa\.cicero\._connection\s*$', handle.read(), re.MULTILINE):
                    names.add(filename[:-3])
    return names


def test_action_group_holds_every_api_module():
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        group = set(yaml.safe_load(handle)['action_groups']['cicero'])
    modules = api_modules()
    assert {'melissa_credits_info', 'melissa_usage_info'} <= modules
    assert group == modules, 'missing from group/melissa.cicero.cicero: {0}; not API modules: {1}'.format(
        sorted(modules - group), sorted(group - modules))
