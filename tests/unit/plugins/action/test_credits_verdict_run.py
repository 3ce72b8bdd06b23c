"""The verdict action's run() as ansible-core calls it: arguments or role variables in, a task result out, and what
it shows (warnings, the verdict line in its colour), reports and GitHub Actions files written. HTTP is mocked."""

import json
import os
from types import SimpleNamespace

import pytest

from ansible import constants as C

from ansible_collections.melissa.cicero.plugins.action import credits_verdict
from ansible_collections.melissa.cicero.plugins.plugin_utils import _gate, _publish

BASE = 'https://cicero.example/v3.1'
KEY = 'unit key/+&='
CREDITS = {'response': {'errors': [], 'messages': [], 'results': {
    'credit_balance': 900, 'overdraft_limit': 0, 'usable_batches': []}}}
FIGURES = dict(credit_balance=5, overdraft_limit=0, available_credits=5, credits_expiring_soon=0,
               expiring_within_days=30, next_expiration=None, usable_batches=[])
TOO_LOW = 'Cicero credits too low: 900 usable (900 balance), 1,000 required'


class Shown:
    """Stands in for the action's Display: what it warned and what it displayed, in which colour."""

    def __init__(self):
        self.warnings, self.lines = [], []

    def warning(self, text):
        self.warnings.append(text)

    def display(self, text, color=None):
        self.lines.append((text, color))


@pytest.fixture(autouse=True)
def shown(monkeypatch, clock, no_sleep):
    for name in ('GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT', 'MELISSA_LICENSE_KEY',
                 'MELISSA_CICERO_API_URL', 'MELISSA_CICERO_USERNAME', 'MELISSA_CICERO_PASSWORD'):
        monkeypatch.delenv(name, raising=False)
    # ActionBase.run() checks the task's async and check modes and makes a temporary folder on the host; none of
    # that is under test, and the gate needs no connection (see test_the_gate_needs_no_connection_to_the_host).
    monkeypatch.setattr(credits_verdict.ActionBase, 'run', lambda self, tmp=None, task_vars=None: {})
    recorder = Shown()
    monkeypatch.setattr(credits_verdict, 'display', recorder)
    return recorder


def run_action(args, task_vars=None):
    action = credits_verdict.ActionModule.__new__(credits_verdict.ActionModule)
    action._task = SimpleNamespace(args=args)
    action._templar = SimpleNamespace(template=lambda value: value)
    return action.run(task_vars=task_vars)


def read_args(**extra):
    return dict(dict(api_url=BASE, license_key=KEY, retries=0), **extra)


def test_the_gate_needs_no_connection_to_the_host():
    """ansible-core reads these: no connection is opened and no file is sent to the host the play targets."""
    assert (credits_verdict.ActionModule._requires_connection, credits_verdict.ActionModule.TRANSFERS_FILES) == (
        False, False)


def test_fail_fails_the_task_on_a_failing_verdict_and_shows_it_in_the_error_colour(shown, cicero_api):
    cicero_api.credits(json=CREDITS)
    result = run_action(read_args(min_credits=1000, fail=True))
    assert (result['failed'], result['passed'], result['msg'], result['changed']) == (True, False, TOO_LOW, False)
    assert shown.lines == [(TOO_LOW, C.COLOR_ERROR)]


def test_without_fail_a_failing_verdict_is_a_result_not_a_failed_task(shown, cicero_api):
    cicero_api.credits(json=CREDITS)
    result = run_action(read_args(min_credits=1000))
    assert (result.get('failed', False), result['passed'], result['message']) == (False, False, TOO_LOW)
    assert shown.lines == [] and shown.warnings == []


@pytest.mark.parametrize('rules, colour, warned', [
    (dict(min_credits=100), C.COLOR_OK, False),
    (dict(min_credits=100, warn_credits=1000), C.COLOR_WARN, True),
])
def test_fail_shows_a_passing_verdict_in_its_colour_and_warns_once(shown, cicero_api, rules, colour, warned):
    cicero_api.credits(json=CREDITS)
    result = run_action(read_args(fail=True, **rules))
    assert (result['failed'], result['passed']) == (False, True)
    assert shown.lines == [(result['msg'], colour)]
    assert shown.warnings == ([result['warning']] if warned else []) and bool(result['warning']) is warned


