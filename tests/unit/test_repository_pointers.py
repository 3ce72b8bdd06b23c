"""Pointers in the repository's own files lead somewhere: every `make <target>` named is a Makefile target,
and every relative link of the Markdown files is a file or folder of the repository."""

import os
import re
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_MENTION = re.compile(r'`make ([a-z][a-z-]*)')
MARKDOWN_LINK = re.compile(r'\]\(([^)#\s]+)(?:#[^)]*)?\)')


def tracked(*suffixes):
    listed = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.split()
    assert 'README.md' in listed, 'git did not list this repository'
    return [name for name in listed if name.endswith(suffixes) and os.path.exists(os.path.join(REPO, name))]


def makefile_targets():
    with open(os.path.join(REPO, 'Makefile')) as handle:
        return set(re.findall(r'^([a-z][a-z-]*):', handle.read(), re.M))


def test_every_make_target_named_exists():
    if not os.path.exists(os.path.join(REPO, '.git')):
        pytest.fail('needs the git checkout to list the files')
    targets = makefile_targets()
    named = {}
    for name in tracked('.md', '.yml', '.yaml', '.py', '.sh', 'Makefile'):
        with open(os.path.join(REPO, name), encoding='utf-8') as handle:
            for target in MAKE_MENTION.findall(handle.read()):
                named.setdefault(target, []).append(name)
    assert named, 'no `make` mention found: the pattern is broken'
    assert {target: files for target, files in named.items() if target not in targets} == {}


def test_every_relative_markdown_link_resolves():
    broken, checked = [], 0
    for name in tracked('.md'):
        with open(os.path.join(REPO, name), encoding='utf-8') as handle:
            links = MARKDOWN_LINK.findall(handle.read())
        for link in links:
            if re.match(r'^[a-z]+\\?:', link):
                continue  # https:, mailto:
            checked += 1
            if not os.path.exists(os.path.normpath(os.path.join(REPO, os.path.dirname(name), link))):
                broken.append((name, link))
    assert checked >= 10, 'only {0} relative links found: the pattern or the file list is broken'.format(checked)
    assert broken == []
