"""The watch behind the event source: statuses, emit modes, pacing, argument errors and secrecy.

`watch` is driven with a real asyncio queue against the simulator over loopback.
"""

import asyncio
import json
import logging
import os
import re
import time

from datetime import datetime, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS, unreadable
from ansible_collections.melissa.cicero.plugins.module_utils._redact import secret_forms
from ansible_collections.melissa.cicero.plugins.plugin_utils import _watch
from ansible_collections.melissa.cicero.tests.support import WATCH_KEY as KEY

CREDITS_READS = '{0} GET /account/credits_remaining'


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    for name in ('MELISSA_LICENSE_KEY', 'MELISSA_CICERO_API_URL', 'MELISSA_CICERO_USERNAME',
                 'MELISSA_CICERO_PASSWORD'):
        monkeypatch.delenv(name, raising=False)


def run_watch(args, until, timeout=20.0):
    """Run watch(queue, args) until until(events) holds; return every event put. Fails the test when the
    condition does not hold within `timeout` seconds, and raises what stopped the watch if it stopped."""
    async def drive():
        queue = asyncio.Queue()
        task = asyncio.create_task(_watch.watch(queue, args))
        events = []
        deadline = time.monotonic() + timeout
        try:
            while not until(events):
                if time.monotonic() > deadline:
                    pytest.fail('the watch did not reach the test condition within {0} s; events: {1}'.format(
                        timeout, events))
                try:
                    events.append((await asyncio.wait_for(queue.get(), 0.05))[_watch.EVENT_KEY])
                except asyncio.TimeoutError:
                    if task.done():
                        task.result()  # raises what stopped the watch
        finally:
            task.cancel()
        return events
    return asyncio.run(drive())


def reads(simulator, scenario):
    return simulator.requests().get(CREDITS_READS.format(scenario), 0)


def args_for(simulator, scenario, **extra):
    values = dict(api_url=simulator.url(scenario), license_key=KEY, interval=0.05, retries=0)
    values.update(extra)
    return values


# -- statuses, emit modes, pacing: pure functions ------------------------------------------------------

def verdict(passed=True, warning=None, figures=None):
    return unreadable('m', POLICY_DEFAULTS).replaced(
        passed=passed, warning=warning, message='m', figures={'credit_balance': 1} if figures is None else figures)


@pytest.mark.parametrize('given, status', [
    (verdict(), 'ok'),
    (verdict(warning='running low'), 'warn'),
    (verdict(passed=False), 'low'),
    (verdict(passed=False).replaced(figures=None), 'error'),
    (verdict(warning='running low').replaced(figures=None), 'error'),
])
def test_status_of(given, status):
    assert _watch.status_of(given) == status


def test_event_is_the_verdict_with_status_time_and_account():
    event = _watch.credits_event(verdict(figures={'credit_balance': 3}),
                                 datetime(2026, 11, 25, 8, 5, 9, 123, tzinfo=timezone.utc), 'production')
    assert event == dict(verdict(figures={'credit_balance': 3}).to_dict(), status='ok',
                         read_at='2026-11-25T08:05:09Z', account='production')


def event(status, balance, read_at='2026-11-25T08:00:00Z', runs_out_at=None):
    return dict(status=status, figures={'credit_balance': balance}, counted_credits=balance, required_credits=1,
                read_at=read_at, runs_out_at=runs_out_at)


@pytest.mark.parametrize('emit, previous, current, expected', [
    ('status', None, event('ok', 1), True),
    ('status', event('ok', 1), event('ok', 2), False),
    ('status', event('ok', 1), event('warn', 1), True),
    ('changes', event('ok', 1), event('ok', 1, '2026-11-25T09:00:00Z'), False),
    # The date the credits run out moves with the clock alone: not a change of the account.
    ('changes', event('ok', 1, runs_out_at='2026-12-01T00:00:00Z'), event('ok', 1, runs_out_at='2026-12-02T00:00:00Z'),
     False),
    ('changes', event('ok', 1), event('ok', 2), True),
    ('every', event('ok', 1), event('ok', 1), True),
])
def test_should_emit(emit, previous, current, expected):
    assert _watch.should_emit(emit, previous, current) is expected


