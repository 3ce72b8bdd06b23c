"""check_credits with every report and the GitHub Actions variables, each file read back by a real parser."""

import json
import os
import subprocess
from xml.etree import ElementTree

import pytest
import yaml

from prometheus_client.parser import text_string_to_metric_families

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY, read_dotenv as dotenv

from ansible_collections.melissa.cicero.plugins.module_utils._redact import secret_forms

GATE = 'melissa.cicero.check_credits'
FORMATS = ('json', 'junit', 'openmetrics', 'dotenv', 'markdown')


@pytest.fixture
def gate_with_reports(ansible, simulator, tmp_path):
    """check_credits against a scenario with every report, as a GitHub Actions step; -e @file for the dict."""
    def run(scenario, **policy):
        out = tmp_path / scenario
        out.mkdir()
        reports = {fmt: str(out / 'cicero.{0}'.format(fmt)) for fmt in FORMATS}
        extra = dict(('assert_credits_' + name, value) for name, value in policy.items())
        extra.update(assert_credits_reports=reports, assert_credits_account='production')
        vars_file = out / 'vars.yml'
        vars_file.write_text(yaml.safe_dump(extra))
        github = dict(GITHUB_ACTIONS='true', GITHUB_STEP_SUMMARY=str(out / 'summary.md'),
                      GITHUB_OUTPUT=str(out / 'outputs.txt'), MELISSA_CICERO_API_URL=simulator.url(scenario))
        # At -vvvv, Ansible's highest verbosity: the output is searched for the key as the files are.
        completed = ansible(['ansible-playbook', GATE, '-vvvv', '-e', '@' + str(vars_file)], env=github)
        files = dict(reports, summary=github['GITHUB_STEP_SUMMARY'], outputs=github['GITHUB_OUTPUT'])
        return completed, {name: open(path).read() for name, path in files.items() if os.path.exists(path)}
    return run


def metrics(text):
    return {sample.name: sample.value for family in text_string_to_metric_families(text)
            for sample in family.samples}


def junit_outcomes(text, outcome='failure'):
    """The messages of the one test case's <failure> (or <error>) elements."""
    case, = ElementTree.fromstring(text.encode()).iter('testcase')
    assert case.get('name').startswith('Cicero credits of ')
    return [element.get('message') for element in case.findall(outcome)]


def junit_failures(text):
    return junit_outcomes(text, 'failure')


def assert_no_key(run, files):
    shown = run.output + ''.join(files.values())
    assert [form for form in secret_forms(LICENSE_KEY) if form in shown] == []


def annotations(run):
    return [line for line in run.stdout.splitlines() if line.startswith(('::error', '::warning'))]


@pytest.mark.matrix
def test_pass_writes_every_report(gate_with_reports, tmp_path):
    run, files = gate_with_reports('healthy', min_credits=5000)
    assert run.rc == 0, run.output
    assert set(files) == set(FORMATS) | {'summary', 'outputs'}
    assert json.loads(files['json'])['passed'] is True
    assert junit_failures(files['junit']) == [] and 'name="Cicero credits of production"' in files['junit']
    got = metrics(files['openmetrics'])
    assert (got['melissa_cicero_up'], got['melissa_cicero_gate_passed'], got['melissa_cicero_credit_balance'],
            got['melissa_cicero_available_credits'], got['melissa_cicero_required_credits']) == (1, 1, 12500, 13000,
                                                                                                 5000)
    assert dotenv(files['dotenv'], tmp_path) == dict(
        CICERO_PASSED='true', CICERO_WARNING='false', CICERO_CREDIT_BALANCE='12500', CICERO_AVAILABLE_CREDITS='13000',
        CICERO_COUNTED_CREDITS='12500', CICERO_REQUIRED_CREDITS='5000', CICERO_RUNWAY_DAYS='', CICERO_RUNS_OUT_AT='', CICERO_NOT_JUDGED='',
        CICERO_MESSAGE='Cicero credits OK: 12,500 usable (12,500 balance), 5,000 required')
    assert json.loads(files['json'])['account'] == 'production'
    assert 'message=Cicero credits OK: 12,500 usable (12,500 balance), 5,000 required\n' in files['outputs']
    assert files['markdown'].startswith('### Cicero credits of production: passed')
    assert files['summary'] == files['markdown']
    assert 'passed=true\n' in files['outputs'] and 'credit_balance=12500\n' in files['outputs']
    assert annotations(run) == []
    assert_no_key(run, files)


def test_fail_writes_every_report_and_an_error_annotation(gate_with_reports, tmp_path):
    run, files = gate_with_reports('low_balance', min_credits=5000)
    message = 'Cicero credits too low: 150 usable (150 balance), 5,000 required'
    assert run.rc != 0
    assert junit_failures(files['junit']) == [message]
    assert metrics(files['openmetrics'])['melissa_cicero_gate_passed'] == 0
    assert dotenv(files['dotenv'], tmp_path)['CICERO_PASSED'] == 'false'
    assert annotations(run) == ['::error title=Cicero credits::' + message]
    assert 'passed=false\n' in files['outputs']
    assert_no_key(run, files)


