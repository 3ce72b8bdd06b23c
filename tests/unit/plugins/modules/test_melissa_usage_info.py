"""melissa_usage_info end to end in-process, with strict stubs of the API: the period, the figures, the warning."""

import json

import pytest

from ansible_collections.melissa.cicero.plugins.modules import melissa_usage_info

BASE = 'https://cicero.example/v3.1'
KEY = 'usage key/+&='


def month(year, month_number, credits):
    return {'year': year, 'month': month_number, 'count': credits, 'credits_used': credits,
            'activity_types': [{'type': 'official', 'count': credits, 'credits_used': credits}]}


@pytest.fixture(autouse=True)
def offline(clock, no_sleep, monkeypatch):  # pylint: disable=unused-argument
    # The clock is 2026-11-15 (tests/unit/conftest.py): the last three full months are August to October.
    for name in ('MELISSA_LICENSE_KEY', 'MELISSA_CICERO_API_URL'):
        monkeypatch.delenv(name, raising=False)


def call(run_module, **args):
    result = run_module(melissa_usage_info.main, dict(dict(license_key=KEY, api_url=BASE), **args))
    assert KEY not in result['_printed']
    return result


def test_the_default_period_is_the_last_three_full_months(run_module, cicero_api):
    cicero_api.usage('2026-08/to/2026-10', json={'response': {'errors': [], 'messages': [], 'results': [
        month(2026, 8, 310), month(2026, 9, 300), month(2026, 10, 310)]}})
    result = call(run_module)
    assert result['_exit_code'] == 0 and result['changed'] is False
    assert (result['start'], result['end'], result['period_days'], result['credits_used']) == (
        '2026-08', '2026-10', 92, 920)
    assert result['average_daily_credits'] == 10.0
    assert result['credits_used_by_type'] == [{'type': 'official', 'credits_used': 920}]


def test_a_period_that_has_not_begun_warns_through_module_warn(run_module, cicero_api):
    cicero_api.usage('2027-03', json={'response': {'errors': [], 'messages': [], 'results': []}})
    result = call(run_module, start='2027-03')
    assert result['average_daily_credits'] is None
    assert 'the usage period 2027-03 has not begun yet (today is 2026-11-15 in UTC)' in json.dumps(result['warnings'])
    assert 'deprecations' not in result


@pytest.mark.parametrize('args, message', [
    (dict(start='2026-13'), 'start must be a year (YYYY) or a month (YYYY-MM)'),
    (dict(end='2026-10'), 'end needs start'),
    (dict(start='2026-10', end='2026-08'), 'start (2026-10) must come before end (2026-08)'),
    (dict(start=True), 'start must be a text, got true'),
    (dict(end=None, start=['2026']), 'start must be a text, got a list'),
])
def test_a_wrong_period_fails_before_any_request(run_module, args, message):
    import responses  # pylint: disable=import-outside-toplevel
    with responses.RequestsMock() as mocked:
        result = call(run_module, **args)
        assert len(mocked.calls) == 0
    assert result['failed'] and message in result['msg']


def test_an_api_error_names_the_status_and_its_text(run_module, cicero_api):
    cicero_api.usage('2026-08/to/2026-10', status=400, json={'response': {
        'errors': ['Usage is not available for this account.'], 'messages': [], 'results': {}}})
    result = call(run_module)
    assert result['msg'] == 'Cicero API error (HTTP 400): Usage is not available for this account.'