def test_failing_reads_come_sooner_then_back_off_up_to_the_interval():
    assert [_watch.next_delay(3600, failures) for failures in range(8)] == [
        3600, 60, 120, 240, 480, 960, 1920, 3600]
    assert _watch.next_delay(10, 1) == 10  # never later than the interval


# -- arguments ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('extra, message', [
    (dict(format='yaml'), "format must be one of json, xml, got 'yaml'"),
    (dict(emit='sometimes'), "emit must be one of status, changes, every, got 'sometimes'"),
    (dict(interval=0), 'interval must be a number of seconds greater than 0, got 0'),
    (dict(interval=-5), 'interval must be a number of seconds greater than 0, got -5'),
    (dict(interval=-1234567), 'interval must be a number of seconds greater than 0, got -1234567'),
    (dict(interval='soon'), "interval must be a number, got 'soon'"),
    (dict(min_credits=-1), 'min_credits must be 0 or more, got -1'),
    (dict(warn_credits=-2), 'warn_credits must be 0 or more, got -2'),
    (dict(expected_spend=-3), 'expected_spend must be 0 or more, got -3'),
    (dict(margin_percent=-4), 'margin_percent must be 0 or more, got -4'),
    (dict(valid_for_days=-5), 'valid_for_days must be 0 or more, got -5'),
    (dict(min_runway_days=-6), 'min_runway_days must be 0 or more, got -6'),
    (dict(max_expiring_unused=-7), 'max_expiring_unused must be 0 or more, got -7'),
    (dict(expiring_within_days=-8), 'expiring_within_days must be 0 or more, got -8'),
    (dict(timeout=0), 'timeout must be a number of seconds greater than 0, got 0'),
    (dict(timeout=-1234567), 'timeout must be a number of seconds greater than 0, got -1234567'),
    (dict(api_url='ftp://example.com'), 'api_url must be an absolute http:// or https:// URL'),
    (dict(license_key=None), 'No Cicero credentials: set license_key (aliases customer_id, key) or the MELISSA_LICENSE_KEY'),
    (dict(colour='red'), 'unknown argument colour; the arguments are account, api_url, '),
    (dict(min_credit=5), 'unknown argument min_credit: did you mean min_credits?'),
    (dict(ca_path='/nonexistent/ca.pem'), "ca_path '/nonexistent/ca.pem' does not exist; give the path of a PEM file"),
    (dict(Min_Credits=5), 'unknown argument Min_Credits: did you mean min_credits?'),
    # Empty is unset only for a text: an empty threshold never falls back to its default.
    (dict(min_credits=''), 'min_credits is empty; give a whole number, or leave it unset for its default'),
    (dict(margin_percent=''), 'margin_percent is empty; give a number, or leave it unset for its default'),
    (dict(include_overdraft=''), 'include_overdraft is empty; give true or false, or leave it unset for its default'),
    (dict(burn_rate_from=''), 'burn_rate_from is empty; give one of usage, observed, both, or leave it unset'),
    # Null is unset only for a text as well; every other shape is named with the value as written.
    (dict(min_credits=None), 'min_credits is null; give a whole number, or leave it unset for its default'),
    (dict(include_overdraft=None), 'include_overdraft is null; give true or false, or leave it unset'),
    (dict(min_credits=True), 'min_credits must be a whole number, got true'),
    (dict(warn_credits=False), 'warn_credits must be a whole number, got false'),
    (dict(margin_percent=True), 'margin_percent must be a number, got true'),
    (dict(margin_percent='20%'), "margin_percent must be a number, got '20%'"),
    (dict(min_runway_days='1d'), "min_runway_days must be a whole number, got '1d'"),
    (dict(min_credits='5k'), "min_credits must be a whole number, got '5k'"),
    (dict(min_credits=2.5), 'min_credits must be a whole number, got 2.5'),
    (dict(include_overdraft=1), 'include_overdraft must be true or false, got 1'),
    (dict(include_overdraft='maybe'), "include_overdraft must be true or false, got 'maybe'"),
    (dict(burn_rate_from='observerd'), "burn_rate_from must be one of usage, observed, both, got 'observerd'"),
    (dict(burn_rate_from=True), 'burn_rate_from must be one of usage, observed, both, got true'),
    (dict(account=True), 'account must be a text, got true'),
    (dict(state_path=['a']), 'state_path must be a path, got a list'),
    (dict(burn_window='nan'), "burn_window must be a number, got 'nan'"),
])
def test_bad_arguments_stop_the_watch_before_any_request(fresh_simulator, extra, message):
    with pytest.raises(CiceroOptionError) as raised:
        run_watch(args_for(fresh_simulator, 'healthy', **extra), until=lambda events: False)
    assert message in raised.value.message
    assert fresh_simulator.requests() == {}


