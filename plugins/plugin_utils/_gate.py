# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read an account and judge it: the one gate behind the credits_verdict action and the credits event source.

Controller-side only (the action runs in Ansible's Python, the event source in ansible-rulebook's), so it
lives in plugin_utils; what it calls is the modules' own client, parser, redactor and policy.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict, Optional

import hashlib

from datetime import datetime
from urllib.parse import urlsplit

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._api_text import api_text
from ansible_collections.melissa.cicero.plugins.module_utils._client import CiceroClient
from ansible_collections.melissa.cicero.plugins.module_utils._connection import call_api, credential_redactor, missing_library, redacted
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError, CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._redact import Redactor
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Figures, InCallersWords, Params, Policy
from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import observed_daily_burn
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import (
    FIGURE_KEYS, evaluate, has_runway_rule, misconfigured, needs_usage, runway_rules, unreadable)
from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import read_credits, read_usage
from ansible_collections.melissa.cicero.plugins.plugin_utils._readings import Readings, ReadingsError
from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict


def read_verdict(client: CiceroClient, params: Params, policy: Policy, redactor: Redactor,
                 readings: Optional[Readings] = None) -> Verdict:
    """The verdict on one read of the account through `client`: the credits, and the usage only when a
    runway rule needs it. A failed read is a failed verdict whose message is the read's own, redacted,
    naming which read failed; nothing is raised for it.

    `readings` (plugin_utils/_readings.py) keeps the balances read so far: this read's joins them, and the
    observed pace is judged from them.
    """
    now = _clock.utc_now()
    failing = 'credits'  # which read a failure is named after: the judging of both counts as the credits'
    try:
        credits = read_credits(client, params, now)
        usage = None
        if needs_usage(policy):
            failing = 'usage'
            usage = read_usage(client, params, now)
            failing = 'credits'
        return evaluate(credits, policy, usage, observe(readings, credits, policy, now), now)
    except CiceroError as exc:
        return unreadable(redacted(exc, redactor).message, policy, failing)
    except ReadingsError:
        raise  # the history file, not the answer: the caller names its option
    except Exception as exc:  # pylint: disable=broad-except
        # An answer no rule foresaw, or a fault of ours: a failed verdict that names it, never a crashed gate or
        # an ended watch. The text may quote the answer, so it is made safe and redacted like the API's own.
        return unreadable(unexpected(exc, redactor), policy, failing)


def unexpected(exc: BaseException, redactor: Redactor) -> str:
    """The words of an unforeseen exception, for a verdict: no class name, no traceback, no secret."""
    return redactor(api_text('the answer could not be judged: {0}'.format(exc or 'no reason given')))


def account_label(params: Params) -> str:
    """The account's label: the `account` option, or when none is given the API URL's host name (no userinfo,
    no query)."""
    return params['account'] or urlsplit(params['api_url']).hostname or 'cicero'


def readings_owner(params: Params) -> str:
    """Whose readings a history holds: a one-way fingerprint (SHA-256) of the API URL, without its userinfo, and the
    credential (the license key, or the user name of a token account). Never the key itself, and not the host
    alone: every real account is on app.cicerodata.com."""
    url = urlsplit(params['api_url'])
    try:
        port = url.port
    except ValueError:
        port = None
    where = '{0}://{1}{2}{3}'.format(url.scheme, url.hostname or '', ':{0}'.format(port) if port else '',
                                     url.path.rstrip('/'))
    who = 'key:' + params['license_key'] if params.get('license_key') else 'user:' + str(params.get('username'))
    return 'sha256:' + hashlib.sha256('\0'.join(('melissa.cicero readings', where, who)).encode('utf-8')).hexdigest()


def observe(readings: Optional[Readings], credits: Figures, policy: Policy,
            now: datetime) -> Optional[Dict[str, Any]]:
    """The observed pace after recording this read's balance, or None when no readings are kept."""
    if readings is None:
        return None
    kept = readings.add(now.timestamp(), credits['credit_balance'])
    return dict(daily_burn=observed_daily_burn(kept, now.timestamp(), policy['burn_window']), readings=len(kept))


