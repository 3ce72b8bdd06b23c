"""The report renderers and the GitHub Actions publisher, pure functions of a verdict, read back by real parsers."""

import errno
import json
import os

from datetime import datetime, timezone
from xml.etree import ElementTree

import pytest

from prometheus_client.parser import text_string_to_metric_families

from ansible_collections.melissa.cicero.tests.support import read_dotenv

from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS, evaluate, unreadable
from ansible_collections.melissa.cicero.plugins.plugin_utils import _github, _report_files, _reports
from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import (
    ReportError, replace_file, write_reports)

READ_AT = datetime(2026, 11, 25, 8, 30, 0, tzinfo=timezone.utc)
FIGURES = dict(credit_balance=4000, overdraft_limit=500, available_credits=4500, credits_expiring_soon=300,
               expiring_within_days=30, next_expiration='2026-12-01 00:00:00', usable_batches=[
                   dict(credits_purchased=5000, credits_remaining=4000, created='2026-01-01 00:00:00',
                        expiration_time='2026-12-01 00:00:00', cost='149.00', discount='0.00', expires_in_days=6)])
USAGE = dict(average_daily_credits=100.0, start='2026-08', end='2026-10')


def verdict(case):
    policy = dict(POLICY_DEFAULTS)
    if case == 'pass':
        return evaluate(FIGURES, dict(policy, min_credits=1000))
    if case == 'warn':
        return evaluate(FIGURES, dict(policy, min_credits=1000, warn_credits=5000))
    if case == 'fail':
        return evaluate(FIGURES, dict(policy, min_credits=5000))
    if case == 'runway':
        return evaluate(FIGURES, dict(policy, min_runway_days=10), USAGE)
    return unreadable('Cicero API error (HTTP 400): A detailed message | <about> the error.', policy)


CASES = ('pass', 'warn', 'fail', 'runway', 'unreadable')


@pytest.mark.parametrize('case', CASES)
def test_junit_is_one_suite_with_one_case_a_failure_when_too_low_and_an_error_when_unreadable(case):
    given = verdict(case)
    root = ElementTree.fromstring(_reports.render_junit(given, 'production', READ_AT).encode())
    suite, = root.findall('testsuite')
    case_element, = suite.findall('testcase')
    assert case_element.get('name') == 'Cicero credits of production'
    failures, errors = case_element.findall('failure'), case_element.findall('error')
    assert suite.get('failures') == root.get('failures') == str(len(failures))
    assert suite.get('errors') == root.get('errors') == str(len(errors))
    expected = {'fail': ([given.message], []), 'unreadable': ([], [given.message])}.get(case, ([], []))
    assert ([f.get('message') for f in failures], [e.get('message') for e in errors]) == expected
    assert [element.text for element in failures + errors] == expected[0] + expected[1]
    # The kind of outcome, for readers that group by it: too few credits, or no figures at all.
    assert [element.get('type') for element in failures + errors] == (
        ['insufficient'] * len(failures) + ['unreadable'] * len(errors))
    assert case_element.find('system-out').text == _reports.summary_line(given)


def samples(text):
    return {sample.name: (sample.value, sample.labels) for family in text_string_to_metric_families(text)
            for sample in family.samples}


def test_openmetrics_gauges_of_a_good_read():
    text = _reports.render_openmetrics(verdict('pass'), 'production', READ_AT)
    got = samples(text)
    assert {name: value for name, (value, labels) in got.items()} == {
        'melissa_cicero_up': 1, 'melissa_cicero_gate_passed': 1, 'melissa_cicero_gate_warning': 0,
        'melissa_cicero_credit_balance': 4000,
        'melissa_cicero_overdraft_limit': 500, 'melissa_cicero_available_credits': 4500,
        'melissa_cicero_counted_credits': 4000, 'melissa_cicero_required_credits': 1000,
        'melissa_cicero_credits_expiring_soon': 300,
        'melissa_cicero_last_read_timestamp_seconds': READ_AT.timestamp()}
    assert {labels['account'] for value, labels in got.values()} == {'production'}
    assert all('# HELP {0} '.format(name) in text for name in got)


