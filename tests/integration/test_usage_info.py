"""melissa_usage_info and the credits lookup through the real `ansible` command and the simulator."""

import calendar
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.melissa.cicero.tests.support import lookup_tasks_play


def utc_today():
    """Today as the module and the simulator see it: in UTC, not in the machine's zone."""
    return datetime.now(timezone.utc).date()


def last_three_full_months(today):
    end = today.replace(day=1) - timedelta(days=1)
    months = [end]
    for dummy in range(2):
        months.insert(0, months[0].replace(day=1) - timedelta(days=1))
    return months


@pytest.fixture
def usage_runs(module_runs):
    """module_runs of melissa_usage_info: each item (api_url, {argument: value})."""
    return lambda runs: module_runs('melissa.cicero.melissa_usage_info',
                                    [(dict(args, api_url=api_url), None) for api_url, args in runs])


@pytest.fixture
def usage_adhoc(ansible):
    def run(api_url, *module_args, env=None):
        completed = ansible(['ansible', 'localhost', '-m', 'melissa.cicero.melissa_usage_info', '-a',
                             ' '.join(('api_url=' + api_url,) + module_args)], env=env)
        return completed, completed.task_results()[0]
    return run


# JSON, and XML in each shape the simulator can give it.
SHAPES = [(None, 'json'), ('container', 'xml'), ('list_item', 'xml'), ('repeated', 'xml'), ('wrapped', 'xml')]


@pytest.mark.matrix
def test_default_period_is_the_last_three_full_months(usage_runs, fresh_simulator):
    before = utc_today()
    run, results = usage_runs([(fresh_simulator.url('healthy', shape), dict(format=fmt)) for shape, fmt in SHAPES])
    for (shape, fmt), result in zip(SHAPES, results):
        assert 'months' in result, (shape, fmt, run.output)
        # The module read its own clock between these two readings of ours (which differ only across midnight).
        months = last_three_full_months(before)
        if result['start'] != months[0].strftime('%Y-%m'):
            months = last_three_full_months(utc_today())
        assert (result['start'], result['end']) == (months[0].strftime('%Y-%m'), months[-1].strftime('%Y-%m'))
        days = sum(calendar.monthrange(m.year, m.month)[1] for m in months)
        assert result['period_days'] == days
        assert [(m['year'], m['month']) for m in result['months']] == [(m.year, m.month) for m in months]
        assert (result['count'], result['credits_used']) == (3 * 3200, 3 * 3100)
        assert result['credits_used_by_type'] == [{'type': 'legislative_district', 'credits_used': 6300},
                                                  {'type': 'official', 'credits_used': 3000}]
        assert result['average_daily_credits'] == round(9300 / days, 4)
    # One request a read: the period of each (the same unless a read crossed midnight at a month's end).
    paths = ['healthy GET /account/usage/{0}/to/{1}'.format(result['start'], result['end']) for result in results]
    assert fresh_simulator.requests() == dict((path, paths.count(path)) for path in paths)


def test_numeric_strings_give_the_same_usage(usage_runs, simulator):
    run, (plain, strings) = usage_runs([(simulator.url('healthy'), {}),
                                        (simulator.url('numeric_strings'), dict(format='xml'))])
    assert 'months' in plain and 'months' in strings, run.output
    assert strings['months'] == plain['months'] and strings['average_daily_credits'] == plain['average_daily_credits']


def test_explicit_year_and_range(usage_runs, fresh_simulator):
    year = utc_today().year - 1
    run, (whole_year, months) = usage_runs([
        (fresh_simulator.url('healthy'), dict(start=str(year))),
        (fresh_simulator.url('healthy'), dict(start='{0}-02'.format(year), end='{0}-04'.format(year)))])
    assert (whole_year['start'], whole_year['end'], len(whole_year['months'])) == (str(year), str(year), 12), run.output
    assert whole_year['period_days'] == (366 if calendar.isleap(year) else 365)
    assert [m['month'] for m in months['months']] == [2, 3, 4], run.output
    assert fresh_simulator.requests() == {'healthy GET /account/usage/{0}'.format(year): 1,
                                          'healthy GET /account/usage/{0}-02/to/{0}-04'.format(year): 1}


def test_no_usage(usage_adhoc, simulator):
    run, result = usage_adhoc(simulator.url('idle'))
    assert (result['months'], result['credits_used'], result['average_daily_credits']) == ([], 0, 0.0), run.output


BAD_PERIODS = [
    (dict(start='2026-10', end='2026-01'), 'start (2026-10) must come before end (2026-01)'),
    (dict(start='26'), "start must be a year (YYYY) or a month (YYYY-MM), got '26'"),
    (dict(end='2026-01'), 'end needs start: give start (YYYY or YYYY-MM) as well, or neither'),
]


def test_bad_periods_fail_before_any_request(usage_runs, fresh_simulator):
    run, results = usage_runs([(fresh_simulator.url('healthy'), args) for args, dummy in BAD_PERIODS])
    assert [('months' in result, result.get('msg')) for result in results] == [
        (False, message) for dummy, message in BAD_PERIODS], run.output
    assert fresh_simulator.requests() == {}


def test_usage_api_error(usage_adhoc, simulator):
    run, result = usage_adhoc(simulator.url('bad_request'), 'format=xml')
    assert result['msg'] == 'Cicero API error (HTTP 400): A detailed message about the error.'


