"""One version source: galaxy.yml. The User-Agent must name it."""

import os
import re

from ansible_collections.melissa.cicero.plugins.module_utils._version import COLLECTION_VERSION, USER_AGENT

GALAXY = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')


def test_user_agent_names_the_galaxy_version():
    with open(GALAXY) as handle:
        version = re.search(r'^version:\s*(\S+)\s*$', handle.read(), re.MULTILINE).group(1)
    assert COLLECTION_VERSION == version
    assert USER_AGENT == 'melissa.cicero/' + version