def test_openmetrics_with_a_runway_rule_and_unbounded_runway():
    got = samples(_reports.render_openmetrics(verdict('runway'), 'a', READ_AT))
    assert (got['melissa_cicero_daily_burn'][0], got['melissa_cicero_runway_seconds'][0]) == (100.0, 40.0 * 86400)
    idle = evaluate(FIGURES, dict(POLICY_DEFAULTS, min_runway_days=10), dict(USAGE, average_daily_credits=0.0))
    assert samples(_reports.render_openmetrics(idle, 'a', READ_AT))['melissa_cicero_runway_seconds'][0] == float('inf')


def test_openmetrics_of_a_failed_read_says_down_and_failed():
    got = samples(_reports.render_openmetrics(verdict('unreadable'), 'a', READ_AT))
    assert (got['melissa_cicero_up'][0], got['melissa_cicero_gate_passed'][0]) == (0, 0)
    assert 'melissa_cicero_credit_balance' not in got and 'melissa_cicero_required_credits' in got


def test_openmetrics_says_when_the_gate_warned():
    assert samples(_reports.render_openmetrics(verdict('warn'), 'a', READ_AT))['melissa_cicero_gate_warning'][0] == 1
    assert samples(_reports.render_openmetrics(verdict('fail'), 'a', READ_AT))['melissa_cicero_gate_warning'][0] == 0


FIGURES_OF_PASS = dict(CICERO_CREDIT_BALANCE='4000', CICERO_AVAILABLE_CREDITS='4500', CICERO_COUNTED_CREDITS='4000')


@pytest.mark.parametrize('case, expected', [
    ('pass', dict(FIGURES_OF_PASS, CICERO_PASSED='true', CICERO_WARNING='false', CICERO_REQUIRED_CREDITS='1000',
                  CICERO_RUNWAY_DAYS='', CICERO_RUNS_OUT_AT='', CICERO_NOT_JUDGED='',
                  CICERO_MESSAGE='Cicero credits OK: 4,000 usable (4,000 balance), 1,000 required')),
    ('warn', dict(FIGURES_OF_PASS, CICERO_PASSED='true', CICERO_WARNING='true', CICERO_REQUIRED_CREDITS='1000',
                  CICERO_RUNWAY_DAYS='', CICERO_RUNS_OUT_AT='', CICERO_NOT_JUDGED='',
                  CICERO_MESSAGE='Cicero credits OK: 4,000 usable (4,000 balance), 1,000 required '
                  '(Cicero credits running low: 4,000 usable (4,000 balance), below the warning level of 5,000)')),
    ('runway', dict(FIGURES_OF_PASS, CICERO_PASSED='true', CICERO_WARNING='false', CICERO_REQUIRED_CREDITS='1',
                    CICERO_RUNWAY_DAYS='40.0', CICERO_RUNS_OUT_AT='', CICERO_NOT_JUDGED='', CICERO_MESSAGE='Cicero credits OK: 4,000 usable (4,000 balance), 1 '
                    'required, runway 40 days at 100 a day (2026-08 to 2026-10)')),
    ('unreadable', dict(CICERO_PASSED='false', CICERO_WARNING='false', CICERO_CREDIT_BALANCE='',
                        CICERO_AVAILABLE_CREDITS='', CICERO_COUNTED_CREDITS='', CICERO_REQUIRED_CREDITS='1',
                        CICERO_RUNWAY_DAYS='', CICERO_RUNS_OUT_AT='', CICERO_NOT_JUDGED='', CICERO_MESSAGE='Cicero credits could not be read: Cicero API error '
                        '(HTTP 400): A detailed message | <about> the error.')),
])
def test_dotenv_as_a_shell_reads_it(case, expected, tmp_path):
    assert read_dotenv(_reports.render_dotenv(verdict(case), 'a', READ_AT), tmp_path) == expected


def test_a_message_that_looks_like_shell_is_read_as_text(tmp_path):
    hostile = unreadable("Cicero API error (HTTP 400): $(touch {0}/owned) `id` it's; rm -rf x".format(tmp_path),
                         dict(POLICY_DEFAULTS))
    read = read_dotenv(_reports.render_dotenv(hostile, 'a', READ_AT), tmp_path)
    assert read['CICERO_MESSAGE'] == hostile.message and not (tmp_path / 'owned').exists()