@pytest.mark.parametrize('fail, shown_lines', [(True, 1), (False, 0), ('maybe', 0), (None, 0)])
def test_a_bad_argument_is_a_failed_result_shown_only_with_fail(shown, fail, shown_lines):
    result = run_action(dict(min_credits=-5, **({} if fail is None else dict(fail=fail))))
    assert result['failed'] is True and result['passed'] is False, result
    assert result['msg'].startswith('min_credits must be ') or result['msg'].startswith('fail must be '), result
    assert len(shown.lines) == shown_lines and all(colour == C.COLOR_ERROR for dummy, colour in shown.lines)


def test_role_variables_set_win_and_empty_ones_leave_module_defaults_in_place(shown, cicero_api):
    cicero_api.credits(json=CREDITS)
    variables = dict(assert_credits_api_url='', assert_credits_license_key=KEY, assert_credits_min_credits=1000,
                     assert_credits_account='')
    result = run_action(dict(from_variables='assert_credits', api_url=BASE, account='from module_defaults',
                             retries=0), variables)
    assert (result['passed'], result['required_credits'], result['message']) == (False, 1000, TOO_LOW)


def test_a_bad_role_variable_is_named_as_the_variable(shown):
    result = run_action(dict(from_variables='assert_credits'), dict(assert_credits_min_credits='lots'))
    assert result['failed'] and result['msg'].startswith('assert_credits_min_credits must be '), result['msg']


@pytest.mark.parametrize('near_names', ['warn', 'fail'])
def test_a_variable_that_looks_meant_for_the_role_warns_or_fails(shown, cicero_api, near_names):
    said = "variable min_credits is not one of the role's: did you mean assert_credits_min_credits?"
    if near_names == 'warn':
        cicero_api.credits(json=CREDITS)
    near_names = ''.join(list(near_names))  # a text of its own, as YAML gives it: compared by value, not identity
    result = run_action(dict(from_variables='assert_credits', near_names=near_names),
                        dict(min_credits=1000, assert_credits_api_url=BASE, assert_credits_license_key=KEY,
                             assert_credits_retries=0))
    if near_names == 'fail':
        assert (result['failed'], result['msg'], shown.warnings) == (True, said, [])
    else:
        assert (result['passed'], shown.warnings) == (True, [said])


def test_registered_figures_are_judged_without_credentials_or_a_request(shown, cicero_api):
    result = run_action(dict(credits=FIGURES, min_credits=5))
    assert (result['passed'], result['counted_credits']) == (True, 5)
    assert len(cicero_api.mock.calls) == 0


def test_fact_name_report_path_and_reports(shown, cicero_api, tmp_path):
    cicero_api.credits(json=CREDITS)
    report, junit = str(tmp_path / 'verdict.json'), str(tmp_path / 'verdict.xml')
    result = run_action(read_args(min_credits=1000, fact_name='cicero', report_path=report, reports={'junit': junit}))
    verdict = {key: result[key] for key in result['ansible_facts']['cicero']}
    assert verdict == result['ansible_facts']['cicero'] and verdict['message'] == TOO_LOW
    assert (result['report_path'], result['reports']) == (report, {'json': report, 'junit': junit})
    assert json.load(open(report))['message'] == TOO_LOW and '<testsuite' in open(junit).read()


def test_nothing_is_written_or_added_without_reports(shown, cicero_api, tmp_path, monkeypatch):
    cicero_api.credits(json=CREDITS)
    result = run_action(read_args())
    assert not {'ansible_facts', 'report_path', 'reports'} & set(result)
    assert os.listdir(str(tmp_path)) == []


def test_a_report_that_cannot_be_written_fails_the_task_after_the_verdict(shown, cicero_api, tmp_path):
    cicero_api.credits(json=CREDITS)
    report = str(tmp_path / 'missing' / 'verdict.json')
    result = run_action(read_args(min_credits=100, report_path=report))
    assert result['failed'] is True and result['passed'] is True
    assert result['msg'].startswith('Cicero credits OK: 900 usable (900 balance), 100 required; ') and report in \
        result['msg'], result['msg']


def test_an_unknown_report_format_is_refused_in_the_callers_words(shown):
    result = run_action(dict(from_variables='assert_credits'), dict(assert_credits_reports={'yaml': '/tmp/r.yml'}))
    assert result['failed'] and result['msg'].startswith('assert_credits_reports: unknown format yaml; the formats are')