# -- the credits_verdict action's three ways to a verdict ----------------------------------------------------------

def refuse_unjudgeable(params: Params, policy: Policy, in_callers_words: InCallersWords = str) -> None:
    """A runway rule at the observed pace with nowhere to keep readings can never be judged: refused before any
    request, naming where readings are kept, rather than passing every time in silence."""
    if not has_runway_rule(policy) or policy['burn_rate_from'] != 'observed' or params['history_path']:
        return
    raise CiceroOptionError(
        '{0} at {1}=observed can never be judged without {2}: the observed pace needs the readings of earlier runs. '
        'Give {2} (a file the runs share), or {1}=usage or both'.format(
            ', '.join(in_callers_words(name) for name, dummy in runway_rules(policy)),
            in_callers_words('burn_rate_from'), in_callers_words('history_path')))


def read_and_judge(params: Params, policy: Policy, warn: Callable[[str], Any], in_callers_words: InCallersWords = str,
                   readings: Optional[Readings] = None) -> Verdict:
    """Read with one client and judge; a connection option that cannot be right fails the verdict with its message
    (options named in the caller's words), as a failed read does; warnings go to warn(text). A read's balance joins
    `readings` (the history file), whose observed pace the verdict reports."""
    missing = missing_library(params)
    if missing:
        # Imported here: the watch (ansible-rulebook) needs nothing else of AnsibleModule's support.
        from ansible.module_utils.basic import missing_required_lib  # pylint: disable=import-outside-toplevel
        return unreadable(missing_required_lib(missing[0]), policy)
    redactor = credential_redactor(params)

    def judge(client: CiceroClient, params: Params) -> Verdict:
        return read_verdict(client, params, policy, redactor, readings)
    try:
        return call_api(params, judge, warn, redactor, in_callers_words)
    except CiceroOptionError as exc:
        # A setting, not the account: said as such, and still a failed verdict with its reports.
        return misconfigured(exc.message, policy)
    except CiceroError as exc:
        return unreadable(exc.message, policy)


def read_with_history(params: Params, policy: Policy, account: str, warn: Callable[[str], Any],
                      in_callers_words: InCallersWords = str) -> Verdict:
    """read_and_judge with history_path: the read's balance joins the file's readings, whose observed pace the
    verdict reports; a file that cannot be locked or written is an error naming the option."""
    try:
        # Strict when a runway rule needs the readings: then a file that cannot be used fails the gate; otherwise it
        # is a warning and the verdict stands.
        readings = Readings(policy['burn_window'], params['history_path'], account, warn=warn,
                            strict=has_runway_rule(policy), owner=readings_owner(params))
        return read_and_judge(params, policy, warn, in_callers_words, readings)
    except ReadingsError as exc:
        raise CiceroOptionError('{0}: {1}'.format(in_callers_words('history_path'), exc)) from None


def judge_registered(credits: Figures, usage: Optional[Dict[str, Any]], policy: Policy) -> Verdict:
    """Judge registered results of melissa_credits_info and melissa_usage_info without a request.

    A read that failed (registered with failed_when: false) has no figures; its msg is the module's own.
    """
    if 'credit_balance' not in credits:
        return unreadable(str(credits.get('msg') or 'the credits result holds no figures'), policy)
    missing = [key for key in FIGURE_KEYS if key not in credits]
    if missing:
        raise CiceroOptionError('credits must be a registered melissa_credits_info result; this one lacks {0}'.format(
            ', '.join(missing)))
    if not needs_usage(policy):
        return evaluate(credits, policy, now=_clock.utc_now())
    usage = usage or {}
    if 'average_daily_credits' not in usage:
        return unreadable(str(usage.get('msg') or 'the runway rules need the usage option'), policy, 'usage')
    return evaluate(credits, policy, usage, now=_clock.utc_now())