def test_an_unbounded_runway_reads_the_same_in_every_report(tmp_path):
    idle = evaluate(FIGURES, dict(POLICY_DEFAULTS, min_runway_days=10), dict(USAGE, average_daily_credits=0.0))
    assert read_dotenv(_reports.render_dotenv(idle, 'a', READ_AT), tmp_path)['CICERO_RUNWAY_DAYS'] == 'unbounded'
    assert 'runway_days=unbounded\n' in _github.output_lines(idle)
    assert '| runway days | unbounded |' in _reports.render_markdown(idle, 'a', READ_AT)
    assert samples(_reports.render_openmetrics(idle, 'a', READ_AT))['melissa_cicero_runway_seconds'][0] == float('inf')
    # No runway rule: no runway at all, which is not the same as an unbounded one.
    assert read_dotenv(_reports.render_dotenv(verdict('pass'), 'a', READ_AT), tmp_path)['CICERO_RUNWAY_DAYS'] == ''


def test_markdown_table_and_safe_text():
    text = _reports.render_markdown(verdict('unreadable'), 'production', READ_AT)
    assert text.startswith('### Cicero credits of production: failed\n')
    assert '```text\nCicero credits could not be read: Cicero API error (HTTP 400): A detailed message | <about> the ' \
        'error.\n```\n' in text
    assert '| credit balance | n/a |' in text and '| required credits | 1 |' in text
    warn = _reports.render_markdown(verdict('warn'), 'production', READ_AT)
    assert 'passed with a warning' in warn and '```text\nCicero credits running low' in warn
    assert '| available credits | 4,500 |' in warn


HOSTILE_MARKDOWN = ('Failed [click here](https://evil.example/x) ![pixel](https://evil.example/p.png) @octocat '
                    '<img src=x onerror=alert(1)> **bold** | cell ``` fence ````\r\n### heading www.evil.example')


def rendered_html(markdown):
    from markdown_it import MarkdownIt  # pylint: disable=import-outside-toplevel
    return MarkdownIt('gfm-like', {'linkify': False}).render(markdown)


def test_markdown_shows_api_text_as_text_whatever_it_holds():
    hostile = unreadable(HOSTILE_MARKDOWN, dict(POLICY_DEFAULTS))
    text = _reports.render_markdown(hostile, '[prod](https://evil.example) @team <b>', READ_AT)
    html = rendered_html(text)
    # Nothing renders from the message or the label: no link, image, HTML, emphasis, table row or heading.
    for made in ('<a ', '<img', '<strong', '<b>', '<h3>Cicero credits of <', '<h3>heading'):
        assert made not in html, (made, html)
    assert html.count('<h3>') == 1 and html.count('<table>') == 1 and '<td>cell' not in html
    # The message is there, whole, as the literal text of one code block, and the label as literal text.
    assert '<pre><code class="language-text">Cicero credits could not be read: Failed [click here](https://evil.example/x)' in html
    assert '<h3>Cicero credits of [prod](https://evil.example) @team &lt;b&gt;: failed</h3>' in html
    # The fence is one backtick longer than the longest run of backticks in the text, so the text cannot close it.
    assert '`````text' in text.splitlines()


@pytest.mark.parametrize('ticks, fence', [(0, 3), (2, 3), (3, 4), (4, 5)])
def test_a_code_fence_is_one_backtick_longer_than_the_longest_run_inside(ticks, fence):
    text = _reports.render_markdown(unreadable('a ' + '`' * ticks + ' b', dict(POLICY_DEFAULTS)), 'prod', READ_AT)
    assert '`' * fence + 'text' in text.splitlines()
    assert 'a {0} b'.format('`' * ticks) in rendered_html(text)  # the text, whole and literal


def test_junit_stays_well_formed_xml_whatever_a_message_holds():
    hostile = unreadable('bad \x00\x01\x08\x0b\x0c\x1b[2J\ufffe\uffff end <&"\'>', dict(POLICY_DEFAULTS))
    root = ElementTree.fromstring(_reports.render_junit(hostile, 'prod\x07', READ_AT).encode())
    error = root.find('testsuite/testcase/error')
    assert error.get('message') == error.text == 'Cicero credits could not be read: bad [2J end <&"\'>'
    assert root.find('testsuite/testcase').get('name') == 'Cicero credits of prod'