def lookup_task(expression):
    return ['ansible', 'localhost', '-m', 'ansible.builtin.debug', '-a', 'msg={{ ' + expression + ' }}']


@pytest.mark.matrix
def test_lookup_returns_the_module_result(ansible, credits_adhoc, simulator):
    module = credits_adhoc(simulator.url('healthy'))[1]
    run = ansible(lookup_task("lookup('melissa.cicero.credits', format='xml')"),
                  env={'MELISSA_CICERO_API_URL': simulator.url('healthy', 'repeated')})
    looked_up = run.task_results()[0]['msg']
    assert run.rc == 0, run.output
    figures = ('credit_balance', 'overdraft_limit', 'available_credits', 'usable_batches', 'credits_expiring_soon',
               'next_expiration', 'messages', 'expiring_within_days')
    assert looked_up == {key: module[key] for key in figures}


def test_lookup_in_a_condition(ansible, simulator):
    run = ansible(lookup_task("'enough' if lookup('melissa.cicero.credits').available_credits >= 5000 else 'short'"),
                  env={'MELISSA_CICERO_API_URL': simulator.url('low_balance')})
    assert run.task_results()[0]['msg'] == 'short', run.output


@pytest.mark.matrix
def test_lookup_errors_carry_the_module_message(ansible, simulator):
    run = ansible(lookup_task("lookup('melissa.cicero.credits', api_url='{0}')".format(simulator.url('error_in_200'))))
    assert run.rc != 0
    assert ('Cicero API error (HTTP 200): This account has reached its overdraft limit. Please purchase more '
            'credits.') in run.flat_output


BAD_LOOKUPS = [
    ("lookup('melissa.cicero.credits', timeout='soon')", "melissa.cicero.credits: timeout must be a number, got 'soon'"),
    ("lookup('melissa.cicero.credits', retries=true)", 'melissa.cicero.credits: retries must be a whole number, got true'),
    ("lookup('melissa.cicero.credits', timout=5)", 'melissa.cicero.credits: unknown option timout: did you mean timeout?'),
    ("lookup('melissa.cicero.credits', 'balance')", 'melissa.cicero.credits takes no terms, only keyword options'),
]


@pytest.mark.matrix
def test_lookup_rejects_bad_options_and_terms(ansible, fresh_simulator, tmp_path):
    """Each a task of its own in one play, each failure ignored so that the play goes on to the next."""
    playbook = tmp_path / 'bad-lookups.yml'
    playbook.write_text(lookup_tasks_play(('Lookup {0}'.format(index), expression, {})
                                          for index, (expression, dummy) in enumerate(BAD_LOOKUPS)))
    run = ansible(['ansible-playbook', str(playbook)], env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    for index, (expression, message) in enumerate(BAD_LOOKUPS):
        result, = run.task_results(task='Lookup {0}'.format(index))
        assert message in ' '.join(result['msg'].split()), (expression, run.output)
    assert fresh_simulator.requests() == {}, 'refused before any request'


@pytest.mark.matrix
def test_a_period_that_has_not_begun_warns_through_no_deprecated_call(usage_adhoc, simulator):
    future = '{0}-01'.format(utc_today().year + 1)
    run, result = usage_adhoc(simulator.url('healthy'), 'start=' + future)
    assert run.rc == 0 and result['average_daily_credits'] is None, run.output
    assert '[WARNING]: the usage period {0} has not begun yet'.format(future) in run.flat_output
    # exit_json(warnings=...) is deprecated (removed in ansible-core 2.23); every leg of the matrix runs this.
    assert 'DEPRECATION' not in run.output, run.output


LOOKUP_PLAYBOOK = """- hosts: localhost
  gather_facts: false
  vars:
    cicero_url: {url}
    melissa_cicero_api_url: "{{{{ cicero_url }}}}"
    melissa_cicero_timeout: {timeout}
  tasks:
    - name: Figures
      ansible.builtin.debug:
        msg: "{{{{ lookup('melissa.cicero.credits') }}}}"
"""


@pytest.mark.matrix
@pytest.mark.parametrize('timeout, error', [(10, None), ('true', 'melissa_cicero_timeout must be a number, got true')])
def test_lookup_reads_its_options_from_variables_then_ansible_cfg(ansible, simulator, tmp_path, timeout, error):
    """As other lookups: a melissa_cicero_* variable (templated), the [melissa_cicero] section of ansible.cfg."""
    config = tmp_path / 'ansible.cfg'
    config.write_text('[melissa_cicero]\nexpiring_within_days = 7\napi_url = http://127.0.0.1:9/not-this\n')
    playbook = tmp_path / 'lookup.yml'
    playbook.write_text(LOOKUP_PLAYBOOK.format(url=simulator.url('healthy'), timeout=timeout))
    run = ansible(['ansible-playbook', str(playbook)], env={'ANSIBLE_CONFIG': str(config)})
    result, = run.task_results(task='Figures')
    if error:
        assert run.rc != 0 and 'melissa.cicero.credits: ' + error in run.flat_output, run.output
        return
    assert run.rc == 0, run.output
    assert (result['msg']['expiring_within_days'], result['msg']['credit_balance']) == (7, 12500), result
