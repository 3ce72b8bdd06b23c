"""The assert_credits role and the check_credits playbook, run for real against the simulator."""

import json
import re
import subprocess
import sys

import pytest

GATE = 'melissa.cicero.check_credits'


@pytest.fixture
def gate(ansible, simulator, tmp_path):
    """ansible-playbook melissa.cicero.check_credits against a scenario, -e for every extra var. The JSON
    report is the verdict as written on disk; run.task_results() is the registered assert_credits_result."""
    def run(scenario='healthy', *options, **extra_vars):
        extra_vars.setdefault('report_path', tmp_path / 'verdict.json')
        argv = ['ansible-playbook', GATE] + list(options)
        for name, value in extra_vars.items():
            argv += ['-e', 'assert_credits_{0}={1}'.format(name, value)]
        completed = ansible(argv, env={'MELISSA_CICERO_API_URL': simulator.url(scenario)})
        completed.report = extra_vars['report_path']
        return completed
    return run


def verdict_of(run):
    with open(str(run.report)) as handle:
        return json.load(handle)


def gate_line(run):
    """The one line the gate's task printed: the line after its task banner."""
    lines = run.stdout.splitlines()
    banner = [index for index, line in enumerate(lines) if line.startswith('TASK [') and 'Assert enough' in line]
    assert banner, run.output
    return lines[banner[-1] + 1]


def assert_fails_with(run, message):
    assert run.rc != 0, run.output
    assert gate_line(run) == message, run.output
    result, = run.task_results(task='Assert enough Cicero credits')
    assert (result['_status'], result['msg']) == ('failed', message)


def assert_passes_with(run, message):
    assert run.rc == 0, run.output
    assert gate_line(run) == message, run.output
    result, = run.task_results(task='Assert enough Cicero credits')
    assert (result['_status'], result['msg'], result['passed']) == ('ok', message, True)


# Each rule of the policy through the role, given its variables by a play, on both sides where it has two: (case,
# scenario, the role's variables, passed, the verdict's message). The edges themselves are proven by the unit tests.
POLICY_CASES = [
    ('min_credits met', 'healthy', dict(min_credits=12500), True,
     'Cicero credits OK: 12,500 usable (12,500 balance), 12,500 required'),
    ('min_credits missed by one', 'healthy', dict(min_credits=12501), False,
     'Cicero credits too low: 12,500 usable (12,500 balance), 12,501 required'),
    ('the default policy, an empty account', 'empty', {}, False,
     'Cicero credits too low: 0 usable (0 balance), 1 required'),
    ('below warn_credits', 'low_balance', dict(min_credits=100, warn_credits=1000), True,
     'Cicero credits OK: 150 usable (150 balance), 100 required'),
    ('overdraft left out', 'overdrawn', dict(min_credits=500), False,
     'Cicero credits too low: -200 usable (-200 balance), 500 required'),
    ('overdraft included', 'overdrawn', dict(min_credits=500, include_overdraft=True), True,
     'Cicero credits OK: 800 usable (-200 balance, 1,000 overdraft), 500 required'),
    ('valid_for_days drops a batch', 'healthy', dict(min_credits=12000, valid_for_days=30), False,
     'Cicero credits too low: 10,000 usable (12,500 balance, 2,500 expire within 30 days), 12,000 required'),
    ('valid_for_days keeps it', 'healthy', dict(min_credits=12000, valid_for_days=15), True,
     'Cicero credits OK: 12,000 usable (12,500 balance, 500 expire within 15 days), 12,000 required'),
    ('expected_spend with its margin met', 'healthy', dict(expected_spend=10000, margin_percent=25), True,
     'Cicero credits OK: 12,500 usable (12,500 balance), 12,500 required (expected spend 10,000 + 25% margin)'),
    ('expected_spend with its margin missed', 'healthy', dict(expected_spend=10000, margin_percent=26), False,
     'Cicero credits too low: 12,500 usable (12,500 balance), 12,600 required (expected spend 10,000 + 26% margin)'),
    ('min_runway_days of an idle account', 'idle', dict(min_runway_days=3650), True, None),
    ('max_expiring_unused met', 'expiring_soon', dict(max_expiring_unused=6000), True, None),
    ('max_expiring_unused exceeded', 'expiring_soon', dict(max_expiring_unused=1000), False, None),
    ('min_runway_days with the usage unreadable', 'usage_unavailable', dict(min_runway_days=30), False,
     'Cicero usage could not be read: Cicero API error (HTTP 400): Usage is not available for this account.'),
]