def test_no_message_line_breaks_a_dotenv_or_github_output_line(tmp_path):
    hostile = unreadable('one\rtwo\nCICERO_PASSED=true', dict(POLICY_DEFAULTS))
    assert read_dotenv(_reports.render_dotenv(hostile, 'a', READ_AT), tmp_path)['CICERO_PASSED'] == 'false'
    lines = _github.output_lines(hostile).splitlines()
    assert [line for line in lines if line.startswith('passed=')] == ['passed=false']
    assert len(lines) == len(_reports.dotenv_values(hostile))


def test_json_is_the_verdict_with_the_account_and_the_time_of_the_read():
    text = _reports.render_json(verdict('fail'), 'prod', READ_AT)
    assert json.loads(text) == dict(verdict('fail').to_dict(), account='prod', read_at='2026-11-25T08:30:00Z')
    # Indented by two, keys sorted, one line at the end: the same verdict gives the same bytes, which diff well.
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + '\n'


def test_unknown_formats_are_named():
    assert _reports.unknown_formats({'junit': 'a', 'xlsx': 'b', 'csv': 'c'}) == ['csv', 'xlsx']


def test_files_are_replaced_whole_and_an_unwritable_path_is_named(tmp_path):
    target = tmp_path / 'report.xml'
    target.write_text('old')
    written = write_reports([('junit', str(target)), ('dotenv', str(tmp_path / 'c.env'))], verdict('pass'), 'a',
                            READ_AT)
    assert written == [str(target), str(tmp_path / 'c.env')] and target.read_text().startswith('<?xml')
    assert sorted(os.listdir(str(tmp_path))) == ['c.env', 'report.xml']  # no partial file left behind
    missing = str(tmp_path / 'no' / 'such' / 'dir' / 'r.prom')
    with pytest.raises(ReportError) as raised:
        replace_file(missing, 'x')
    assert str(raised.value) == 'report {0} could not be written: the folder {1} does not exist'.format(
        missing, os.path.dirname(missing))
    with pytest.raises(ReportError) as raised:
        replace_file(str(tmp_path), 'x')
    assert str(raised.value) == 'report {0} could not be written: it is a directory; give the path of a file in ' \
                                'it'.format(tmp_path)


def test_a_folder_that_is_not_writable_is_named(tmp_path, monkeypatch):
    # Tests run as root here, which may write anywhere: the permission is what os.access answers.
    monkeypatch.setattr(os, 'access', lambda path, mode: path != str(tmp_path))
    with pytest.raises(ReportError) as raised:
        replace_file(str(tmp_path / 'r.env'), 'x')
    assert str(raised.value) == 'report {0} could not be written: permission denied: the folder {1} is not ' \
                                'writable'.format(tmp_path / 'r.env', tmp_path)


def test_one_unwritable_report_stops_none_of_the_others(tmp_path):
    reports = [('junit', str(tmp_path / 'missing' / 'r.xml')), ('dotenv', str(tmp_path / 'r.env')),
               ('markdown', str(tmp_path))]
    with pytest.raises(ReportError) as raised:
        write_reports(reports, verdict('pass'), 'a', READ_AT)
    assert str(raised.value) == (
        'report {0} could not be written: the folder {1} does not exist; report {2} could not be written: it is '
        'a directory; give the path of a file in it'.format(reports[0][1], tmp_path / 'missing', tmp_path))
    assert (tmp_path / 'r.env').read_text().startswith('CICERO_')


def test_a_missing_prometheus_client_is_named(monkeypatch, tmp_path):
    monkeypatch.setitem(__import__('sys').modules, 'prometheus_client', None)
    with pytest.raises(ReportError) as raised:
        write_reports([('openmetrics', str(tmp_path / 'c.prom'))], verdict('pass'), 'a', READ_AT)
    assert 'needs the Python library prometheus_client' in str(raised.value)


