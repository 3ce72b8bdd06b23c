"""The verdict action's two ways to the figures: its own read (HTTP mocked) and a registered result."""

import os
from urllib.parse import quote

import pytest
import responses
import yaml

from ansible_collections.melissa.cicero.plugins.action import credits_verdict
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS
from ansible_collections.melissa.cicero.plugins.plugin_utils import _gate, _publish
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import RoleVariables

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..')

BASE = 'https://cicero.example/v3.1'
KEY = 'unit key/+&='
CREDITS = {'response': {'errors': [], 'messages': [], 'results': {
    'credit_balance': 900, 'overdraft_limit': 0, 'usable_batches': []}}}
USAGE = {'response': {'errors': [], 'messages': [], 'results': [
    {'year': 2026, 'month': month, 'count': 10, 'credits_used': 310, 'activity_types': []} for month in (8, 9, 10)]}}


@pytest.fixture(autouse=True)
def fixed_clock(clock, no_sleep):
    """Mid-November 2026 (tests/unit/conftest.py): the usage period read is August to October 2026."""
    return clock


def params(**extra):
    values = dict(license_key=KEY, username=None, password=None, api_url=BASE, format='json', timeout=5.0,
                  retries=0, validate_certs=True, ca_path=None, expiring_within_days=30)
    values.update(extra)
    return values


def policy(**rules):
    return dict(POLICY_DEFAULTS, **rules)


WARNED = []  # what the gate's functions would have warned about (the action's display.warning)


def test_reads_only_the_credits_without_runway_rules(cicero_api):
    cicero_api.credits(json=CREDITS)
    verdict = _gate.read_and_judge(params(), policy(min_credits=1000), WARNED.append)
    assert (verdict.passed, verdict.counted_credits, verdict.required_credits) == (False, 900, 1000)
    assert verdict.message == 'Cicero credits too low: 900 usable (900 balance), 1,000 required'
    assert len(cicero_api.mock.calls) == 1


def test_runway_rule_reads_the_usage_with_the_same_client(cicero_api):
    cicero_api.credits(json=CREDITS)
    cicero_api.usage('2026-08/to/2026-10', json=USAGE)
    verdict = _gate.read_and_judge(params(), policy(min_runway_days=60), WARNED.append)
    # 930 credits over the 92 days of August to October: about 10 a day, so 900 last 89 days.
    assert verdict.passed and verdict.runway_days == 89.0, verdict
    assert [call.request.path_url.split('?')[0] for call in cicero_api.mock.calls] == [
        '/v3.1/account/credits_remaining', '/v3.1/account/usage/2026-08/to/2026-10']


@pytest.mark.parametrize('what', ['credits', 'usage'])
def test_a_failed_read_is_named_with_the_api_message_and_no_key(what, cicero_api):
    failure = dict(status=400, json={'response': {
        'errors': ['Bad key ' + KEY + ' ' + quote(KEY, safe='')], 'messages': [], 'results': {}}})
    cicero_api.credits(**(failure if what == 'credits' else dict(json=CREDITS)))
    if what == 'usage':  # the usage is read only after the credits were
        cicero_api.usage('2026-08/to/2026-10', **failure)
    verdict = _gate.read_and_judge(params(), policy(min_runway_days=1), WARNED.append)
    assert not verdict.passed and verdict.counted_credits is None
    assert verdict.message.startswith('Cicero {0} could not be read: Cicero API error (HTTP 400): Bad key '.format(
        what)), verdict.message
    assert KEY not in str(verdict) and quote(KEY, safe='') not in str(verdict)


@responses.activate
def test_missing_credentials_fail_the_verdict_before_any_request_in_the_callers_words():
    verdict = _gate.read_and_judge(params(license_key=None), policy(), WARNED.append)
    assert verdict.message == (
        'Cicero credits not read, a setting is wrong: No Cicero credentials: set license_key (aliases customer_id, key) or '
        'the MELISSA_LICENSE_KEY environment variable; token accounts set username and password (or '
        'MELISSA_CICERO_USERNAME and MELISSA_CICERO_PASSWORD).')
    role = RoleVariables('assert_credits', credits_verdict.ROLE_OPTIONS)
    verdict = _gate.read_and_judge(params(license_key=None), policy(), WARNED.append, role.in_callers_words)
    assert verdict.message == (
        'Cicero credits not read, a setting is wrong: No Cicero credentials: set assert_credits_license_key or the '
        'MELISSA_LICENSE_KEY environment variable; token accounts set assert_credits_username and '
        'assert_credits_password (or MELISSA_CICERO_USERNAME and MELISSA_CICERO_PASSWORD).')
    assert len(responses.calls) == 0


