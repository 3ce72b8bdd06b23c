"""One version source: galaxy.yml. The User-Agent must name it."""

import os
import re

import yaml

from ansible_collections.melissa.cicero.plugins.module_utils._version import COLLECTION_VERSION, USER_AGENT

GALAXY = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'galaxy.yml')


def test_user_agent_names_the_galaxy_version():
    with open(GALAXY) as handle:
        version = re.search(r'^version:\s*(\S+)\s*$', handle.read(), re.MULTILINE).group(1)
    assert COLLECTION_VERSION == version
    assert USER_AGENT == 'melissa.cicero/' + version


def test_the_newest_release_of_the_changelog_is_the_galaxy_version():
    """changelogs/changelog.yaml (antsibull-changelog's record) and CHANGELOG.md both end at galaxy.yml's version."""
    root = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..')
    with open(os.path.join(root, 'changelogs', 'changelog.yaml')) as handle:
        releases = yaml.safe_load(handle)['releases']
    newest = max(releases, key=lambda version: tuple(int(part) for part in version.split('.')))
    assert newest == COLLECTION_VERSION
    with open(os.path.join(root, 'CHANGELOG.md')) as handle:
        assert re.search(r'^## v(\S+)$', handle.read(), re.MULTILINE).group(1).replace('\\', '') == COLLECTION_VERSION
