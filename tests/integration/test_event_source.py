"""The event source run by the real ansible-rulebook, from the installed collection, against the simulator.

Every run is at -vv with --print-events, and its whole output is searched for the key in every spelling.
"""

import os
import re
import signal
import subprocess
import tempfile
import time

import pytest
import yaml

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY, OTHER_KEY, free_port

from ansible_collections.melissa.cicero.plugins.module_utils._redact import secret_forms

pytestmark = pytest.mark.rulebook
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def rulebook(ansible_env, tmp_path):
    """Run ansible-rulebook until `done(output)` holds or `timeout` passes, then stop it; returns (rc, output)."""
    def run(name, variables, done=lambda output: False, timeout=60, env=None, inventory='localhost,'):
        vars_file = tmp_path / 'vars.yml'
        vars_file.write_text(yaml.safe_dump(variables))
        log = tmp_path / 'rulebook.log'
        with open(log, 'w') as output:
            # Under timeout(1): should this test die, ansible-rulebook still stops by itself.
            process = subprocess.Popen(
                ['timeout', '-k', '10', str(timeout + 30), 'ansible-rulebook', '-i', inventory, '-r', name,
                 '--vars', str(vars_file), '--print-events', '-vv'], env=dict(ansible_env, **(env or {})),
                stdout=output, stderr=subprocess.STDOUT, cwd=str(tmp_path))
            deadline = time.monotonic() + timeout
            while process.poll() is None and time.monotonic() < deadline and not done(log.read_text()):
                time.sleep(0.2)
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        return process.returncode, log.read_text()
    return run


def assert_no_secret(output, *keys):
    leaked = [form for key in keys for form in secret_forms(key) if form in output]
    assert leaked == [], 'secret shown in the output'


def positions(output, *needles):
    found = [output.find(needle) for needle in needles]
    assert -1 not in found, [needle for needle, at in zip(needles, found) if at == -1]
    return found


def test_a_falling_balance_fires_the_alert_rule_on_warn_then_low(rulebook, fresh_simulator):
    rc, output = rulebook('melissa.cicero.credits_alert', dict(cicero_interval=0.5, cicero_account='prod'),
                          done=lambda output: 'Cicero account prod is low' in output,
                          env=dict(MELISSA_CICERO_API_URL=fresh_simulator.url('falling')))
    ok, warn, low = positions(
        output,
        'Cicero account prod is ok: Cicero credits OK: 12,500 usable (12,500 balance), 1,000 required',
        'Cicero account prod is warn: Cicero credits running low: 4,000 usable (4,000 balance), below the '
        'warning level of 5,000',
        'Cicero account prod is low: Cicero credits too low: 800 usable (800 balance), 1,000 required')
    assert ok < warn < low, output
    # The events as --print-events shows them carry the vocabulary rules use.
    assert "'status': 'warn'" in output and "'available_credits': 4000" in output
    assert_no_secret(output, LICENSE_KEY)


def test_an_outage_gives_an_error_event_naming_the_status_then_recovers(rulebook, fresh_simulator):
    # The key as the EDA controller's credential gives it: a variable, not the environment.
    rc, output = rulebook('melissa.cicero.credits_alert',
                          dict(cicero_interval=0.5, cicero_retries=0, cicero_license_key=LICENSE_KEY),
                          done=lambda output: output.count('Cicero account cicero is ok') >= 2,
                          env=dict(MELISSA_CICERO_API_URL=fresh_simulator.url('outage'), MELISSA_LICENSE_KEY=''))
    ok, error = positions(output, 'Cicero account cicero is ok',
                          'Cicero account cicero is error: Cicero credits could not be read: Cicero API answered '
                          'HTTP 502 Bad Gateway (text/html): 502 Bad Gateway')
    recovered = output.find('Cicero account cicero is ok', error)
    assert ok < error < recovered, output
    assert 'read failed (1 in a row)' in output  # the source's own log line at -v
    assert_no_secret(output, LICENSE_KEY)


def test_a_slow_account_does_not_delay_the_other_source(rulebook, fresh_simulator):
    """Production answers after 4 s; staging's three reads, 0.5 s apart, and its alert come first."""
    variables = dict(cicero_production_key=LICENSE_KEY, cicero_staging_key=OTHER_KEY, cicero_interval=0.5,
                     cicero_production_url=fresh_simulator.url('slow'),
                     cicero_staging_url=fresh_simulator.url('falling'))
    rc, output = rulebook('melissa.cicero.watch_two_accounts', variables,
                          done=lambda output: "'account': 'production'" in output)
    staging_warn, staging_low, production_first = positions(
        output, 'staging Cicero credits: Cicero credits running low: 4,000 usable',
        'staging Cicero credits low: Cicero credits too low: 800 usable (800 balance), 1,000 required',
        "'account': 'production'")
    assert staging_warn < staging_low < production_first, output
    assert_no_secret(output, LICENSE_KEY, OTHER_KEY)