def test_warn_writes_a_warning_annotation(gate_with_reports, tmp_path):
    run, files = gate_with_reports('low_balance', min_credits=100, warn_credits=1000)
    assert run.rc == 0, run.output
    assert annotations(run) == ['::warning title=Cicero credits::Cicero credits running low: 150 usable '
                                '(150 balance), below the warning level of 1,000']
    assert 'passed with a warning' in files['markdown'] and junit_failures(files['junit']) == []
    assert dotenv(files['dotenv'], tmp_path)['CICERO_WARNING'] == 'true' and 'warning=true\n' in files['outputs']
    assert metrics(files['openmetrics'])['melissa_cicero_gate_warning'] == 1
    assert_no_key(run, files)


@pytest.mark.matrix
def test_a_failed_read_writes_every_report_with_the_apis_text(gate_with_reports, tmp_path):
    run, files = gate_with_reports('bad_request')
    message = 'Cicero credits could not be read: Cicero API error (HTTP 400): A detailed message about the error.'
    assert run.rc != 0
    # The check could not run: a JUnit <error>, not a <failure>.
    assert (junit_outcomes(files['junit'], 'error'), junit_failures(files['junit'])) == ([message], [])
    got = metrics(files['openmetrics'])
    assert (got['melissa_cicero_up'], got['melissa_cicero_gate_passed']) == (0, 0)
    assert 'melissa_cicero_credit_balance' not in got
    assert dotenv(files['dotenv'], tmp_path)['CICERO_CREDIT_BALANCE'] == ''
    assert annotations(run) == ['::error title=Cicero credits::' + message]
    assert_no_key(run, files)


def test_an_unknown_format_is_refused_before_any_request(ansible, fresh_simulator):
    run = ansible(['ansible-playbook', GATE, '-e', '{"assert_credits_reports": {"xlsx": "c.xlsx"}}'],
                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url('healthy')})
    assert run.rc != 0 and 'xlsx' in run.output
    assert fresh_simulator.requests() == {}


@pytest.mark.parametrize('where, cause', [
    ('missing-dir/cicero.xml', 'the folder {tmp}/missing-dir does not exist'),
    ('', 'it is a directory; give the path of a file in it'),
])
def test_a_report_that_cannot_be_written_fails_the_gate_after_the_verdict_and_the_other_reports(
        ansible, simulator, tmp_path, where, cause):
    path = os.path.join(str(tmp_path), where) if where else str(tmp_path)
    dotenv = tmp_path / 'cicero.env'
    run = ansible(['ansible-playbook', GATE, '-e', json.dumps({'assert_credits_reports': {
        'junit': path, 'dotenv': str(dotenv)}})], env={'MELISSA_CICERO_API_URL': simulator.url('healthy')})
    assert run.rc != 0
    # The verdict first (the credits are enough), then the report that failed and why.
    message = 'Cicero credits OK: 12,500 usable (12,500 balance), 1 required; report {0} could not be written: ' \
              '{1}'.format(path, cause.format(tmp=tmp_path))
    result, = run.task_results(task='Assert enough Cicero credits')
    assert (result['_status'], result['msg'], result['passed']) == ('failed', message, True), run.output
    assert message in run.stdout.splitlines()
    assert dotenv.read_text().startswith('CICERO_')  # the other report was written


def test_outside_github_actions_nothing_is_printed_or_appended(ansible, simulator, tmp_path):
    outputs = tmp_path / 'outputs.txt'
    run = ansible(['ansible-playbook', GATE, '-e', 'assert_credits_min_credits=99999'],
                  env={'MELISSA_CICERO_API_URL': simulator.url('healthy'), 'GITHUB_OUTPUT': str(outputs)})
    assert run.rc != 0 and annotations(run) == [] and not outputs.exists()


def test_the_gitlab_example_command_writes_what_its_job_declares(ansible_env, simulator, tmp_path):
    """docs/examples/ci/gitlab-ci.yml: the gate's script line run by bash, as the GitLab runner would."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(repo, 'docs', 'examples', 'ci', 'gitlab-ci.yml')) as handle:
        job = yaml.safe_load(handle)['cicero-credits']
    command, = [line for line in job['script'] if 'melissa.cicero.check_credits' in line]
    completed = subprocess.run(['bash', '-c', command], cwd=str(tmp_path), capture_output=True, text=True,
                               env=dict(ansible_env, MELISSA_CICERO_API_URL=simulator.url('healthy')), check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    declared = job['artifacts']['reports']
    assert junit_failures((tmp_path / declared['junit']).read_text()) == []
    assert metrics((tmp_path / declared['metrics']).read_text())['melissa_cicero_gate_passed'] == 1
    assert dotenv((tmp_path / declared['dotenv']).read_text(), tmp_path)['CICERO_PASSED'] == 'true'
