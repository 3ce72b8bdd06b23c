"""Jobs as AWX and Ansible Automation Platform run them: through ansible-runner at -vvvv, the key injected as an
environment variable the way the "Melissa Cicero" credential type does, on success and failure paths.

Each job runs the module, the lookup and the gate. The key must appear in no job event, not in stdout and in
no artifact, except ansible-runner's own copy of its input (env/envvars, which AWX writes and deletes itself).
"""

import glob
import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY

from ansible_collections.melissa.cicero.plugins.module_utils._redact import secret_forms

pytestmark = pytest.mark.runner
BIN = os.path.dirname(sys.executable)
CREDENTIAL_TYPE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                               'docs', 'awx', 'melissa_cicero_credential_type.yml')

JOB = [{
    'name': 'A job template of a Cicero team',
    'hosts': 'all',
    'gather_facts': False,
    'module_defaults': {'group/melissa.cicero.cicero': {'retries': 0}},
    'tasks': [
        {'name': 'Read the credits', 'melissa.cicero.melissa_credits_info': {}, 'delegate_to': 'localhost',
         'run_once': True, 'register': 'cicero', 'ignore_errors': True},
        {'name': 'Show the balance through the lookup', 'ignore_errors': True, 'ansible.builtin.debug': {
            'msg': "lookup says {{ lookup('melissa.cicero.credits', retries=0).credit_balance }} credits"}},
        {'name': 'Gate', 'ansible.builtin.include_role': {'name': 'melissa.cicero.assert_credits'},
         'vars': {'assert_credits_min_credits': 5000, 'assert_credits_retries': 0}},
    ],
}]


def injected_environment(api_url):
    """What the credential type's injectors give a job: its env templates rendered with a credential."""
    with open(CREDENTIAL_TYPE) as handle:
        injectors = yaml.safe_load(handle)['injectors']['env']
    credential = {'license_key': LICENSE_KEY, 'username': '', 'password': '', 'api_url': api_url}
    return {name: credential[template.strip('{} ')] for name, template in injectors.items()}


@pytest.fixture
def awx_job(ansible_env, tmp_path):
    def run(api_url):
        private = tmp_path / 'job'
        for folder in ('project', 'inventory', 'env'):
            (private / folder).mkdir(parents=True)
        (private / 'project' / 'job.yml').write_text(yaml.safe_dump(JOB, sort_keys=False))
        (private / 'inventory' / 'hosts').write_text(
            'localhost ansible_connection=local ansible_python_interpreter={0}\n'.format(sys.executable))
        envvars = dict(injected_environment(api_url), ANSIBLE_COLLECTIONS_PATH=ansible_env['ANSIBLE_COLLECTIONS_PATH'],
                       ANSIBLE_HOME=ansible_env['ANSIBLE_HOME'], NO_PROXY='127.0.0.1', no_proxy='127.0.0.1')
        (private / 'env' / 'envvars').write_text(yaml.safe_dump(envvars))
        process_env = dict(ansible_env)
        process_env.pop('MELISSA_LICENSE_KEY')  # the key reaches the job only through the runner's input
        # --omit-env-files is what AWX asks of ansible-runner (suppress_env_files): no copies of env/ in artifacts.
        completed = subprocess.run(
            [os.path.join(BIN, 'ansible-runner'), 'run', str(private), '-p', 'job.yml', '--ident', 'job',
             '--cmdline=-vvvv', '--omit-env-files'],
            env=process_env, capture_output=True, text=True, timeout=300, check=False)
        events = [json.loads(open(path).read()) for path in
                  sorted(glob.glob(str(private / 'artifacts' / 'job' / 'job_events' / '*.json')))]
        return completed, events, private
    return run


def files_holding_the_key(private):
    forms = [form.encode() for form in secret_forms(LICENSE_KEY)]
    holding = []
    for folder, _dirs, files in os.walk(str(private)):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, 'rb') as handle:
                content = handle.read()
            if any(form in content for form in forms):
                holding.append(os.path.relpath(path, str(private)))
    return sorted(holding)


def results_of(events, task):
    """(failed, result) of each host's run of `task`, from the job events AWX would store."""
    return [(event['event'] == 'runner_on_failed', event['event_data']['res']) for event in events
            if event['event'] in ('runner_on_ok', 'runner_on_failed') and event['event_data'].get('task') == task]


@pytest.mark.parametrize('scenario, rc, module_msg, gate_msg', [
    # The matrix legs run a pass and a failing read through every ansible-runner release they install.
    pytest.param('healthy', 0, None, 'Cicero credits OK: 12,500 usable (12,500 balance), 5,000 required',
                 marks=pytest.mark.matrix),
    ('bad_request', 2, 'Cicero API error (HTTP 400): A detailed message about the error.',
     'Cicero credits could not be read: Cicero API error (HTTP 400): A detailed message about the error.'),
    pytest.param('html_502', 2,
                 'Cicero API answered HTTP 502 Bad Gateway (text/html): 502 Bad Gateway 502 Bad Gateway nginx',
                 'Cicero credits could not be read: Cicero API answered HTTP 502 Bad Gateway', marks=pytest.mark.matrix),
    ('low_balance', 2, None, 'Cicero credits too low: 150 usable (150 balance), 5,000 required'),
])
def test_a_job_through_ansible_runner_keeps_the_key_out_of_every_record(
        awx_job, simulator, scenario, rc, module_msg, gate_msg):
    completed, events, private = awx_job(simulator.url(scenario))
    assert completed.returncode == rc, completed.stdout + completed.stderr
    (module_failed, module), = results_of(events, 'Read the credits')
    (lookup_failed, lookup), = results_of(events, 'Show the balance through the lookup')
    if module_msg:
        assert module_failed and module['msg'] == module_msg
        # ansible-core words the wrapping of a lookup's error differently from release to release.
        assert lookup_failed and module_msg in lookup['msg'], lookup['msg']
    else:
        balance = {'healthy': 12500, 'low_balance': 150}[scenario]
        assert not module_failed and module['credit_balance'] == balance
        assert not lookup_failed and lookup['msg'] == 'lookup says {0} credits'.format(balance)
    (gate_failed, gate), = results_of(events, 'Assert enough Cicero credits')
    assert gate_failed == (rc != 0) and gate['msg'].startswith(gate_msg), gate
    # The job's records: stdout, every event, every artifact. Only the runner's input copy holds the key.
    assert not [form for form in secret_forms(LICENSE_KEY) if form in completed.stdout + completed.stderr]
    assert files_holding_the_key(private) == ['artifacts/job/command', 'env/envvars']
    # artifacts/job/command is the runner's record of what it ran: the command line (no key) and the
    # environment it was given (the injected key, as in env/envvars). Nothing else of it holds the key.
    with open(str(private / 'artifacts' / 'job' / 'command')) as handle:
        command = json.load(handle)
    command.pop('env')
    assert not [form for form in secret_forms(LICENSE_KEY) if form in json.dumps(command)]