def test_an_argument_error_never_shows_the_key():
    with pytest.raises(CiceroOptionError) as raised:
        _watch.watch_options(dict(license_key=KEY, username='someone', password=KEY))
    assert 'mutually exclusive' in raised.value.message
    assert not [form for form in secret_forms(KEY) if form in raised.value.message]


def test_rulebook_arguments_arrive_as_text_and_eda_arguments_are_not_ours():
    params = _watch.watch_options(dict(license_key=KEY, interval='900', min_credits='1000',
                                       include_overdraft='true', eda_feedback_queue=object()))
    assert (params['interval'], params['min_credits'], params['include_overdraft']) == (900.0, 1000, True)
    assert params['emit'] == 'status' and params['account'] is None
    assert dict((name, params[name]) for name in POLICY_DEFAULTS) == dict(
        POLICY_DEFAULTS, min_credits=1000, include_overdraft=True, burn_rate_from='observed')


def test_environment_fallbacks_are_the_modules_also_for_empty_arguments(monkeypatch, fresh_simulator):
    monkeypatch.setenv('MELISSA_LICENSE_KEY', KEY)
    monkeypatch.setenv('MELISSA_CICERO_API_URL', fresh_simulator.url('healthy'))
    for args in ({}, dict(license_key='', api_url='', account='')):
        params = _watch.watch_options(args)
        assert (params['license_key'], params['api_url'], params['account']) == (
            KEY, fresh_simulator.url('healthy'), None)


# -- the watch against the simulator -----------------------------------------------------------------

def test_falling_balance_gives_ok_warn_low_one_event_each(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'falling', min_credits=1000, warn_credits=5000, account='prod'),
                       until=lambda events: reads(fresh_simulator, 'falling') >= 6)
    assert [(e['status'], e['figures']['credit_balance']) for e in events] == [
        ('ok', 12500), ('warn', 4000), ('low', 800)]
    assert events[1]['warning'] == 'Cicero credits running low: 4,000 usable (4,000 balance), below the warning ' \
                                   'level of 5,000'
    assert events[2]['message'] == 'Cicero credits too low: 800 usable (800 balance), 1,000 required'
    assert {e['account'] for e in events} == {'prod'}
    assert all(datetime.strptime(e['read_at'], '%Y-%m-%dT%H:%M:%SZ') for e in events)


def test_emit_every_puts_one_event_per_read(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'healthy', emit='every'), until=lambda events: len(events) >= 4)
    assert len(events) == 4 and {e['status'] for e in events} == {'ok'}
    assert reads(fresh_simulator, 'healthy') >= 4


def test_emit_status_stays_quiet_while_nothing_changes(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'healthy'), until=lambda events: reads(fresh_simulator, 'healthy') >= 5)
    assert [e['status'] for e in events] == ['ok']


