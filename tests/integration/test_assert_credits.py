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


@pytest.mark.matrix
def test_min_credits_both_sides(gate):
    assert_passes_with(gate('healthy', min_credits=12500),
                       'Cicero credits OK: 12,500 usable (12,500 balance), 12,500 required')
    assert_fails_with(gate('healthy', min_credits=12501),
                      'Cicero credits too low: 12,500 usable (12,500 balance), 12,501 required')


def test_default_policy_fails_an_empty_account(gate):
    assert_fails_with(gate('empty'), 'Cicero credits too low: 0 usable (0 balance), 1 required')


def test_warning_lets_the_play_go_on(gate):
    run = gate('low_balance', min_credits=100, warn_credits=1000)
    assert run.rc == 0, run.output
    assert '[WARNING]: Cicero credits running low: 150 usable (150 balance), below the warning level of 1,000' \
        in run.flat_output
    assert verdict_of(run)['warning'].startswith('Cicero credits running low')


def test_overdraft_counts_only_when_included(gate):
    assert_fails_with(gate('overdrawn', min_credits=500),
                      'Cicero credits too low: -200 usable (-200 balance), 500 required')
    assert_passes_with(gate('overdrawn', min_credits=500, include_overdraft='true'),
                       'Cicero credits OK: 800 usable (-200 balance, 1,000 overdraft), 500 required')


def test_valid_for_days_drops_expiring_batches(gate):
    assert_fails_with(gate('healthy', min_credits=12000, valid_for_days=30),
                      'Cicero credits too low: 10,000 usable (12,500 balance, 2,500 expire within 30 days), '
                      '12,000 required')
    assert_passes_with(gate('healthy', min_credits=12000, valid_for_days=15),
                       'Cicero credits OK: 12,000 usable (12,500 balance, 500 expire within 15 days), '
                       '12,000 required')


def test_expected_spend_with_margin(gate):
    assert_passes_with(gate('healthy', expected_spend=10000, margin_percent=25),
                       'Cicero credits OK: 12,500 usable (12,500 balance), 12,500 required '
                       '(expected spend 10,000 + 25% margin)')
    assert_fails_with(gate('healthy', expected_spend=10000, margin_percent=26),
                      'Cicero credits too low: 12,500 usable (12,500 balance), 12,600 required '
                      '(expected spend 10,000 + 26% margin)')


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


@pytest.mark.matrix
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


def test_no_usage_has_an_unbounded_runway(gate):
    run = gate('idle', min_runway_days=3650)
    assert run.rc == 0, run.output
    assert verdict_of(run)['runway_days'] is None
    assert 'runway unbounded (no usage' in verdict_of(run)['message']


def test_expiring_unused_rule_both_sides(gate, tmp_path):
    report = tmp_path / 'runway.json'
    run = gate('expiring_soon', max_expiring_unused=6000, report_path=report)
    assert run.rc == 0, run.output
    unused = json.loads(report.read_text())['expiring_unused']
    assert 5000 < unused < 6000          # 6,000 expire in 5 days at about 100 a day
    run = gate('expiring_soon', max_expiring_unused=1000)
    assert run.rc != 0
    assert verdict_of(run)['message'].startswith(
        'Cicero credits would expire unused: {0:,} expire before they can be spent at '.format(unused))


def test_usage_is_not_read_without_runway_rules(gate, fresh_simulator):
    assert gate('healthy', min_credits=5).rc == 0
    assert fresh_simulator.requests() == {'healthy GET /account/credits_remaining': 1}


def test_usage_read_failure_fails_a_runway_gate_with_the_api_message(gate):
    assert_fails_with(gate('usage_unavailable', min_runway_days=30),
                      'Cicero usage could not be read: Cicero API error (HTTP 400): Usage is not available for '
                      'this account.')


@pytest.mark.parametrize('variable', ['min_credits', 'valid_for_days', 'expected_spend', 'min_runway_days'])
def test_negative_policy_values_are_named(gate, fresh_simulator, variable):
    run = gate('healthy', **{variable: -5})
    assert run.rc != 0
    assert '{0} must be 0 or more, got -5'.format(variable) in run.flat_output, run.output
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