@pytest.fixture
def role_plays(ansible, simulator, tmp_path):
    """The assert_credits role in one ansible-playbook run, a play per case, the case's variables the play's, its
    failure ignored so that the next play runs: {case: (the registered result, the JSON report, or None)}."""
    def run(cases):
        plays = []
        for index, (case, scenario, variables) in enumerate(cases):
            play_vars = dict(('assert_credits_' + name, value) for name, value in variables.items())
            play_vars.update(assert_credits_api_url=simulator.url(scenario),
                             assert_credits_report_path=str(tmp_path / 'verdict-{0}.json'.format(index)))
            plays.append(dict(name=case, hosts='localhost', gather_facts=False, vars=play_vars, tasks=[{
                'ansible.builtin.import_role': dict(name='melissa.cicero.assert_credits', rolespec_validate=False),
                'ignore_errors': True}]))
        playbook = tmp_path / 'plays.yml'
        playbook.write_text(json.dumps(plays))
        completed = ansible(['ansible-playbook', str(playbook)])
        results = completed.task_results(task='Assert enough Cicero credits')
        assert len(results) == len(cases), completed.output
        reports = [tmp_path / 'verdict-{0}.json'.format(index) for index in range(len(cases))]
        return completed, dict((case[0], (result, json.loads(report.read_text()) if report.exists() else None))
                               for case, result, report in zip(cases, results, reports))
    return run


def test_each_rule_of_the_policy_on_both_sides(role_plays):
    run, verdicts = role_plays([case[:3] for case in POLICY_CASES])
    said = dict((case, (result['_status'], result.get('passed'), report['passed'] if report else None))
                for case, (result, report) in verdicts.items())
    assert said == dict((case[0], ('ok' if case[3] else 'failed', case[3], case[3])) for case in POLICY_CASES), \
        run.output
    # The message, as the task's result and the report give it.
    expected = dict((case[0], case[4]) for case in POLICY_CASES if case[4])
    messages = dict((case, (verdicts[case][0]['msg'], verdicts[case][1]['message'])) for case in expected)
    assert messages == dict((case, (message, message)) for case, message in expected.items())
    # A warning passes, is the report's, and is shown as Ansible's warning.
    warning = 'Cicero credits running low: 150 usable (150 balance), below the warning level of 1,000'
    assert verdicts['below warn_credits'][1]['warning'] == warning and '[WARNING]: ' + warning in run.flat_output
    idle = verdicts['min_runway_days of an idle account'][1]
    assert idle['runway_days'] is None and 'runway unbounded (no usage' in idle['message']
    unused = verdicts['max_expiring_unused met'][1]['expiring_unused']
    assert 5000 < unused < 6000          # 6,000 expire in 5 days at about 100 a day
    assert verdicts['max_expiring_unused exceeded'][1]['message'].startswith(
        'Cicero credits would expire unused: {0:,} expire before they can be spent at '.format(unused))


def test_check_mode_still_reads_and_fails(gate, fresh_simulator):
    run = gate('low_balance', '--check', min_credits=5000)
    assert_fails_with(run, 'Cicero credits too low: 150 usable (150 balance), 5,000 required')
    assert fresh_simulator.requests() == {'low_balance GET /account/credits_remaining': 1}