def test_emit_changes_puts_an_event_when_a_figure_changes_within_a_status(fresh_simulator):
    # Without a warn level the falling account stays ok until it is low: 12,500 -> 4,000 is a change of figure.
    events = run_watch(args_for(fresh_simulator, 'falling', min_credits=1000, emit='changes'),
                       until=lambda events: reads(fresh_simulator, 'falling') >= 6)
    assert [(e['status'], e['counted_credits']) for e in events] == [('ok', 12500), ('ok', 4000), ('low', 800)]


def test_an_outage_puts_an_error_event_then_the_watch_recovers(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'outage'), until=lambda events: len(events) >= 3)
    assert [e['status'] for e in events] == ['ok', 'error', 'ok']
    error = events[1]
    assert error['message'].startswith('Cicero credits could not be read: Cicero API answered HTTP 502 Bad Gateway')
    assert error['passed'] is False and error['figures'] is None
    # Two failed reads in a row, but one error event: the second had the same status.
    assert reads(fresh_simulator, 'outage') >= 4


def test_one_request_per_read_without_runway_rules(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'healthy', emit='every'), until=lambda events: len(events) >= 5)
    counted = fresh_simulator.requests()
    assert set(counted) == {CREDITS_READS.format('healthy')}
    # emit=every: one event per finished read; one more read may have been under way when the test stopped.
    assert counted[CREDITS_READS.format('healthy')] in (len(events), len(events) + 1), (counted, len(events))


def test_runway_rules_read_the_usage_too(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'heavy_usage', min_runway_days=60, burn_rate_from='usage'),
                       until=lambda events: events)
    assert events[0]['status'] == 'low' and 'run out too soon' in events[0]['message']
    assert events[0]['daily_burn'] > 0 and events[0]['usage_period']
    assert any(request.startswith('heavy_usage GET /account/usage/') for request in fresh_simulator.requests())


def test_a_slow_read_blocks_neither_the_loop_nor_another_watch(fresh_simulator):
    """The slow account answers after 1.5 s; meanwhile the loop ticks and the other watch reads on."""
    async def drive():
        slow_queue, fast_queue = asyncio.Queue(), asyncio.Queue()
        slow = asyncio.create_task(_watch.watch(slow_queue, args_for(fresh_simulator, 'slow', timeout=10)))
        fast = asyncio.create_task(_watch.watch(fast_queue, args_for(fresh_simulator, 'healthy', emit='every')))
        ticks, started = 0, time.monotonic()
        while slow_queue.empty() and time.monotonic() - started < 5:
            await asyncio.sleep(0.01)
            ticks += 1
        first_slow_after = time.monotonic() - started
        fast_events = fast_queue.qsize()
        arrived = not slow_queue.empty()
        slow.cancel()
        fast.cancel()
        return ticks, first_slow_after, fast_events, arrived
    ticks, first_slow_after, fast_events, arrived = asyncio.run(drive())
    # The wait ran out without the slow read's event: the test proves nothing, so it fails.
    assert arrived, 'the slow read never answered within 5 s'
    assert first_slow_after >= 1.4, 'the slow scenario answered early: the test proves nothing'
    # 1.5 s of 10 ms sleeps is at most 150 ticks; a blocked loop would have managed a handful.
    assert ticks >= 50, ticks
    assert fast_events >= 5, fast_events


