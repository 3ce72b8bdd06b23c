"""The event source file as ansible-rulebook loads it (run as a file, not imported): its documentation and main()."""

import asyncio
import importlib.util
import json
import os
import select
import subprocess
import sys

import pytest
import yaml

from ansible_collections.melissa.cicero.plugins.plugin_utils._watch import watch_argument_spec

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
SOURCE_FILE = os.path.join(REPO, 'extensions', 'eda', 'plugins', 'event_source', 'credits.py')


def run_source_at(path, name='<run_path>'):
    """The source's namespace, executed as if its file were at `path` under the module name `name`: what
    runpy.run_path gives ansible-rulebook. Executed by hand here: under ansible-test the collection loader's path
    hook claims the path, and run_path looks for __main__."""
    namespace = {'__name__': name, '__file__': path}
    with open(SOURCE_FILE) as handle:
        exec(compile(handle.read(), SOURCE_FILE, 'exec'), namespace)  # pylint: disable=exec-used
    return namespace


@pytest.fixture(scope='module')
def source():
    return run_source_at(SOURCE_FILE)


def test_documentation_lists_every_argument_as_the_spec_declares_it(source):
    documented = yaml.safe_load(source['DOCUMENTATION'])['options']
    spec = watch_argument_spec().argument_spec
    assert sorted(documented) == sorted(spec)
    for name, declared in spec.items():
        shown = documented[name]
        assert shown['type'] == declared['type'], name
        assert shown.get('default') == declared.get('default'), name
        assert shown.get('choices') == declared.get('choices'), name
        assert shown.get('aliases') == declared.get('aliases'), name
        assert shown['description'], name


def test_examples_are_a_rulebook_using_the_source(source):
    rulebook, = yaml.safe_load(source['EXAMPLES'])
    assert list(rulebook['sources'][0]) == ['melissa.cicero.credits']


def test_a_bad_argument_stops_main_with_one_line_naming_it(source, monkeypatch):
    monkeypatch.delenv('MELISSA_LICENSE_KEY', raising=False)
    with pytest.raises(ValueError) as raised:
        asyncio.run(source['main'](asyncio.Queue(), dict(license_key='k', interval=-1234567)))
    assert str(raised.value) == 'melissa.cicero.credits: interval must be a number of seconds greater than 0, got -1234567'
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


@pytest.mark.parametrize('args, message', [
    (dict(min_credit=5), 'unknown argument min_credit: did you mean min_credits?'),
    (dict(ca_path='/nonexistent/ca.pem'), "ca_path '/nonexistent/ca.pem' does not exist; give the path of a PEM file "
                                          "of CA certificates"),
])
def test_a_misspelled_argument_or_a_missing_ca_path_stops_main_with_one_line(source, args, message):
    with pytest.raises(ValueError) as raised:
        asyncio.run(source['main'](asyncio.Queue(), dict(args, license_key='k')))
    assert str(raised.value) == 'melissa.cicero.credits: ' + message


COLLECTION_PART = os.path.join('ansible_collections', 'melissa', 'cicero', 'extensions', 'eda', 'plugins',
                               'event_source', 'credits.py')


@pytest.mark.parametrize('installed_in', ['/opt/collections', '/'])
def test_an_installed_source_puts_its_collections_folder_first_on_the_path_once(monkeypatch, installed_in):
    monkeypatch.setattr(sys, 'path', [entry for entry in sys.path if entry != installed_in])
    run_source_at(os.path.join(installed_in, COLLECTION_PART))
    assert sys.path[0] == installed_in
    run_source_at(os.path.join(installed_in, COLLECTION_PART))
    assert sys.path.count(installed_in) == 1


@pytest.mark.parametrize('path', [
    '/tmp/credits.py',                                                     # shorter than a collection's path
    '/srv/aaa/melissa/cicero/extensions/eda/plugins/event_source/credits.py',   # not in ansible_collections
    '/srv/zzz/melissa/cicero/extensions/eda/plugins/event_source/credits.py',
    '/srv/ansible_collections/cicero/extensions/eda/plugins/event_source/credits.py',  # one folder short
])
def test_a_source_outside_an_installed_collection_leaves_the_path_alone(monkeypatch, path):
    monkeypatch.setattr(sys, 'path', list(sys.path))
    before = list(sys.path)
    run_source_at(path)
    assert sys.path == before


def test_imported_by_its_name_it_starts_nothing(capsys):
    namespace = run_source_at(SOURCE_FILE, 'ansible_collections.melissa.cicero.extensions.eda.plugins.event_source.credits')
    assert callable(namespace['main']) and capsys.readouterr() == ('', '')


def test_run_by_hand_it_prints_each_event_as_a_line_of_json_at_once(simulator):
    """`python credits.py` from an installed collection, the settings from the environment: the first event is
    printed as soon as it is read (flushed: a pipe, a `| jq`, sees it), its keys sorted."""
    root = os.path.dirname(importlib.util.find_spec('ansible_collections.melissa.cicero.plugins').submodule_search_locations[0])
    source = os.path.join(root, 'extensions', 'eda', 'plugins', 'event_source', 'credits.py')
    env = dict(os.environ, MELISSA_LICENSE_KEY='cicero-demo-key', MELISSA_CICERO_API_URL=simulator.url('healthy'))
    env.pop('PYTHONUNBUFFERED', None)  # as a person's shell has it: a pipe's output is buffered unless flushed
    process = subprocess.Popen([sys.executable, source], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               text=True, start_new_session=True)
    try:
        ready, dummy, dummy = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ''
    finally:
        process.kill()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()
    event = json.loads(line)
    assert line == json.dumps(event, sort_keys=True) + '\n'
    assert event['cicero_credits']['status'] == 'ok' and 'cicero-demo-key' not in line