def test_every_role_variable_is_an_option_of_the_action():
    """meta/argument_specs.yml and the action agree: each assert_credits_* variable is read by name."""
    with open(os.path.join(REPO, 'roles', 'assert_credits', 'meta', 'argument_specs.yml')) as handle:
        declared = set(yaml.safe_load(handle)['argument_specs']['main']['options'])
    assert declared == {'assert_credits_' + option for option in credits_verdict.ROLE_OPTIONS}


def test_the_action_checks_every_role_variable_as_strictly_as_the_role_argument_spec():
    """check_credits skips Ansible's validation task (rolespec_validate: false): the action's own check must
    refuse whatever meta/argument_specs.yml would, so each variable has the same type (a path is a str that
    expands ~), choices and elements, and the role's default is the action's (an empty one: unset)."""
    with open(os.path.join(REPO, 'roles', 'assert_credits', 'meta', 'argument_specs.yml')) as handle:
        declared = yaml.safe_load(handle)['argument_specs']['main']['options']
    with open(os.path.join(REPO, 'roles', 'assert_credits', 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    for name, role_option in sorted(declared.items()):
        option = credits_verdict.ARGUMENT_SPEC.argument_spec[name[len('assert_credits_'):]]
        action_type = 'str' if option.get('type', 'str') == 'path' else option.get('type', 'str')
        assert (name, role_option.get('type', 'str'), role_option.get('choices'), role_option.get('elements')) == (
            name, action_type, option.get('choices'), option.get('elements'))
        role_default = defaults.get(name, role_option.get('default'))
        if role_default in ('', None):
            # An empty variable is an unset one: the action's default or environment variable applies.
            assert option.get('default') is None or name == 'assert_credits_api_url', name
        else:
            assert (name, role_default) == (name, option.get('default'))


def test_in_github_actions_only_when_github_says_so():
    assert _publish.in_github_actions({'GITHUB_ACTIONS': 'true'})
    assert not _publish.in_github_actions({}) and not _publish.in_github_actions({'GITHUB_ACTIONS': '1'})


def test_registered_failed_read_keeps_the_module_message():
    verdict = _gate.judge_registered({'failed': True, 'msg': 'Cicero API error (HTTP 503): down'},
                                     None, policy())
    assert verdict.message == 'Cicero credits could not be read: Cicero API error (HTTP 503): down'


def test_registered_result_without_usage_cannot_judge_a_runway_rule():
    figures = dict(credit_balance=5, overdraft_limit=0, available_credits=5, credits_expiring_soon=0,
                   expiring_within_days=30, next_expiration=None, usable_batches=[])
    assert _gate.judge_registered(figures, None, policy()).passed is True
    verdict = _gate.judge_registered(figures, None, policy(min_runway_days=10))
    assert verdict.message == 'Cicero usage could not be read: the runway rules need the usage option'


def test_a_dictionary_that_is_not_a_credits_result_is_refused_by_name():
    with pytest.raises(CiceroOptionError) as caught:
        _gate.judge_registered({'credit_balance': 5}, None, policy())
    assert str(caught.value).startswith('credits must be a registered melissa_credits_info result; this one '
                                        'lacks overdraft_limit, available_credits')


class RefusingAction(credits_verdict.ActionModule):
    """The action with its judging replaced by a refusal, as validation or check_policy would refuse."""

    # run() is under test, not the plumbing: no connection or loader is needed, only the task's arguments.
    def __init__(self, args):  # pylint: disable=super-init-not-called
        self._task = type('Task', (), {'args': args})()

    def _judge(self, task_vars):
        raise CiceroOptionError('assert_credits_min_credits must be 0 or more, got -5')


@pytest.mark.parametrize('args', [{}, {'from_variables': 'assert_credits', 'fail': True}])
def test_bad_arguments_are_returned_as_a_failure_not_raised(monkeypatch, args):
    """Returned, so that failed_when sees them on every ansible-core (2.16 let a raised failure past it)."""
    monkeypatch.setattr(credits_verdict.ActionBase, 'run', lambda self, tmp=None, task_vars=None: {})
    result = RefusingAction(args).run(task_vars={})
    message = 'assert_credits_min_credits must be 0 or more, got -5'
    assert result == {'failed': True, 'msg': message, 'passed': False, 'message': message, 'changed': False}


@responses.activate
def test_a_setting_from_the_environment_is_named_as_its_variable_and_not_as_a_failed_read(monkeypatch):
    from ansible_collections.melissa.cicero.plugins.module_utils._shapes import words_by_source  # pylint: disable=import-outside-toplevel
    monkeypatch.setenv('MELISSA_CICERO_API_URL', 'cicero.example/v3.1')
    role = RoleVariables('assert_credits', credits_verdict.ROLE_OPTIONS)
    spec = credits_verdict.ARGUMENT_SPEC.argument_spec
    in_callers_words = words_by_source({'license_key': KEY}, spec, role.in_callers_words)
    verdict = _gate.read_and_judge(params(api_url='cicero.example/v3.1'), policy(), WARNED.append, in_callers_words)
    assert verdict.message == (
        "Cicero credits not read, a setting is wrong: MELISSA_CICERO_API_URL must be an absolute http:// or https:// "
        "URL such as https://app.cicerodata.com/v3.1, got 'cicero.example/v3.1'")
    assert verdict.passed is False and verdict.figures is None
    in_callers_words = words_by_source({'api_url': 'cicero.example/v3.1'}, spec, role.in_callers_words)
    assert _gate.read_and_judge(params(api_url='cicero.example/v3.1'), policy(), WARNED.append, in_callers_words).message.startswith(
        'Cicero credits not read, a setting is wrong: assert_credits_api_url must be')
    assert len(responses.calls) == 0


@responses.activate
def test_a_wrong_timeout_is_named_as_the_role_variable_and_as_given():
    role = RoleVariables('assert_credits', credits_verdict.ROLE_OPTIONS)
    verdict = _gate.read_and_judge(params(timeout=-1234567.0), policy(), WARNED.append, role.in_callers_words)
    assert verdict.message == ('Cicero credits not read, a setting is wrong: assert_credits_timeout must be a number '
                               'of seconds greater than 0, got -1234567')
    assert verdict.passed is False and len(responses.calls) == 0


def test_a_runway_rule_at_the_observed_pace_without_a_history_is_refused_before_any_request():
    role = RoleVariables('assert_credits', credits_verdict.ROLE_OPTIONS)
    with pytest.raises(CiceroOptionError) as raised:
        _gate.refuse_unjudgeable(dict(history_path=None), policy(min_runway_days=3, burn_rate_from='observed'),
                                 role.in_callers_words)
    assert raised.value.message == (
        'assert_credits_min_runway_days at assert_credits_burn_rate_from=observed can never be judged without '
        'assert_credits_history_path: the observed pace needs the readings of earlier runs. Give '
        'assert_credits_history_path (a file the runs share), or assert_credits_burn_rate_from=usage or both')
    for fine in (dict(history_path='/tmp/h.json'), ):
        _gate.refuse_unjudgeable(fine, policy(min_runway_days=3, burn_rate_from='observed'))
    for pace in ('usage', 'both'):
        _gate.refuse_unjudgeable(dict(history_path=None), policy(min_runway_days=3, burn_rate_from=pace))
    with pytest.raises(CiceroOptionError):  # a text of its own, as YAML gives it: compared by value, not identity
        _gate.refuse_unjudgeable(dict(history_path=None), policy(min_runway_days=3,
                                                                 burn_rate_from=''.join('observed')))
    _gate.refuse_unjudgeable(dict(history_path=None), policy(burn_rate_from='observed'))


def test_names_outside_the_family_that_look_meant_for_the_role_are_found():
    role = RoleVariables('assert_credits', credits_verdict.ROLE_OPTIONS)
    variables = dict(min_credits=50000, asert_credits_min_credits=5, assert_credit_x=1, timeout=5, account='a',
                     username='deploy', my_min_credits=1, assertcredits_warn_runway_days=3, inventory_hostname='h',
                     assert_credits_min_credits=1)
    assert role.near_names(variables) == [
        ('asert_credits_min_credits', 'assert_credits_min_credits'),
        ('assertcredits_warn_runway_days', 'assert_credits_warn_runway_days'),
        ('min_credits', 'assert_credits_min_credits')]