def test_no_secret_in_events_or_logs_at_debug(fresh_simulator, caplog):
    caplog.set_level(logging.DEBUG)
    events = run_watch(args_for(fresh_simulator, 'outage', emit='every'), until=lambda events: len(events) >= 3)
    token_events = run_watch(
        dict(api_url=fresh_simulator.url('healthy'), username='demo-user', password='demo-pass', interval=0.05),
        until=lambda events: events)
    # An API error that repeats the key it was sent (simulator scenario key_echo), for a key and a token.
    echoed = run_watch(args_for(fresh_simulator, 'key_echo'), until=lambda events: events) + run_watch(
        dict(api_url=fresh_simulator.url('key_echo'), username='demo-user', password='demo-pass', interval=0.05),
        until=lambda events: events)
    assert [e['status'] for e in events] == ['ok', 'error', 'error'] and token_events[0]['status'] == 'ok'
    assert [e['message'] for e in echoed] == [
        'Cicero credits could not be read: Cicero API error (HTTP 401): Invalid license key or token: ********'] * 2
    shown = json.dumps(events + token_events + echoed) + '\n'.join(record.getMessage() for record in caplog.records)
    assert 'credits_remaining?format=json&key=********' in shown  # urllib3's request lines were logged, masked
    secrets = secret_forms(KEY) + ['demo-pass'] + [
        form for token in fresh_simulator.stats()['tokens_issued'] for form in secret_forms(token)]
    assert fresh_simulator.stats()['tokens_issued'], 'no token was issued: the token half proves nothing'
    assert [secret for secret in secrets if secret in shown] == []


def test_the_read_runs_in_a_daemon_thread_and_its_error_reaches_the_caller():
    def fails():
        raise CiceroOptionError('boom')

    async def drive():
        with pytest.raises(CiceroOptionError):
            await _watch.in_thread(fails)
        return await _watch.in_thread(lambda: 42)
    assert asyncio.run(drive()) == 42


# -- the forecast: the pace the account is actually spending ---------------------------------------------

def test_a_draining_account_turns_low_on_its_forecast_while_its_balance_is_far_above_min_credits(fresh_simulator):
    # A second between reads: the pace is then measured within a few percent even on a loaded machine.
    events = run_watch(args_for(fresh_simulator, 'draining', min_credits=1000, min_runway_days=1, interval=1.0),
                       until=lambda events: len(events) >= 2)
    first, second = events[:2]
    # One reading gives no pace: the first verdict says so instead of guessing.
    assert first['status'] == 'ok' and 'runway unknown: 1 reading of the last 24 hours' in first['message']
    assert second['status'] == 'low' and second['figures']['credit_balance'] > 9000000
    assert re.match(r'^Cicero credits run out in about \d+ hours \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\) at the observed pace '
                    r'of [\d,]+ credits a day; 1 day required$', second['message']), second['message']
    # 17,280,000 a day; the reads' times are the watch's, the balances the simulator's: a few percent apart.
    assert 14e6 < second['observed_daily_burn'] < 21e6 and second['burn_rate_from'] == 'observed'
    assert second['runs_out_at'] > second['read_at']
    # The usage resource is never read for the observed pace.
    assert not any(' GET /account/usage/' in request for request in fresh_simulator.requests())


def test_a_top_up_is_not_negative_spending(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'topped_up', emit='every', interval=1.0),
                       until=lambda events: len(events) >= 5)
    balances = [event['figures']['credit_balance'] for event in events]
    assert max(balances) - min(balances) > 4000000, balances  # the purchase happened between these reads
    # One reading gives no pace; from the second on, the pace is the spending alone (17,280,000 a day), the
    # purchase of 5,000,000 never counted as negative spending.
    paces = [event['observed_daily_burn'] for event in events]
    assert paces[0] is None and all(pace is not None and 10e6 < pace < 25e6 for pace in paces[1:]), paces


def test_an_idle_account_has_an_unbounded_runway(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'idle', emit='every', min_runway_days=30),
                       until=lambda events: len(events) >= 2)
    assert (events[1]['observed_daily_burn'], events[1]['runway_days'], events[1]['runs_out_at']) == (0.0, None, None)
    assert events[1]['message'].endswith('runway unbounded (nothing spent in the last 24 hours)')


