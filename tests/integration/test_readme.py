"""The README's next step after `make demo`: the lines the demo prints, run by bash as written."""

import os
import re
import signal
import subprocess
import sys

from ansible_collections.melissa.cicero.tests.support import free_port

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def readme_next_step():
    with open(os.path.join(REPO, 'README.md')) as handle:
        after_demo = handle.read().split('After `make demo`', 1)[1]
    return re.search(r'```sh\n(.*?)```', after_demo, re.S).group(1)


def test_the_demo_prints_the_readmes_next_step():
    with open(os.path.join(REPO, 'scripts', 'demo.sh')) as handle:
        hint = re.search(r"cat <<'HINT'\n(.*?)HINT\n", handle.read(), re.S).group(1)
    assert hint == readme_next_step()


def test_the_readmes_next_step_works_as_written(ansible_env, collections_path, tmp_path):
    # A clone after `make demo`, as the lines expect it: .venv, the collection in .build/collections, the
    # simulator under tests/. Only the port differs: 8765 may be taken on a shared machine.
    clone = tmp_path / 'clone'
    (clone / '.build').mkdir(parents=True)
    os.symlink(os.path.dirname(os.path.dirname(sys.executable)), str(clone / '.venv'))
    os.symlink(collections_path, str(clone / '.build' / 'collections'))
    os.symlink(os.path.join(REPO, 'tests'), str(clone / 'tests'))
    block = readme_next_step()
    assert block.count('8765') == 2, block
    script = block.replace('8765', str(free_port())) + 'kill %1\n'
    # What the lines set themselves is not given to them.
    env = dict((name, value) for name, value in ansible_env.items()
               if name not in ('ANSIBLE_COLLECTIONS_PATH', 'MELISSA_LICENSE_KEY', 'ANSIBLE_PYTHON_INTERPRETER'))
    process = subprocess.Popen(['bash', '-ec', script], cwd=str(clone), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output = process.communicate(timeout=180)[0]
    finally:
        # The simulator in the background stops with the session should a line fail before `kill %1`.
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        process.wait(30)
    assert process.returncode == 0, output
    assert '"credit_balance": 12500' in output, output
    assert 'Cicero credits OK: 12,500 usable (12,500 balance), 5,000 required' in output, output