@pytest.mark.parametrize('case, commands', [
    ('pass', []),
    ('warn', ['::warning title=Cicero credits::Cicero credits running low: 4,000 usable (4,000 balance), below the '
              'warning level of 5,000']),
    ('fail', ['::error title=Cicero credits::Cicero credits too low: 4,000 usable (4,000 balance), 5,000 required']),
])
def test_github_publishes_summary_outputs_and_annotations(case, commands, tmp_path):
    summary, outputs = tmp_path / 'summary.md', tmp_path / 'outputs'
    summary.write_text('earlier step\n')
    shown = []
    environ = dict(GITHUB_ACTIONS='true', GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs))
    _github.publish(verdict(case), 'production', READ_AT, environ, shown.append)
    assert shown == commands
    assert summary.read_text().startswith('earlier step\n### Cicero credits of production: ')
    assert dict(line.split('=', 1) for line in outputs.read_text().splitlines()) == dict(
        passed='false' if case == 'fail' else 'true', warning='true' if case == 'warn' else 'false',
        message=_reports.summary_line(verdict(case)), credit_balance='4000', available_credits='4500',
        counted_credits='4000', required_credits='5000' if case == 'fail' else '1000', runway_days='', runs_out_at='', not_judged='')


def test_workflow_command_data_is_escaped_onto_one_line():
    assert _github.escape_data('100% done\r\nnext') == '100%25 done%0D%0Anext'


def test_the_forecast_in_every_report(tmp_path):
    """At the observed pace of 1,000 credits a day, 4,000 credits run out four days after the read."""
    forecast = evaluate(FIGURES, dict(POLICY_DEFAULTS, burn_rate_from='observed'), None,
                        dict(daily_burn=1000.0, readings=5), READ_AT)
    assert (forecast.runs_out_at, forecast.observed_daily_burn, forecast.runway_days) == (
        '2026-11-29T08:30:00Z', 1000.0, 4.0)
    got = samples(_reports.render_openmetrics(forecast, 'a', READ_AT))
    assert got['melissa_cicero_runs_out_timestamp_seconds'][0] == READ_AT.timestamp() + 4 * 86400
    assert got['melissa_cicero_observed_daily_burn'][0] == 1000.0
    read = read_dotenv(_reports.render_dotenv(forecast, 'a', READ_AT), tmp_path)
    assert (read['CICERO_RUNS_OUT_AT'], read['CICERO_RUNWAY_DAYS']) == ('2026-11-29T08:30:00Z', '4.0')
    assert 'runs_out_at=2026-11-29T08:30:00Z\n' in _github.output_lines(forecast)
    assert '| runs out at | 2026-11-29 08:30:00 UTC |' in _reports.render_markdown(forecast, 'a', READ_AT)


# -- report paths: never destroyed ---------------------------------------------------------------------

def test_a_report_behind_a_link_is_written_through_it(tmp_path):
    target = tmp_path / 'kept' / 'cicero.env'
    target.parent.mkdir()
    target.write_text('old\n')
    target.chmod(0o640)
    link = tmp_path / 'cicero.env'
    os.symlink(str(target), str(link))
    replace_file(str(link), 'CICERO_PASSED=true\n')
    assert os.path.islink(str(link)) and target.read_text() == 'CICERO_PASSED=true\n'
    assert (target.stat().st_mode & 0o777) == 0o640  # a file replaced keeps its mode
    assert sorted(os.listdir(str(target.parent))) == ['cicero.env']


def test_a_pipe_is_written_in_place_and_one_nobody_reads_is_named(tmp_path):
    import threading  # pylint: disable=import-outside-toplevel
    fifo = str(tmp_path / 'metrics.fifo')
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo).read()))
    reader.start()
    deadline = __import__('time').monotonic() + 10
    while True:  # the reader opens the pipe first, as a collector would be waiting on it
        try:
            replace_file(fifo, 'melissa_cicero_up 1\n')
            break
        except ReportError:
            assert __import__('time').monotonic() < deadline, 'the reader never opened the pipe'
    reader.join(10)
    assert received == ['melissa_cicero_up 1\n'] and os.path.exists(fifo)
    import stat  # pylint: disable=import-outside-toplevel
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(ReportError) as raised:
        replace_file(fifo, 'x')
    assert str(raised.value) == 'report {0} could not be written: it is a pipe that nothing reads'.format(fifo)