def test_a_bad_argument_stops_ansible_rulebook_naming_it(rulebook, fresh_simulator):
    rc, output = rulebook('melissa.cicero.credits_alert', dict(cicero_interval=0),
                          env=dict(MELISSA_CICERO_API_URL=fresh_simulator.url('healthy')))
    # ansible-rulebook stopped by itself on the bad argument: not by the fixture's SIGTERM at the end of its wait
    # (-15, or 143 through timeout(1)), nor by timeout(1) itself (124).
    assert rc not in (0, -15, 124, 143), (rc, output)
    assert 'melissa.cicero.credits: interval must be a number of seconds greater than 0, got 0' in output
    assert 'Traceback' not in output
    assert fresh_simulator.requests() == {}
    assert_no_secret(output, LICENSE_KEY)


def test_an_api_error_is_an_error_event_with_the_apis_text(rulebook, fresh_simulator):
    rc, output = rulebook('melissa.cicero.credits_alert', dict(cicero_interval=30),
                          done=lambda output: 'Cicero account cicero is error' in output,
                          env=dict(MELISSA_CICERO_API_URL=fresh_simulator.url('unauthorized')))
    assert re.search(r'Cicero account cicero is error: Cicero credits could not be read: Cicero API error '
                     r'\(HTTP 401\): Invalid license key\.', output), output
    assert_no_secret(output, LICENSE_KEY)


def guide_blocks():
    with open(os.path.join(REPO, 'docs', 'watch-credits-with-eda.md')) as handle:
        guide = handle.read()
    return guide, re.findall(r'```sh\n(.*?)```', guide, re.S)


