"""The gate's forecast from its own history: three runs of the real ansible-playbook with a history file."""

import json
import os
import stat
import time

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY, OTHER_KEY, gate_result


def gate(ansible, api_url, history, *extra):
    return gate_result(ansible, 'assert_credits_history_path=' + str(history), *extra,
                       env={'MELISSA_CICERO_API_URL': api_url})


def test_three_gate_runs_with_a_history_judge_the_observed_pace(ansible, fresh_simulator, tmp_path):
    history = tmp_path / 'cicero-history.json'
    rules = ('assert_credits_burn_rate_from=observed', 'assert_credits_min_runway_days=1')
    run, first = gate(ansible, fresh_simulator.url('draining'), history, *rules)
    assert run.rc == 0 and first['observed_daily_burn'] is None, run.output
    assert 'runway unknown: 1 reading of the last 24 hours, 2 needed for a pace' in first['msg']
    time.sleep(1)
    run, second = gate(ansible, fresh_simulator.url('draining'), history, *rules)
    assert run.rc != 0 and second['msg'].startswith('Cicero credits run out in about '), run.output
    assert second['figures']['credit_balance'] > 9000000 and 10e6 < second['observed_daily_burn'] < 25e6
    # The cautious choice: the faster of the usage resource's pace and the observed one.
    run, third = gate(ansible, fresh_simulator.url('draining'), history, 'assert_credits_burn_rate_from=both',
                      'assert_credits_min_runway_days=1')
    assert run.rc != 0 and third['daily_burn'] == third['observed_daily_burn'] and third['usage_period'], run.output
    stored, = json.loads(history.read_text())['accounts'].values()
    assert len(stored['readings']) == 3 and stored['account'] == '127.0.0.1'
    assert stat.S_IMODE(os.stat(str(history)).st_mode) == 0o600
    assert LICENSE_KEY not in history.read_text()


def test_the_default_pace_is_the_usage_and_the_history_is_still_reported(ansible, fresh_simulator, tmp_path):
    history = tmp_path / 'history.json'
    for dummy in range(2):
        run, result = gate(ansible, fresh_simulator.url('draining'), history)
        time.sleep(0.5)
    assert run.rc == 0 and result['burn_rate_from'] == 'usage' and result['observed_daily_burn'] > 0, run.output
    assert result['runs_out_at'] is None and result['daily_burn'] is None  # no runway rule read the usage


def test_someones_notes_at_the_history_path_are_never_overwritten(ansible, fresh_simulator, tmp_path):
    history = tmp_path / 'history.json'
    history.write_text('this is not json: my notes\n')
    # Without a runway rule the verdict stands, with a warning; with one, the gate fails naming the variable.
    run, result = gate(ansible, fresh_simulator.url('healthy'), history)
    assert run.rc == 0, run.output
    assert '[WARNING]: {0} is not a readings file of this collection; it is left as it is'.format(
        history) in run.flat_output
    run, result = gate(ansible, fresh_simulator.url('healthy'), history, 'assert_credits_burn_rate_from=observed',
                       'assert_credits_min_runway_days=1')
    assert run.rc != 0 and result['msg'].startswith('assert_credits_history_path: {0} is not a readings file'.format(
        history)), run.output
    assert history.read_text() == 'this is not json: my notes\n'


def test_two_keys_behind_one_url_keep_their_readings_apart(ansible, fresh_simulator, tmp_path):
    history = tmp_path / 'history.json'
    rules = ('assert_credits_burn_rate_from=observed', 'assert_credits_min_runway_days=1')
    for key in (LICENSE_KEY, OTHER_KEY):
        run, result = gate_result(ansible, 'assert_credits_history_path=' + str(history), *rules,
                                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url('draining'),
                                       'MELISSA_LICENSE_KEY': key})
        # Each account's first reading: its pace is unknown, never the other account's.
        assert run.rc == 0 and result['observed_daily_burn'] is None, run.output
    accounts = json.loads(history.read_text())['accounts']
    assert len(accounts) == 2 and all(len(entry['readings']) == 1 for entry in accounts.values())
    assert LICENSE_KEY not in history.read_text() and OTHER_KEY not in history.read_text()


def test_a_history_in_a_missing_folder_fails_the_gate_naming_the_variable(ansible, fresh_simulator, tmp_path):
    history = tmp_path / 'nowhere' / 'history.json'
    run, result = gate(ansible, fresh_simulator.url('healthy'), history)
    assert run.rc != 0
    assert result['msg'] == 'assert_credits_history_path: the folder {0} of {1} does not exist'.format(
        history.parent, history)
    assert fresh_simulator.requests() == {}