def test_a_device_is_written_in_place_never_replaced_by_a_file():
    import stat  # pylint: disable=import-outside-toplevel
    replace_file('/dev/null', 'CICERO_PASSED=true\n')
    with pytest.raises(ReportError) as raised:
        replace_file('/dev/full', 'CICERO_PASSED=true\n')
    assert str(raised.value) == 'report /dev/full could not be written: No space left on device'
    assert stat.S_ISCHR(os.stat('/dev/full').st_mode) and stat.S_ISCHR(os.stat('/dev/null').st_mode)


def test_github_files_that_cannot_be_written_are_each_named_by_their_variable(tmp_path):
    shown = []
    environ = dict(GITHUB_STEP_SUMMARY=str(tmp_path / 'missing' / 'summary.md'),
                   GITHUB_OUTPUT=str(tmp_path / 'missing' / 'outputs.txt'))
    with pytest.raises(ReportError) as raised:
        _github.publish(verdict('fail'), 'prod', READ_AT, environ, shown.append)
    assert str(raised.value) == (
        'GITHUB_STEP_SUMMARY: {0} could not be appended to: No such file or directory; '
        'GITHUB_OUTPUT: {1} could not be appended to: No such file or directory'.format(
            environ['GITHUB_STEP_SUMMARY'], environ['GITHUB_OUTPUT']))
    assert shown and shown[0].startswith('::error title=Cicero credits::')  # the annotation still shows
    environ['GITHUB_OUTPUT'] = str(tmp_path / 'outputs.txt')
    with pytest.raises(ReportError, match='^GITHUB_STEP_SUMMARY: '):
        _github.publish(verdict('fail'), 'prod', READ_AT, environ, shown.append)
    assert 'passed=false\n' in (tmp_path / 'outputs.txt').read_text()