def run_guide_script(script, ansible_env, until):
    """Run guide lines with bash until `until` is printed (or 60 s pass); everything they started is stopped.
    On a free port: the guide's 8765 may be taken on a shared machine."""
    script = script.replace('8765', str(free_port()))
    env = dict(ansible_env)
    env.pop('MELISSA_LICENSE_KEY')
    with tempfile.TemporaryFile('w+') as output:
        # timeout(1) signals its whole process group: ansible-rulebook and the simulator stop by themselves
        # should this test die before its finally.
        process = subprocess.Popen(['timeout', '-k', '10', '120', 'bash', '-c', script], cwd=REPO, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        try:
            while process.poll() is None and time.monotonic() < deadline:
                output.seek(0)
                if until in output.read():
                    break
                time.sleep(0.2)
        finally:
            os.killpg(process.pid, signal.SIGTERM)  # ansible-rulebook and the simulator in the background
            process.wait(30)
        output.seek(0)
        return output.read()


def test_the_guides_command_line_example_works_as_written(ansible_env):
    """docs/watch-credits-with-eda.md: the block that starts the simulator and ansible-rulebook, run by bash."""
    guide, blocks = guide_blocks()
    block, = [block for block in blocks if 'ansible-rulebook -i' in block and '--scenario falling' in block]
    assert block.count('8765') == 2, block
    shown = run_guide_script(block, ansible_env, until='Cicero account cicero is low')
    for line in ('Cicero account cicero is ok: Cicero credits OK: 12,500 usable (12,500 balance), 1,000 required',
                 'Cicero account cicero is warn: Cicero credits running low: 4,000 usable (4,000 balance), below '
                 'the warning level of 5,000',
                 'Cicero account cicero is low: Cicero credits too low: 800 usable (800 balance), 1,000 required'):
        assert line in shown and line in guide, line
    assert 'cicero-demo-key' not in shown  # the key is never shown, the demo key included


def test_the_guides_two_accounts_example_works_as_written(ansible_env, tmp_path):
    """The watch_two_accounts block of the guide, with its vars file (on a free port, in a copy of the file)."""
    guide, blocks = guide_blocks()
    block, = [block for block in blocks if 'watch_two_accounts' in block]
    port = str(free_port())
    vars_file = tmp_path / 'vars.yml'
    vars_file.write_text(open(os.path.join(REPO, 'docs', 'examples', 'eda', 'watch-two-accounts.vars.yml')).read()
                         .replace('8765', port))
    # The set-up block's environment is the test's own (the collection installed by the tests, .venv on PATH).
    script = block.replace('docs/examples/eda/watch-two-accounts.vars.yml', str(vars_file)).replace('8765', port)
    shown = run_guide_script(script, ansible_env, until='staging Cicero credits low')
    for line in ('staging Cicero credits: Cicero credits running low: 4,000 usable ',
                 'staging Cicero credits low: Cicero credits too low: 800 usable (800 balance), 1,000 required'):
        assert line in shown and line in guide, (line, shown)
    assert 'PAGE: production' not in shown


def test_the_guides_forecast_example_works_as_written(ansible_env):
    """The forecast block of the guide, after the simulator and the variables of the block before it."""
    blocks = guide_blocks()[1]
    first, = [block for block in blocks if '--scenario falling' in block]
    forecast, = [block for block in blocks if '/draining/' in block]
    setup = ''.join(line + '\n' for line in first.splitlines() if not line.startswith('ansible-rulebook'))
    shown = run_guide_script(setup + forecast, ansible_env, until='Cicero account cicero is low')
    # The guide's lines, the figures aside: the balance falls with the clock, the date and the pace follow
    # the time between reads.
    ok = re.search(r'Cicero account cicero is ok: Cicero credits OK: ([\d,]+) usable \([\d,]+ balance\), 1,000 '
                   r'required, runway unknown: 1 reading of the last 24 hours, 2 needed for a pace', shown)
    said = re.search(r'Cicero account cicero is low: Cicero credits run out in about (\d+) hours \(\d{4}-\d\d-\d\d '
                     r'\d\d:\d\d UTC\) at the observed pace of ([\d,]+) credits a day; 1 day required', shown)
    assert ok and said and ok.start() < said.start(), shown
    assert int(ok.group(1).replace(',', '')) > 9900000, ok.group(0)
    # 17,280,000 a day; reads two seconds apart on a loaded machine may each be stamped a few tenths of a
    # second from the moment the simulator computed the balance.
    assert 10000000 <= int(said.group(2).replace(',', '')) <= 30000000, said.group(0)
    assert 'cicero-demo-key' not in shown  # the key is never shown, the demo key included


def test_a_draining_account_turns_low_on_its_forecast_and_a_restart_keeps_the_pace(rulebook, fresh_simulator, tmp_path):
    """The balance stays above 9,000,000 credits, far above min_credits; the forecast says they run out today."""
    state = str(tmp_path / 'cicero-readings.json')
    variables = dict(cicero_interval=1, cicero_account='prod', cicero_min_runway_days=1, cicero_state_path=state)
    env = dict(MELISSA_CICERO_API_URL=fresh_simulator.url('draining'))
    rc, output = rulebook('melissa.cicero.credits_alert', variables,
                          done=lambda output: 'Cicero account prod is low' in output, env=env)
    ok, low = positions(output, 'Cicero account prod is ok: Cicero credits OK: ',
                        'Cicero account prod is low: Cicero credits run out in about ')
    assert ok < low and 'runway unknown: 1 reading of the last 24 hours' in output[ok:low], output
    assert re.search(r"'observed_daily_burn': 1\d,\d{3},\d{3}|'observed_daily_burn': 1\d{7}", output), output
    assert "'runs_out_at': '" in output
    # The guide shows these two lines (its figures are those of a run; the date and the pace move a little).
    guide = open(os.path.join(REPO, 'docs', 'watch-credits-with-eda.md')).read()
    shape = re.compile(r'Cicero account \w+ is (ok|low): Cicero credits (OK: [\d,]+ usable \([\d,]+ balance\), 1,000 '
                       r'required, runway unknown: 1 reading of the last 24 hours, 2 needed for a pace|run out in about \d+ '
                       r'hours \([\d :-]+ UTC\) at the observed pace of [\d,]+ credits a day; 1 day required)')
    assert [match.group(1) for match in shape.finditer(guide)] == ['ok', 'low']
    assert [match.group(1) for match in shape.finditer(output)][:2] == ['ok', 'low'], output
    # Restarted with the same state_path: the first event already knows the pace.
    rc, output = rulebook('melissa.cicero.credits_alert', variables, env=env,
                          done=lambda output: 'Cicero account prod is' in output)
    assert 'Cicero account prod is low: Cicero credits run out in about ' in output and 'runway unknown' not in output
    assert_no_secret(output + open(state).read(), LICENSE_KEY)
