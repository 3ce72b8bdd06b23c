"""What the unit, integration and benchmark code share: the license keys the tests use, the simulator started
and stopped by a test, the collection built and installed as users get it, small readers of what it writes.

Imported as ansible_collections.melissa.cicero.tests.support, the way ansible-test imports a collection's test
code: tests/conftest.py makes the checkout importable by that name for plain pytest, `make bench` and `make
collection` put it on PYTHONPATH. `python -m ansible_collections.melissa.cicero.tests.support <folder>` builds the
collection into <folder> as the tests do (what `make collection` runs).
"""

import glob
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIMULATOR = os.path.join(REPO, 'tests', 'simulator', 'cicero_simulator.py')

# Characters that URL-encoding changes, on purpose: the leak tests look for every spelling.
LICENSE_KEY = 'int-key/with space+plus&eq='
OTHER_KEY = 'staging key/+&= two'       # a second account, for two watches side by side
WATCH_KEY = 'watch key/+&= secret'      # the watch's unit tests
SIMULATOR_TEST_KEY = 'sim key/+&='      # the simulator's own tests
# The license keys the tests' simulators know besides their demo key (--key); any other key is refused as the
# API refuses an invalid one, so a test that sends the wrong key fails rather than passes.
SIMULATOR_KEYS = (LICENSE_KEY, OTHER_KEY, WATCH_KEY, SIMULATOR_TEST_KEY)


class Simulator:
    def __init__(self, process, base_url):
        self.process = process
        self.base_url = base_url                 # http://127.0.0.1:PORT/v3.1
        self.root = base_url[:-len('/v3.1')]

    def url(self, scenario='healthy', shape=None):
        return '/'.join([self.root, scenario] + ([shape] if shape else []) + ['v3.1'])

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.root + '/_reset', method='POST'), timeout=5).read()

    def stats(self):
        with urllib.request.urlopen(self.root + '/_stats', timeout=5) as answer:
            return json.load(answer)

    def requests(self):
        return self.stats()['requests']

    def stop(self):
        self.process.stdin.close()  # --stop-with-stdin: the end of input stops it
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process.stdout.close()


def start_simulator(*args, started_within=30):
    """A simulator on a free port that stops with stop(), or by itself when the process that started it
    ends, however it ends (--stop-with-stdin: the pipe to it closes): a forked test that exits without
    teardown, a killed pytest or a Ctrl-C leave nothing behind. Its lifetime is only a last resort."""
    process = subprocess.Popen([sys.executable, SIMULATOR, '--port', '0', '--stop-with-stdin', '--lifetime', '1800',
                                '--slow-seconds', '4'] + [option for key in SIMULATOR_KEYS for option in ('--key', key)]
                               + list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, start_new_session=True)
    ready, dummy, dummy = select.select([process.stdout], [], [], started_within)
    first_line = process.stdout.readline().strip() if ready else ''
    if not first_line.startswith(('http://', 'https://')):
        process.kill()
        process.wait(10)
        raise RuntimeError('the simulator did not start within {0} s (exit code {1}): {2!r}'.format(
            started_within, process.poll(), first_line))
    return Simulator(process, first_line)


def simulator_fixtures(*args):
    """(simulator, fresh_simulator) pytest fixtures for a conftest: one simulator (start_simulator(*args)) for
    the session, stopped with it or when its process ends; fresh_simulator resets its counts first."""
    import pytest  # pylint: disable=import-outside-toplevel  # the benchmarks use this module without pytest

    @pytest.fixture(scope='session')
    def simulator():
        server = start_simulator(*args)
        yield server
        server.stop()

    @pytest.fixture
    def fresh_simulator(simulator):  # pylint: disable=redefined-outer-name
        simulator.reset()
        return simulator

    return simulator, fresh_simulator


def gate_result(ansible, *extra_vars, env=None):
    """ansible-playbook melissa.cicero.check_credits through the `ansible` fixture, with `-e` for each of
    extra_vars: (the run, the gate task's registered result)."""
    argv = ['ansible-playbook', 'melissa.cicero.check_credits']
    for item in extra_vars:
        argv += ['-e', item]
    run = ansible(argv, env=env)
    result, = run.task_results(task='Assert enough Cicero credits')
    return run, result


def lookup_tasks_play(tasks):
    """A play of one debug task per (name, expression, task variables) of `tasks`, its msg the expression, each
    failure ignored so that the play goes on to the next (look a task's result up by its name)."""
    return '- hosts: localhost\n  gather_facts: false\n  tasks:\n' + ''.join(
        '    - name: {0}\n      ansible.builtin.debug:\n        msg: {1}\n      vars: {2}\n      ignore_errors: true\n'.format(
            name, json.dumps('{{ ' + expression + ' }}'), json.dumps(variables)) for name, expression, variables in tasks)


def free_port():
    """A port on 127.0.0.1 that nothing listens on now, for commands that take a fixed one (the docs' 8765 may
    be taken on a shared machine)."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def read_dotenv(text, folder):
    """The CICERO_* variables of a dotenv report as a shell reads it (`set -a; . file`)."""
    path = os.path.join(str(folder), 'read.env')
    with open(path, 'w') as handle:
        handle.write(text)
    shown = subprocess.run(['bash', '-c', 'set -a; . "$1"; env -0', 'bash', path], capture_output=True,
                           check=True, env={'PATH': os.environ['PATH']}).stdout.decode()
    return dict(item.split('=', 1) for item in shown.split('\0') if item.startswith('CICERO_'))


def checkout_files(repo=REPO):
    """The checkout's files as git sees them: tracked, and untracked but not ignored (a new file not yet added
    is tested too). None outside a git checkout."""
    try:
        listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=repo,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted(name for name in set(listed.split('\0')) if name and os.path.isfile(os.path.join(repo, name)))


def copy_checkout(names, tree, repo=REPO):
    for name in names:
        os.makedirs(os.path.dirname(os.path.join(tree, name)), exist_ok=True)
        shutil.copy2(os.path.join(repo, name), os.path.join(tree, name))


def build_collection(ansible_galaxy, work):
    """ansible-galaxy collection build into `work`, from a copy of the checkout's files; returns the tarball.

    A copy, because galaxy.yml's manifest makes ansible-galaxy walk every file under the folder it builds,
    virtual environments and scratch folders included, and fail on one that vanishes during the walk: checks
    that run beside the tests (ansible-test, ansible-lint) create and delete such files in the checkout. What a
    build of the checkout itself holds is tested in test_credits_info.py (clutter never enters the tarball)."""
    names = checkout_files()
    source = REPO
    if names is not None:
        source = os.path.join(work, 'checkout')
        copy_checkout(names, source)
    built = subprocess.run([ansible_galaxy, 'collection', 'build', source, '--output-path', work],
                           capture_output=True, text=True, check=False)
    if built.returncode != 0:
        raise RuntimeError('ansible-galaxy collection build failed:\n{0}{1}'.format(built.stdout, built.stderr))
    tarball, = glob.glob(os.path.join(work, 'melissa-cicero-*.tar.gz'))
    return tarball