def test_a_restarted_watch_keeps_its_pace_with_state_path(fresh_simulator, tmp_path):
    state = str(tmp_path / 'cicero-state.json')
    arguments = args_for(fresh_simulator, 'draining', min_runway_days=1, state_path=state, emit='every')
    run_watch(arguments, until=lambda events: len(events) >= 2)
    restarted = run_watch(arguments, until=lambda events: len(events) >= 1)
    assert restarted[0]['status'] == 'low' and restarted[0]['observed_daily_burn'] is not None
    assert KEY not in open(state).read() and oct(os.stat(state).st_mode & 0o777) == '0o600'


def test_a_short_runway_puts_a_warn_event(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'draining', warn_runway_days=1), until=lambda events: len(events) >= 2)
    assert events[1]['status'] == 'warn' and events[1]['warning'].startswith('Cicero credits running out: run out in')


def test_a_state_path_in_a_missing_folder_is_refused_before_any_request(fresh_simulator, tmp_path):
    with pytest.raises(CiceroOptionError, match=r'^state_path: the folder .*nowhere of .* does not exist$'):
        run_watch(args_for(fresh_simulator, 'healthy', state_path=str(tmp_path / 'nowhere' / 's.json')),
                  until=lambda events: False)
    assert fresh_simulator.requests() == {}


# -- hostile answers: each is a named error event, and the watch reads on -------------------------------

@pytest.mark.parametrize('scenario, fmt, expected', [
    ('template_error', 'json', "Cicero API error (HTTP 400): { { lookup('pipe', 'echo INJECTED-$((6*7))') }}"),
    ('template_error', 'xml', "Cicero API error (HTTP 400): { { lookup('pipe', 'echo INJECTED-$((6*7))') }}"),
    ('control_error', 'json', 'Cicero API error (HTTP 400): Invalid key. ::error title=Forged::forged annotation  '
                              '::add-mask::masked ]0;owned title  [2Jcleared esrever'),
    ('long_error', 'json', 'Cicero API error (HTTP 400): ' + 'a-' * 250 + '...'),
    ('lone_surrogate', 'json', 'Cicero API error (HTTP 400): bad  key'),
    ('deep_nesting', 'json', 'Cicero API answer is not valid JSON (HTTP 200, application/json): the document is '
                             'nested more than 32 levels deep'),
    ('deep_nesting', 'xml', 'Cicero API answer is not valid XML (HTTP 200, application/xml): the document is '
                            'nested more than 32 levels deep'),
    ('long_number', 'json', "Cicero API field credit_balance is not a number: '" + '9' * 59 + '...'),
    ('redirect', 'json', 'Cicero API answered GET {url}/account/credits_remaining with HTTP 302 Found, a redirect to '
                         'host 127.0.0.1 (http), which is not followed: the credentials would go with it. Set api_url '
                         'to the address the API answers at'),
])
def test_a_hostile_answer_is_a_named_error_event_and_the_watch_reads_on(fresh_simulator, scenario, fmt, expected):
    url = fresh_simulator.url(scenario)
    events = run_watch(args_for(fresh_simulator, scenario, emit='every', format=fmt),
                       until=lambda events: len(events) >= 2)
    assert [event['status'] for event in events[:2]] == ['error', 'error']
    assert events[0]['message'] == 'Cicero credits could not be read: ' + expected.replace('{url}', url)
    # What ansible-rulebook does with an event: JSON, in UTF-8, to a playbook's extra variables.
    json.dumps(events).encode('utf-8')
    assert not re.search('[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|{{|{%', json.loads(json.dumps(events))[0]['message'])


def test_an_answer_that_never_ends_is_cut_at_the_deadline_and_the_watch_reads_on(fresh_simulator):
    # Headers trickled a byte every 0.05 s, against a timeout ten times that: only the attempt's deadline ends it.
    url = fresh_simulator.url('slow_headers')
    events = run_watch(args_for(fresh_simulator, 'slow_headers', emit='every', timeout=0.5),
                       until=lambda events: len(events) >= 2)
    assert [event['status'] for event in events[:2]] == ['error', 'error']
    assert events[0]['message'] == ('Cicero credits could not be read: Cicero API did not answer within 1s (the '
                                    'deadline of one attempt, twice the timeout of 0.5s): {0}/account/credits_'
                                    'remaining (gave up after 1 attempt)'.format(url))