def test_a_run_limited_by_tags_still_meets_the_gate(gate, fresh_simulator):
    assert_fails_with(gate('low_balance', '--tags', 'deploy', min_credits=5000),
                      'Cicero credits too low: 150 usable (150 balance), 5,000 required')
    run = gate('low_balance', '--skip-tags', 'assert_credits', min_credits=5000)
    assert run.rc == 0, run.output
    assert fresh_simulator.requests() == {'low_balance GET /account/credits_remaining': 1}


@pytest.mark.matrix
def test_wrong_variable_type_is_rejected_before_any_request(gate, fresh_simulator):
    run = gate('healthy', min_credits='plenty')
    assert run.rc != 0
    assert "assert_credits_min_credits must be a whole number, got 'plenty'" in run.flat_output, run.output
    assert '<class' not in run.output
    assert fresh_simulator.requests() == {}


def test_api_error_fails_the_gate_with_the_api_message(gate):
    assert_fails_with(gate('error_in_200'),
                      'Cicero credits could not be read: Cicero API error (HTTP 200): This account has reached '
                      'its overdraft limit. Please purchase more credits.')


def test_report_is_written_on_pass_and_on_fail(gate, tmp_path):
    report = tmp_path / 'credits.json'
    assert gate('healthy', min_credits=100, report_path=report).rc == 0
    written = json.loads(report.read_text())
    assert (written['passed'], written['counted_credits'], written['required_credits']) == (True, 12500, 100)
    assert written['figures']['credit_balance'] == 12500 and written['policy']['min_credits'] == 100
    assert gate('low_balance', min_credits=5000, report_path=report).rc != 0
    written = json.loads(report.read_text())
    assert (written['passed'], written['shortfall'], written['counted_credits']) == (False, 4850, 150)


def test_ci_one_liner_with_only_environment(ansible, simulator):
    """The README's CI example as written: no inventory, the key and URL from the environment."""
    run = ansible(['ansible-playbook', GATE, '-e', 'assert_credits_min_credits=5000'],
                  env={'MELISSA_CICERO_API_URL': simulator.url('healthy')})
    assert run.rc == 0, run.output
    run = ansible(['ansible-playbook', GATE, '-e', 'assert_credits_min_credits=5000'],
                  env={'MELISSA_CICERO_API_URL': simulator.url('low_balance')})
    assert run.rc == 2, run.output


@pytest.fixture
def fleet_inventory(tmp_path):
    inventory = tmp_path / 'fleet.ini'
    inventory.write_text('[fleet]\n' + ''.join('web{0:02d} ansible_connection=local\n'.format(n) for n in range(50)))
    return str(inventory)


@pytest.mark.parametrize('playbook', ['fleet.yml', 'fleet_run_once.yml'])
def test_fifty_hosts_one_request_and_the_fact_on_every_host(ansible, fresh_simulator, fleet_inventory, here,
                                                            playbook):
    run = ansible(['ansible-playbook', '-i', fleet_inventory, here('playbooks/' + playbook),
                   '-e', 'assert_credits_min_credits=100'],
                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url('healthy')})
    assert run.rc == 0, run.output
    assert fresh_simulator.requests() == {'healthy GET /account/credits_remaining': 1}
    deployed = {record['host']: record['result']['msg'] for record in run.records if record['task'] == 'Deploy'}
    assert deployed == {'web{0:02d}'.format(n): 'deploying with 12500 credits counted' for n in range(50)}


@pytest.mark.parametrize('playbook', ['fleet.yml', 'fleet_run_once.yml'])
def test_fifty_hosts_all_stop_when_the_gate_fails(ansible, fresh_simulator, fleet_inventory, here, playbook):
    run = ansible(['ansible-playbook', '-i', fleet_inventory, here('playbooks/' + playbook),
                   '-e', 'assert_credits_min_credits=5000'],
                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url('low_balance')})
    assert run.rc == 2, run.output
    assert fresh_simulator.requests() == {'low_balance GET /account/credits_remaining': 1}
    assert [record for record in run.records if record['task'] == 'Deploy'] == []


