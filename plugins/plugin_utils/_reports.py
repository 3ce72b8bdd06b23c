# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gate's verdict as the files CI systems and monitoring read: one pure renderer per format.

Each renderer takes the Verdict (plugins/plugin_utils/_verdict.py, of _policy.py's evaluate() or unreadable()), the account's
label and the time of the read, and returns the file's text. The verdict never holds a credential, so no
report can. Writing the files is _report_files.py's job; running on the controller only, this is plugin_utils.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, List, Mapping, Optional, Tuple

import json
import math
import re

from datetime import datetime

from shlex import quote as shell_quote

from ansible_collections.melissa.cicero.plugins.module_utils._clock import ISO_UTC, iso_utc
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import number
from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict

SUITE = 'melissa.cicero.assert_credits'
DAY_SECONDS = 86400.0


def _figure(verdict: Verdict, name: str) -> Any:
    return None if verdict.figures is None else verdict.figures[name]


def _runway(verdict: Verdict) -> Optional[float]:
    if verdict.daily_burn is None:
        return None  # no runway rule: the usage was not read
    return math.inf if verdict.runway_days is None else verdict.runway_days


# How every text report spells a runway that never ends (nothing spent): docs/gate-a-deployment.md. The metrics
# write +Inf, Prometheus' own spelling; a runway that was not computed (no runway rule) is empty or absent.
UNBOUNDED = 'unbounded'


def _runway_seconds(verdict: Verdict) -> Optional[float]:
    runway = _runway(verdict)
    return None if runway is None else runway * DAY_SECONDS


def _runway_text(verdict: Verdict) -> str:
    runway = _runway(verdict)
    if runway is None:
        return ''
    return UNBOUNDED if runway == math.inf else str(runway)


def _runs_out_seconds(verdict: Verdict) -> Optional[float]:
    ends = verdict.runs_out_at
    if not ends:
        return None
    return (datetime.strptime(ends, ISO_UTC) - datetime(1970, 1, 1)).total_seconds()


# name, HELP text, and how to get the value from the verdict (None: no sample written).
GAUGES = (
    ('melissa_cicero_up', '1 when the Cicero credits could be read, 0 when the read failed.',
     lambda verdict: 1 if verdict.read else 0),
    ('melissa_cicero_gate_passed', '1 when the credits gate passed, 0 when it failed (a failed read included).',
     lambda verdict: 1 if verdict.passed else 0),
    ('melissa_cicero_gate_warning', '1 when the credits gate passed with a warning (below warn_credits), else 0.',
     lambda verdict: 1 if verdict.warned else 0),
    ('melissa_cicero_credit_balance', 'Credits left on the Cicero account.',
     lambda verdict: _figure(verdict, 'credit_balance')),
    ('melissa_cicero_overdraft_limit', 'Credits the account may go below zero before calls stop.',
     lambda verdict: _figure(verdict, 'overdraft_limit')),
    ('melissa_cicero_available_credits', 'Credit balance plus overdraft limit.',
     lambda verdict: _figure(verdict, 'available_credits')),
    ('melissa_cicero_counted_credits', 'Credits the gate counted under its policy.',
     lambda verdict: verdict.counted_credits),
    ('melissa_cicero_required_credits', 'Credits the gate required under its policy.',
     lambda verdict: verdict.required_credits),
    ('melissa_cicero_credits_expiring_soon', 'Credits in batches that expire within expiring_within_days.',
     lambda verdict: _figure(verdict, 'credits_expiring_soon')),
    # Seconds, Prometheus' base unit (promtool check metrics refuses a unit of days); the text reports keep days.
    ('melissa_cicero_runway_seconds', 'Seconds the counted credits last at the daily spend the policy names (+Inf: '
     'no spend); written when a runway rule knows the pace.', _runway_seconds),
    ('melissa_cicero_daily_burn', 'Credits spent a day at the pace the policy names (burn_rate_from); written '
     'when that pace is known.', lambda verdict: verdict.daily_burn),
    ('melissa_cicero_observed_daily_burn', 'Credits spent a day over the recorded readings of the burn window '
     '(only falls count); written when at least two readings give a pace.',
     lambda verdict: verdict.observed_daily_burn),
    ('melissa_cicero_runs_out_timestamp_seconds', 'When the counted credits run out at daily_burn, in seconds '
     'since the epoch; written when something is being spent.', _runs_out_seconds),
    ('melissa_cicero_last_read_timestamp_seconds', 'When the gate last read the Cicero account, in seconds since '
     'the epoch.', None),
)


def render_json(verdict: Verdict, account: str, read_at: datetime) -> str:
    """The verdict as the gate publishes it (assert_credits_result), with the account and the read's time as
    the other reports carry them."""
    return json.dumps(dict(verdict.to_dict(), account=account, read_at=iso_utc(read_at)), indent=2, sort_keys=True) + '\n'


def render_junit(verdict: Verdict, account: str, read_at: datetime) -> str:
    """One test suite, one test case naming the account: a <failure> when the credits are not enough, an
    <error> when they could not be read (the check could not run), as JUnit readers tell the two apart."""
    # Imported here: a gate that writes no JUnit report should not pay for it (docs/performance.md, B1).
    from xml.etree import ElementTree  # pylint: disable=import-outside-toplevel
    verdict = verdict.replaced(message=_xml_text(verdict.message),
                               warning=None if verdict.warning is None else _xml_text(verdict.warning))
    account = _xml_text(account)
    unreadable = not verdict.read
    failures, errors = str(int(not verdict.passed and not unreadable)), str(int(unreadable))
    suite = ElementTree.Element('testsuite', name=SUITE, tests='1', failures=failures, errors=errors,
                                skipped='0', time='0', timestamp=read_at.strftime('%Y-%m-%dT%H:%M:%S'))
    case = ElementTree.SubElement(suite, 'testcase', classname=SUITE,
                                  name='Cicero credits of {0}'.format(account), time='0')
    if not verdict.passed:
        outcome = ElementTree.SubElement(case, 'error' if unreadable else 'failure', message=verdict.message,
                                         type='unreadable' if unreadable else 'insufficient')
        outcome.text = verdict.message
    ElementTree.SubElement(case, 'system-out').text = summary_line(verdict)
    suites = ElementTree.Element('testsuites', name=SUITE, tests='1', failures=failures, errors=errors)
    suites.append(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding='unicode') + '\n'


# What XML 1.0 forbids (its Char production): ElementTree would write these as they are, and the file would not
# parse. API text is cleaned when it is read; this keeps the report well-formed whatever else a message holds.
_NOT_XML = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


def _xml_text(text: str) -> str:
    return _NOT_XML.sub('', str(text))


def render_openmetrics(verdict: Verdict, account: str, read_at: datetime) -> str:
    """The Prometheus text format (node_exporter's textfile collector, GitLab metrics reports), written by
    prometheus_client, which is imported only here: no other format needs it."""
    # pylint: disable=import-outside-toplevel
    from prometheus_client import CollectorRegistry, Gauge, generate_latest
    registry = CollectorRegistry()
    for name, help_text, value_of in GAUGES:
        value = read_at.timestamp() if value_of is None else value_of(verdict)
        if value is not None:
            Gauge(name, help_text, ['account'], registry=registry).labels(account=account).set(value)
    return generate_latest(registry).decode('utf-8')


def render_dotenv(verdict: Verdict, account: str, read_at: datetime) -> str:
    """KEY=value lines for GitLab's dotenv reports and any shell; unknown figures are empty. A value with
    anything but letters, digits and a few safe signs (the message) is single-quoted for the shell, so that
    `set -a; . cicero.env` reads it whole and never runs any of it (GitLab keeps the quotes)."""
    return ''.join('{0}={1}\n'.format(name, shell_quote(value) if value else '') for name, value in dotenv_values(verdict))


def render_markdown(verdict: Verdict, account: str, read_at: datetime) -> str:
    """A heading with the outcome, the message, and a short table of the figures."""
    outcome = 'passed' if verdict.passed else 'failed'
    if verdict.passed and verdict.warning:
        outcome = 'passed with a warning'
    lines = ['### Cicero credits of {0}: {1}'.format(_markdown_escaped(account), outcome), '']
    lines += _markdown_literal(verdict.message)
    if verdict.warning:
        lines += [''] + _markdown_literal(verdict.warning)
    if verdict.not_judged:
        lines += ['', 'Not judged:'] + _markdown_literal(verdict.not_judged)
    lines += ['', '| figure | value |', '|---|---|']
    for label, value in _shown_figures(verdict):
        lines.append('| {0} | {1} |'.format(label, value))
    lines += ['', 'Read at {0} UTC.'.format(read_at.strftime('%Y-%m-%d %H:%M:%S')), '']
    return '\n'.join(lines)


RENDERERS = dict(json=render_json, junit=render_junit, openmetrics=render_openmetrics, dotenv=render_dotenv,
                 markdown=render_markdown)
FORMATS = tuple(sorted(RENDERERS))


def unknown_formats(reports: Mapping[str, Any]) -> List[str]:
    """The requested formats no renderer knows, sorted."""
    return sorted(str(name) for name in reports if name not in RENDERERS)


def dotenv_values(verdict: Verdict) -> List[Tuple[str, str]]:
    """(name, value) pairs of the dotenv report; the GitHub outputs are the same, lower-cased and unquoted."""
    return [
        ('CICERO_PASSED', 'true' if verdict.passed else 'false'),
        ('CICERO_WARNING', 'true' if verdict.warned else 'false'),
        ('CICERO_MESSAGE', _one_line(summary_line(verdict))),
        ('CICERO_CREDIT_BALANCE', _text(_figure(verdict, 'credit_balance'))),
        ('CICERO_AVAILABLE_CREDITS', _text(_figure(verdict, 'available_credits'))),
        ('CICERO_COUNTED_CREDITS', _text(verdict.counted_credits)),
        ('CICERO_REQUIRED_CREDITS', _text(verdict.required_credits)),
        ('CICERO_RUNWAY_DAYS', _runway_text(verdict)),
        ('CICERO_RUNS_OUT_AT', _text(verdict.runs_out_at)),
        ('CICERO_NOT_JUDGED', _one_line(_text(verdict.not_judged))),
    ]


def summary_line(verdict: Verdict) -> str:
    """The one-line outcome: the verdict's message, and its warning when there is one."""
    if verdict.warning:
        return '{0} ({1})'.format(verdict.message, verdict.warning)
    return verdict.message


def _text(value: Any) -> str:
    return '' if value is None else str(value)


def _shown_figures(verdict: Verdict) -> List[Tuple[str, Any]]:
    rows = [('credit balance', _figure(verdict, 'credit_balance')),
            ('overdraft limit', _figure(verdict, 'overdraft_limit')),
            ('available credits', _figure(verdict, 'available_credits')),
            ('counted credits', verdict.counted_credits),
            ('required credits', verdict.required_credits),
            ('expiring soon', _figure(verdict, 'credits_expiring_soon'))]
    if verdict.daily_burn is not None:
        rows += [('daily burn', verdict.daily_burn), ('runway days', _runway_text(verdict))]
    if verdict.observed_daily_burn is not None:
        rows.append(('observed daily burn', verdict.observed_daily_burn))
    if verdict.runs_out_at:
        rows.append(('runs out at', verdict.runs_out_at.replace('T', ' ').replace('Z', ' UTC')))
    return [(label, 'n/a' if value is None else value if isinstance(value, str) else number(value))
            for label, value in rows]


def _one_line(text: str) -> str:
    return str(text).replace('\r', ' ').replace('\n', ' ')


def _markdown_literal(text: str) -> List[str]:
    """Lines of a fenced code block holding `text`: the message quotes the API, and nothing in a code block
    renders (no link, image, mention, HTML or table). The fence is longer than any run of backticks inside."""
    text = _one_line(text)
    longest = max((len(run) for run in re.findall('`+', text)), default=0)
    fence = '`' * max(3, longest + 1)
    return [fence + 'text', text, fence]


_MARKDOWN_PUNCTUATION = re.compile(r'([!-/:-@\[-`{-~])')


def _markdown_escaped(text: str) -> str:
    """`text` as literal Markdown inline text: every ASCII punctuation sign backslash-escaped, as CommonMark
    allows for each, so that no link, image, emphasis, HTML or table cell starts from it."""
    return _MARKDOWN_PUNCTUATION.sub(r'\\\1', _one_line(text))