def test_a_healthy_account_at_a_pace_too_slow_for_a_date_is_ok_and_unbounded(fresh_simulator):
    events = run_watch(args_for(fresh_simulator, 'tiny_pace', min_runway_days=30, burn_rate_from='usage'),
                       until=lambda events: events)
    assert events[0]['status'] == 'ok' and events[0]['runs_out_at'] is None
    assert events[0]['message'].startswith('Cicero credits OK: 10,000,000 usable (10,000,000 balance), 1 required, '
                                           'runway ')


def test_an_unforeseen_fault_while_judging_is_a_named_error_event_not_the_end_of_the_watch(
        fresh_simulator, monkeypatch):
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _gate  # pylint: disable=import-outside-toplevel
    calls = []

    def evaluate_once_badly(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OverflowError('date value out of range')
        return real_evaluate(*args, **kwargs)
    real_evaluate = _gate.evaluate
    monkeypatch.setattr(_gate, 'evaluate', evaluate_once_badly)
    events = run_watch(args_for(fresh_simulator, 'healthy', emit='every'), until=lambda events: len(events) >= 2)
    assert events[0]['status'] == 'error' and events[1]['status'] == 'ok'
    assert events[0]['message'] == 'Cicero credits could not be read: the answer could not be judged: date value out ' \
                                   'of range'


def test_a_wrong_value_from_the_environment_is_named_as_its_variable(monkeypatch, fresh_simulator):
    monkeypatch.setenv('MELISSA_CICERO_API_URL', 'ftp://gw:EnvPw@cicero.example/v3.1')
    args = dict(license_key=KEY, interval=0.05)
    with pytest.raises(CiceroOptionError) as raised:
        run_watch(args, until=lambda events: False)
    assert raised.value.message == ("MELISSA_CICERO_API_URL must be an absolute http:// or https:// URL such as "
                                    "https://app.cicerodata.com/v3.1, got 'ftp://gw:********@cicero.example/v3.1'")
    with pytest.raises(CiceroOptionError) as raised:  # given as an argument, it is named as the argument
        run_watch(dict(args, api_url='ftp://cicero.example/v3.1'), until=lambda events: False)
    assert raised.value.message.startswith('api_url must be an absolute')


def test_failed_reads_are_warnings_counted_in_a_row_and_a_good_read_ends_the_count(fresh_simulator, caplog):
    caplog.set_level(logging.INFO, logger=_watch.logger.name)
    events = run_watch(args_for(fresh_simulator, 'outage', emit='every'), until=lambda events: len(events) >= 4)
    assert [event['status'] for event in events[:4]] == ['ok', 'error', 'error', 'ok']
    said = [(record.levelname, record.getMessage().split(': ')[1]) for record in caplog.records
            if record.name == _watch.logger.name][:4]
    assert said == [('INFO', 'ok'), ('WARNING', 'read failed (1 in a row)'), ('WARNING', 'read failed (2 in a row)'),
                    ('INFO', 'ok')]


def test_a_read_runs_in_a_daemon_thread_that_never_holds_the_process_open(fresh_simulator):
    import threading  # pylint: disable=import-outside-toplevel

    async def look():
        task = asyncio.create_task(_watch.watch(asyncio.Queue(), args_for(fresh_simulator, 'slow')))
        for dummy in range(100):  # the slow answer takes 1.5 s: its read is under way within this
            await asyncio.sleep(0.02)
            reading = [thread for thread in threading.enumerate() if thread.name == 'melissa-cicero-credits-read']
            if reading:
                break
        task.cancel()
        return reading
    reading = asyncio.run(look())
    assert reading and all(thread.daemon for thread in reading)


def test_a_read_that_ends_after_its_watch_stopped_is_dropped_quietly(fresh_simulator, monkeypatch):
    """ansible-rulebook stops a source by cancelling it and closing its loop: a read still under way then has no
    loop to hand its verdict to, and must end without an error of its own."""
    import threading  # pylint: disable=import-outside-toplevel
    raised = []
    monkeypatch.setattr(threading, 'excepthook', lambda args: raised.append(args.exc_value))

    async def start_and_leave():
        task = asyncio.create_task(_watch.watch(asyncio.Queue(), args_for(fresh_simulator, 'slow')))
        await asyncio.sleep(0.3)  # the slow answer (1.5 s) is under way
        task.cancel()
    asyncio.run(start_and_leave())  # the loop closes here
    for thread in [thread for thread in threading.enumerate() if thread.name == 'melissa-cicero-credits-read']:
        thread.join(10)
    assert raised == []


def test_emit_is_compared_by_value():
    """A text of its own, as a rulebook's YAML gives it, not the interned literal of the code."""
    first = dict(verdict().to_dict(), status='ok', counted_credits=1, required_credits=1)
    second = dict(first, figures={'credit_balance': 2})
    assert _watch.should_emit(''.join('every'), first, dict(first)) is True
    assert _watch.should_emit(''.join('status'), first, second) is False
    assert _watch.should_emit(''.join('changes'), first, second) is True


def test_a_connection_warning_is_logged_by_the_source(caplog):
    caplog.set_level(logging.WARNING, logger=_watch.logger.name)
    _watch.watch_options(dict(license_key=KEY, api_url='http://cicero.example/v3.1'))
    said = [record.getMessage() for record in caplog.records if record.name == _watch.logger.name]
    assert said == ['melissa.cicero.credits: api_url http://cicero.example/v3.1 is plain http: the credentials travel '
                    'in clear text over the network.']


def test_a_first_read_that_fails_is_the_first_failure_in_a_row(fresh_simulator, caplog):
    caplog.set_level(logging.WARNING, logger=_watch.logger.name)
    run_watch(args_for(fresh_simulator, 'unavailable', emit='every'), until=lambda events: len(events) >= 1)
    first = [record.getMessage() for record in caplog.records if record.name == _watch.logger.name][0]
    assert first.startswith('melissa.cicero.credits: read failed (1 in a row): Cicero credits could not be read: '
                            'Cicero API answered HTTP 503'), first


def test_a_missing_library_is_named_with_what_to_install(monkeypatch):
    monkeypatch.setattr(_watch, 'missing_library', lambda params: ('xmltodict', 'No module named xmltodict'))
    with pytest.raises(CiceroOptionError) as raised:
        _watch.watch_options(dict(license_key=KEY))
    assert raised.value.message == ('melissa.cicero.credits needs the Python library xmltodict in the Python that runs '
                                    'ansible-rulebook: pip install xmltodict')


def test_a_state_path_that_is_someone_elses_file_is_left_alone_and_the_watch_reads_on(fresh_simulator, tmp_path,
                                                                                      caplog):
    """Not a reason to stop watching: the readings are kept in memory, the file stays as it was, and it is said."""
    caplog.set_level(logging.WARNING, logger=_watch.logger.name)
    notes = tmp_path / 'notes.txt'
    notes.write_text('my notes: buy more credits\n')
    events = run_watch(args_for(fresh_simulator, 'healthy', state_path=str(notes), emit='every'),
                       until=lambda events: len(events) >= 2)
    assert [event['status'] for event in events[:2]] == ['ok', 'ok']
    assert notes.read_text() == 'my notes: buy more credits\n'
    said = {record.getMessage() for record in caplog.records if record.name == _watch.logger.name}
    assert said == {'melissa.cicero.credits: {0} is not a readings file of this collection; it is left as it is: give '
                    'the history a file of its own; the readings are kept in memory only'.format(notes)}
