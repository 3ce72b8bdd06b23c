"""Integration fixtures: the collection built and installed with ansible-galaxy, and the simulator.

Everything runs for real: `ansible-galaxy collection build/install`, then the `ansible` and
`ansible-playbook` commands of this virtual environment against the simulator on 127.0.0.1.
"""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY, build_collection, simulator_fixtures

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
CALLBACKS = os.path.join(REPO, 'tests', 'integration', 'callback_plugins')


def pytest_collection_modifyitems(items):
    for item in items:
        if '/tests/integration/' in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """The collection as users get it: built to a tarball, installed into an empty path."""
    work = tmp_path_factory.mktemp('galaxy')
    tarball = build_collection(os.path.join(BIN, 'ansible-galaxy'), str(work))
    installed = work / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', tarball, '-p', str(installed)],
                   check=True, capture_output=True, text=True)
    return str(installed)


simulator, fresh_simulator = simulator_fixtures()


@pytest.fixture(scope='session')
def ansible_env(collections_path, tmp_path_factory):
    home = tmp_path_factory.mktemp('home')
    env = {
        'PATH': BIN + os.pathsep + os.environ.get('PATH', ''),
        'HOME': str(home),
        'LANG': 'C.UTF-8',
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
        'ANSIBLE_HOME': str(home / '.ansible'),
        # These machines' interpreter discovery picks a broken pyenv shim for inventory hosts.
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'MELISSA_LICENSE_KEY': LICENSE_KEY,
    }
    for proxy in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'):
        env.pop(proxy, None)
    env['NO_PROXY'] = env['no_proxy'] = '127.0.0.1,localhost'
    return env


class Run:
    def __init__(self, completed, records):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.output = completed.stdout + completed.stderr
        # Older ansible-core wraps warnings at the terminal width: compare words, not line breaks.
        self.flat_output = ' '.join(self.output.split())
        self.records = records          # every task result, from callback_plugins/result_log.py

    def task_results(self, host='localhost', task=None):
        """Results for `host` (of the task named `task`, with or without its role prefix), in order."""
        return [dict(record['result'], _status=record['status']) for record in self.records
                if record['host'] == host and (task is None or record['task'].split(' : ')[-1] == task)]


@pytest.fixture
def ansible(ansible_env, tmp_path):
    """Run `ansible` or `ansible-playbook` (argv[0]) with the installed collection."""
    def run(argv, env=None, cwd=None, timeout=300):
        log = tmp_path / 'results-{0}.jsonl'.format(len(list(tmp_path.glob('results-*'))))
        full_env = dict(ansible_env, RESULT_LOG=str(log), ANSIBLE_CALLBACKS_ENABLED='result_log',
                        ANSIBLE_CALLBACK_PLUGINS=CALLBACKS, ANSIBLE_LOAD_CALLBACK_PLUGINS='1')
        full_env.update(env or {})
        completed = subprocess.run([os.path.join(BIN, argv[0])] + list(argv[1:]), env=full_env, cwd=cwd,
                                   capture_output=True, text=True, timeout=timeout, check=False)
        records = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return Run(completed, records)
    return run


RUNS_PLAYBOOK = """- hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the module once per item
      {module}: "{{{{ item.args }}}}"
      environment: "{{{{ item.env }}}}"
      loop: "{{{{ runs }}}}"
      ignore_errors: true
"""


@pytest.fixture
def module_runs(ansible, tmp_path):
    """A module once per (arguments, environment) of `runs`, in one ansible-playbook run (each item a module run of
    its own, with the item's environment variables set for it, as ad hoc runs are): returns (Run, [each item's
    result, in order]). One process for many reads keeps the suite's time down. `loudness` is added to the command
    line (-vvvv)."""
    def run(module, runs, env=None, loudness=()):
        playbook = tmp_path / 'runs.yml'
        playbook.write_text(RUNS_PLAYBOOK.format(module=module))
        variables = json.dumps(dict(runs=[dict(args=args, env=item_env or {}) for args, item_env in runs]))
        completed = ansible(['ansible-playbook', str(playbook), '-e', variables] + list(loudness), env=env)
        result, = completed.task_results(task='Run the module once per item')
        assert len(result['results']) == len(runs), completed.output
        return completed, result['results']
    return run


@pytest.fixture
def module_loop(module_runs):
    """module_runs of the same arguments (`extra`) against each of `urls`: returns (Run, {url: the item's result})."""
    def run(module, urls, extra=None, env=None, loudness=()):
        urls = list(urls)
        completed, results = module_runs(module, [(dict(extra or {}, api_url=url), None) for url in urls], env, loudness)
        return completed, dict(zip(urls, results))
    return run


@pytest.fixture
def credits_runs(module_runs):
    """module_runs of melissa_credits_info."""
    return lambda runs, env=None: module_runs('melissa.cicero.melissa_credits_info', runs, env)


@pytest.fixture(scope='session')
def here():
    """Absolute path of a file under tests/integration."""
    return lambda relative: os.path.join(REPO, 'tests', 'integration', relative)


@pytest.fixture
def credits_adhoc(ansible):
    """The module ad hoc on the implicit localhost; returns (Run, result dict)."""
    def run(api_url, *module_args, env=None):
        args = ' '.join(('api_url=' + api_url,) + module_args)
        completed = ansible(['ansible', 'localhost', '-m', 'melissa.cicero.melissa_credits_info', '-a', args],
                            env=env)
        return completed, completed.task_results()[0]
    return run