@pytest.mark.matrix
def test_runway_rule_both_sides(gate, fresh_simulator):
    run = gate('healthy', min_runway_days=30)
    assert run.rc == 0, run.output
    verdict = verdict_of(run)
    assert verdict['runway_days'] > 30 and verdict['daily_burn'] > 0
    assert 'runway {0} days at'.format(int(verdict['runway_days'])) in verdict['message']
    run = gate('heavy_usage', min_runway_days=30)
    assert run.rc != 0
    verdict = verdict_of(run)
    assert verdict['message'].startswith('Cicero credits run out too soon: 12,500 usable last {0} days at '.format(
        int(verdict['runway_days'])))
    assert verdict['message'].endswith('30 days required')
    usage_calls = [key for key in fresh_simulator.requests() if '/account/usage/' in key]
    assert len(usage_calls) == 2


def test_usage_is_not_read_without_runway_rules(gate, fresh_simulator):
    assert gate('healthy', min_credits=5).rc == 0
    assert fresh_simulator.requests() == {'healthy GET /account/credits_remaining': 1}


def test_negative_policy_values_are_named_before_any_request(role_plays, fresh_simulator):
    names = ['min_credits', 'valid_for_days', 'expected_spend', 'min_runway_days']
    run, verdicts = role_plays([(name, 'healthy', {name: -5}) for name in names])
    said = dict((name, (result['_status'], result['msg'])) for name, (result, report) in verdicts.items())
    assert said == dict((name, ('failed', 'assert_credits_{0} must be 0 or more, got -5'.format(name)))
                        for name in names), run.output
    assert fresh_simulator.requests() == {}


@pytest.mark.matrix
def test_token_account_logs_in_once_for_credits_and_usage(ansible, fresh_simulator):
    run = ansible(['ansible-playbook', GATE, '-e', 'assert_credits_min_runway_days=30'],
                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url('healthy'), 'MELISSA_LICENSE_KEY': '',
                       'MELISSA_CICERO_USERNAME': 'demo-user', 'MELISSA_CICERO_PASSWORD': 'demo-pass'})
    assert run.rc == 0, run.output
    requests = fresh_simulator.requests()
    assert requests.pop('healthy POST /token/new.json') == 1, requests
    assert requests.pop('healthy GET /account/credits_remaining') == 1, requests
    assert list(requests.values()) == [1] and list(requests)[0].startswith('healthy GET /account/usage/'), requests


@pytest.mark.matrix
def test_gate_reads_with_the_controller_python_whatever_localhost_runs(ansible, simulator, tmp_path):
    """localhost given an interpreter without requests: the module cannot run there, the gate still reads."""
    bare = tmp_path / 'bare'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(bare)], check=True)
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('localhost ansible_connection=local ansible_python_interpreter={0}\n'.format(
        bare / 'bin' / 'python'))
    env = {'MELISSA_CICERO_API_URL': simulator.url('healthy')}
    module = ansible(['ansible', '-i', str(inventory), 'localhost', '-m', 'melissa.cicero.melissa_credits_info'],
                     env=env)
    assert module.rc != 0 and 'requests' in module.output, module.output
    assert_passes_with(ansible(['ansible-playbook', '-i', str(inventory), GATE], env=env),
                       'Cicero credits OK: 12,500 usable (12,500 balance), 1 required')


def test_every_warning_of_a_bare_check_credits_run_is_explained_in_the_gate_guide(ansible, simulator, here):
    run = ansible(['ansible-playbook', GATE], env={'MELISSA_CICERO_API_URL': simulator.url(),
                                                   'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'true',
                                                   'ANSIBLE_LOCALHOST_WARNING': 'true'})
    assert run.rc == 0, run.output
    warnings = re.findall(r'\[WARNING\]: (.*?)(?:\n(?!\S)|$)', run.output, re.M)
    assert len(warnings) == 2, run.output
    with open(here('../../docs/gate-a-deployment.md')) as handle:
        guide = ' '.join(handle.read().split())
    for warning in warnings:
        assert ' '.join(warning.split()) in guide, warning