@pytest.mark.parametrize('github_actions, github, written', [
    ('true', True, True), ('true', False, False), ('1', True, False), (None, True, False)])
def test_github_actions_files_are_written_only_in_github_actions_and_with_github(
        shown, cicero_api, tmp_path, monkeypatch, github_actions, github, written):
    cicero_api.credits(json=CREDITS)
    summary, outputs = tmp_path / 'summary.md', tmp_path / 'outputs'
    summary.write_text('')
    outputs.write_text('')
    if github_actions:
        monkeypatch.setenv('GITHUB_ACTIONS', github_actions)
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(summary))
    monkeypatch.setenv('GITHUB_OUTPUT', str(outputs))
    result = run_action(read_args(min_credits=1000, github=github))
    assert bool(summary.read_text()) is written and bool(outputs.read_text()) is written
    assert 'passed=false' in outputs.read_text() or not written
    assert result['passed'] is False and 'reports' not in result


def test_the_first_missing_library_is_named(shown, monkeypatch):
    monkeypatch.setattr(_gate, 'missing_library', lambda params: ['requests', 'xmltodict'])
    result = run_action(read_args())
    assert 'requests' in result['message'] and 'xmltodict' not in result['message'], result['message']


@pytest.mark.parametrize('args, variables, named', [
    (dict(history_path='{folder}'), None, 'history_path: '),
    (dict(from_variables='assert_credits'), dict(assert_credits_history_path='{folder}'), 'assert_credits_history_path: '),
])
def test_a_history_that_cannot_be_used_fails_the_task_naming_its_option(
        shown, cicero_api, tmp_path, args, variables, named):
    """A folder where the history file belongs: named in the caller's words, with the runway rule that needs it."""
    rules = dict(min_runway_days=1, burn_rate_from='observed', api_url=BASE, license_key=KEY, retries=0)
    args = {name: value.format(folder=tmp_path) if isinstance(value, str) else value for name, value in args.items()}
    if variables:
        variables = dict(variables, **{'assert_credits_' + name: value for name, value in rules.items()})
        variables['assert_credits_history_path'] = str(tmp_path)
    else:
        args.update(rules)
    result = run_action(args, variables or {})
    assert result['failed'] is True and result['msg'].startswith(named), result['msg']
    assert len(cicero_api.mock.calls) == 0


def test_runway_rules_not_yet_judged_are_a_warning(shown, cicero_api, tmp_path):
    cicero_api.credits(json=CREDITS)
    result = run_action(read_args(min_runway_days=1, burn_rate_from='observed', history_path=str(tmp_path / 'h.json')))
    assert result['passed'] is True and result['not_judged'], result
    assert shown.warnings == ['Cicero credits runway rules not judged: ' + result['not_judged']]


@pytest.mark.parametrize('reports, report_path, expected', [
    ({}, None, []),
    ({}, '/r/verdict.json', [('json', '/r/verdict.json')]),
    ({'junit': '~/j.xml'}, None, [('junit', os.path.expanduser('~/j.xml'))]),
    ({'junit': None, 'json': '/r/a.json'}, '/r/b.json', [('json', '/r/b.json'), ('json', '/r/a.json')]),
])
def test_requested_reports(reports, report_path, expected):
    assert _publish.requested_reports(reports, report_path) == expected


def test_near_names_of_another_value_is_refused_as_a_value_not_taken_for_fail(shown):
    result = run_action(dict(from_variables='assert_credits', near_names='always'), dict(min_credits=1000))
    assert result['failed'] and result['msg'].startswith('assert_credits_near_names must be one of'), result['msg']
    assert shown.warnings == ["variable min_credits is not one of the role's: did you mean assert_credits_min_credits?"]


def test_a_failed_read_of_any_kind_is_a_failed_verdict(monkeypatch):
    from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroTransportError  # pylint: disable=import-outside-toplevel

    def broken(*args):
        raise CiceroTransportError('Cicero API could not reach https://cicero.example/v3.1: refused')
    monkeypatch.setattr(_gate, 'call_api', broken)
    from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS  # pylint: disable=import-outside-toplevel
    verdict = _gate.read_and_judge(dict(read_args(), format='json'), dict(POLICY_DEFAULTS), print)
    assert (verdict.passed, verdict.message) == (
        False, 'Cicero credits could not be read: Cicero API could not reach https://cicero.example/v3.1: refused')