@pytest.mark.parametrize('case', CASES + ('idle', 'forecast'))
def test_promtool_accepts_every_metrics_file_the_gate_writes(case, tmp_path):
    """The field's own linter (Debian's prometheus package, installed by `make tools`): base units, names, HELP."""
    import subprocess  # pylint: disable=import-outside-toplevel
    if case == 'idle':
        given = evaluate(FIGURES, dict(POLICY_DEFAULTS, min_runway_days=10), dict(USAGE, average_daily_credits=0.0))
    elif case == 'forecast':
        given = evaluate(FIGURES, dict(POLICY_DEFAULTS, min_runway_days=1, burn_rate_from='observed'), None,
                         dict(daily_burn=1000.0, readings=3), READ_AT)
    else:
        given = verdict(case)
    text = _reports.render_openmetrics(given, 'prod "eu" \\ 1', READ_AT)
    checked = subprocess.run(['promtool', 'check', 'metrics'], input=text, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr + text


def test_markdown_says_which_runway_rules_were_not_judged():
    why = 'min_runway_days 3 (the pace is unknown: 1 reading of the last 24 hours, 2 needed)'
    judged = verdict('pass').replaced(not_judged=why)
    text = _reports.render_markdown(judged, 'prod', READ_AT)
    assert '\n\nNot judged:\n```text\n{0}\n```\n'.format(judged.not_judged) in text, text
    assert 'Not judged:' not in _reports.render_markdown(verdict('pass'), 'prod', READ_AT)


def test_a_folder_that_cannot_be_entered_is_named_before_anything_is_written(tmp_path, monkeypatch):
    """As root, permissions never refuse: the check's answer is stood in for (a folder writable, not searchable)."""
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _report_files  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(_report_files.os, 'access', lambda path, mode: not mode & os.X_OK)
    with pytest.raises(ReportError, match='permission denied: the folder .* is not writable'):
        write_reports([('json', str(tmp_path / 'r.json'))], verdict('pass'), 'a', READ_AT)
    assert os.listdir(str(tmp_path)) == []


def test_a_partial_file_already_gone_is_no_error(tmp_path):
    from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import _remove_quietly  # pylint: disable=import-outside-toplevel
    _remove_quietly(str(tmp_path / 'never-written.partial'))


def test_more_than_a_pipe_holds_is_written_whole_to_a_slow_reader(tmp_path):
    """A pipe holds 64 KiB: the rest is written as the reader reads, however slowly (the write blocks, it does not
    give up half way)."""
    import threading  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel
    fifo = str(tmp_path / 'metrics.fifo')
    os.mkfifo(fifo)
    text = 'x' * 300000 + '\n'
    received = []

    def read_slowly():
        with open(fifo) as handle:
            time.sleep(0.3)  # the writer fills the pipe meanwhile
            received.append(handle.read())
    reader = threading.Thread(target=read_slowly)
    reader.start()
    deadline = time.monotonic() + 10
    while True:
        try:
            replace_file(fifo, text)
            break
        except ReportError as exc:
            assert 'nothing reads' in str(exc) and time.monotonic() < deadline, str(exc)
    reader.join(10)
    assert received == [text]


def test_a_failed_verdict_with_a_warning_is_failed_and_the_observed_pace_is_a_row():
    failed = verdict('fail').replaced(warning='Cicero credits running low: something')
    assert _reports.render_markdown(failed, 'prod', READ_AT).startswith('### Cicero credits of prod: failed\n')
    paced = verdict('pass').replaced(observed_daily_burn=1234.5)
    assert '| observed daily burn | 1,234.5 |' in _reports.render_markdown(paced, 'prod', READ_AT)
    assert 'observed daily burn' not in _reports.render_markdown(verdict('pass'), 'prod', READ_AT)


def test_a_report_that_exists_in_a_folder_that_cannot_be_entered_is_named_too(tmp_path, monkeypatch):
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _report_files  # pylint: disable=import-outside-toplevel
    (tmp_path / 'r.json').write_text('old')
    monkeypatch.setattr(_report_files.os, 'access', lambda path, mode: not mode & os.X_OK)
    with pytest.raises(ReportError, match='permission denied: the folder .* is not writable'):
        write_reports([('json', str(tmp_path / 'r.json'))], verdict('pass'), 'a', READ_AT)
    assert (tmp_path / 'r.json').read_text() == 'old'


def test_a_new_report_gets_the_files_mode_less_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        replace_file(str(tmp_path / 'new.env'), 'CICERO_PASSED=true\n')
    finally:
        os.umask(previous)
    assert ((tmp_path / 'new.env').stat().st_mode & 0o777) == 0o644  # rw-r--r--, never an execute bit


def test_a_link_into_a_folder_that_does_not_exist_names_that_folder(tmp_path):
    link = tmp_path / 'cicero.json'
    os.symlink(str(tmp_path / 'gone' / 'cicero.json'), str(link))
    assert _report_files._unwritable(str(link)) == 'the folder {0} does not exist'.format(tmp_path / 'gone')  # pylint: disable=protected-access


def test_a_folder_the_gate_may_enter_but_not_write_is_named(tmp_path, monkeypatch):
    """As root every folder is writable, so the check is shown what a user's account would be told: the report's
    folder must let us write and enter."""
    monkeypatch.setattr(_report_files.os, 'access', lambda path, mode: not mode & os.W_OK)
    assert _report_files._unwritable(str(tmp_path / 'r.json')) == (  # pylint: disable=protected-access
        'permission denied: the folder {0} is not writable'.format(tmp_path))


@pytest.mark.parametrize('error', [errno.ENOENT, errno.EACCES])
def test_a_pipe_that_cannot_be_opened_says_why_in_the_systems_words(tmp_path, monkeypatch, error):
    """Only a pipe without a reader (ENXIO) is said to be one: any other failure to open it keeps its own words."""
    fifo = str(tmp_path / 'metrics.fifo')
    os.mkfifo(fifo)

    def refused(path, flags, *args):
        raise OSError(error, os.strerror(error))
    monkeypatch.setattr(_report_files.os, 'open', refused)
    with pytest.raises(OSError) as raised:
        _report_files.write_atomically(fifo, 'x')
    assert (raised.value.errno, raised.value.strerror) == (error, os.strerror(error))
